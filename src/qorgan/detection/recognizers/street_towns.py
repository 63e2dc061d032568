"""The town written after a street line (``LOCATION``).

An address writes its town in the field after the street: "141 Barrack Street, Cork",
"915 Magnolia Street, Savannah", "19 Kestrel Way,Tucson,AZ,85719". A found street says what
that field is, even where the town is an English word ("Cork", "Reading") or a name the
model reads as a person ("Savannah"): one to three capitalised Latin words right after the
street and a comma, ending the field (a comma, a full stop, a bracket, a dash, the line's
end, a postcode or a state's code). Words a list holds as a place are a town whatever
else they are; other words only when not all of them are English words ("Apartment",
"Second Floor") and the last is no street type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qorgan.detection.recognizers.addresses import STREET_TYPES
from qorgan.detection.recognizers.gazetteer import ascii_fold, gazetteer
from qorgan.types import Finding

__all__ = ["SCORE", "towns_after_streets"]

#: above a model's 0.85: the street's position outranks its guess of a person
SCORE = 0.9
_WORD = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ɏ'’\-]*[a-zß-öø-ɏ]"
_JOIN = r"(?:[ \t](?:de|do|da|dos|das|del|di|la|le|sur|upon|on|am)(?=[ \t]))?"
# the flats, floors or suites the street line left out ("Rua das Flores 245, apto 702,
# Curitiba", "Av. Insurgentes Sur 1602, Piso 4, Int. 401, ...")
_UNIT = (
    r"(?:[ \t]*,[ \t]*(?i:apt|apto|apartment|suite|ste|unit|flat|floor|fl|office|room|bldg"
    r"|building|piso|andar|dpto|depto|int|interno|casa|bloco|bl)\.?[ \t]*#?[\w\-]{1,6}"
    r"(?![\w\-])){0,3}"
)
_TOWN = re.compile(
    rf"{_UNIT}[ \t]*,[ \t]*(?P<town>{_WORD}(?:{_JOIN}[ \t]{_WORD}){{0,2}})"
    r"(?=[ \t]*(?:$|[,;.)\n]|[ \t][–—-][ \t]|\d{3,}|[A-Z]{2}\b))",
    re.MULTILINE,
)


def towns_after_streets(text: str, findings: Sequence[Finding]) -> list[Finding]:
    """LOCATION findings for the towns that follow ``findings``' street addresses."""
    out: list[Finding] = []
    for street in findings:
        if street.entity_type != "STREET_ADDRESS":
            continue
        match = _TOWN.match(text, street.end)
        if match is None:
            continue
        words = match.group("town").split()
        keys = [ascii_fold(w) for w in words]
        gz = gazetteer()
        whole = gz.whole_place(keys) is not None
        if not whole and (all(gz.is_common(k) for k in keys) or keys[-1] in STREET_TYPES):
            continue
        out.append(Finding("LOCATION", match.start("town"), match.end("town"), SCORE,
                           "town after a street"))
    return out
