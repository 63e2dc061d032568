"""Towns named by their place in a postal address (``LOCATION``).

An address writes its town next to a postcode, and that position says what the word is
even when no list holds the town or the model reads it as a person ("50125 Firenze"):

* a European postcode, then the town: ``69117 Heidelberg``, ``1070 Wien``, ``1016 GV
  Amsterdam``, ``00-697 Warszawa``, ``D-80331 München``, ``050000 Алматы``;
* a US town before its state's code and ZIP: ``Columbus, OH 43215``, and in a CSV row
  before the bare code (``...,Denver,CO``) when the town is a listed one;
* a British town or county before its postcode: ``Manchester M20 1JQ``;
* a Turkish district and province: ``Konak/İzmir``.

The postcode must open a field (after a comma, a semicolon, a line start or two spaces), so
"Order 12345 Shipped" is none, and the town is one to three capitalised words that end
the field. A town no list holds must not be ordinary English words ("12345 Main Office")
nor end in a street type ("4821 Maple Avenue" is a house and its street).
The state's code and the postcode themselves are not reported: they name a region of
millions, not where a person lives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.addresses import STREET_TYPES
from qorgan.detection.recognizers.gazetteer import gazetteer, place_keys
from qorgan.detection.recognizers.name_tokens import before_spaces
from qorgan.detection.recognizers.scan import Hit, ScanRecognizer

__all__ = ["POSTAL", "PostalTownRecognizer"]

SCORE = 0.88
# a word this frequent in English text (a share of all words) is a word first
_ENGLISH_WORD = 1e-5
#: what the trigger needs to see: four digits, or a British postcode's inward part
POSTAL = r"\d{4}|\d{2}-\d{3}|\b\d[A-Z]{2}\b|/[A-ZÇĞİÖŞÜ]"

_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁӘҒҚҢӨҰҮҺІЇЄҐİŁŚŻŹĆŃ"
_TOWN_WORD = rf"[{_UPPER}][^\W\d_]*(?:['’][^\W\d_]+)?"
# lower-case words inside a town's name: "Frankfurt am Main", "Saint-Denis", "Castellón de
# la Plana", "Stratford-upon-Avon"
_JOIN = r"(?:[ \-](?:am|an|der|im|ob|bei|sur|sous|de|la|le|les|en|del|di|upon|on|na)(?=[ \-]))?"
_TOWN = rf"(?P<town>{_TOWN_WORD}(?:{_JOIN}[ \-]{_TOWN_WORD}){{0,2}})"
_FIELD_END = r"(?=[ \t]*(?:$|[,;|\n)(]|\.(?:\s|$)|[ \t][–—-][ \t]|[ \t]{2}))"
# Each form is found from what it must hold, a postcode or a state's code, with a pattern
# that opens with a digit or a capital (the engine skips other characters fast); the town
# is read after or before it, and where the field starts is checked in Python.
# a European postcode: "69117", "1016 GV", "00-697", "114 55"; not inside a longer number
_EU_CODE = re.compile(
    r"\d(?<![\w\-]\d)(?:\d{3}[ \t]?[A-Z]{2}(?=[ \t])|\d{3,5}|\d-\d{3}|\d{2}[ \t]\d{2})"
    r"(?![\w\-])"
)
_EU_TOWN = re.compile(rf"[ \t]+{_TOWN}{_FIELD_END}", re.MULTILINE)
_STATE = (
    "(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|"
    "NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR)"
)
# a US state's code and ZIP: "OH 43215"; in a CSV row the code alone: ",CO,"
_US_CODE = re.compile(rf"{_STATE}(?<![\w\-]..)[ \t]+\d{{5}}(?:-\d{{4}})?(?!\d)")
_US_CSV_CODE = re.compile(rf",{_STATE}(?=,|$|\s)", re.MULTILINE)
_US_TOWN = re.compile(r"(?P<town>[A-Z][a-z'’.\-]+(?:[ \t][A-Z][a-z'’.\-]+){0,2}),?[ \t]+$")
_CSV_TOWN = re.compile(r"(?<=,)(?P<town>[A-Z][a-z'’.\-]+(?:[ \t][A-Z][a-z'’.\-]+){0,2})$")
# a British postcode: "M20 1JQ", "SW1A 2AA"
_GB_CODE = re.compile(r"[A-Z](?<![\w\-][A-Z])[A-Z]?\d[A-Z\d]?[ \t]\d[A-Z]{2}(?![\w\-])")
_GB_TOWN = re.compile(r"(?P<town>[A-Z][a-z'’\-]+(?:[ \t][A-Z][a-z'’\-]+)?),?[ \t]+$")
# ... a listed town anywhere before it, a street before that ("... Road Manchester M20 1JQ")
_GB_LAST_WORD = re.compile(r"(?<![\w\-])(?P<town>[A-Z][a-z'’\-]+),?[ \t]+$")
_WINDOW = 60
_TR_WORD = r"[A-ZÇĞİÖŞÜ][a-zçğıöşü]+"
_TR = re.compile(rf"(?<![\w/])(?P<district>{_TR_WORD})/(?P<town>{_TR_WORD})(?![\w/])")


class PostalTownRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "LOCATION"

    def scan(self, text: str) -> Iterator[Hit]:
        for code in _EU_CODE.finditer(text):
            town = _EU_TOWN.match(text, code.end())
            if town is not None and _opens_field(text, code.start()) and _town_like(
                town.group("town"), "rare"
            ):
                yield Hit(*town.span("town"), SCORE, "town after its postcode")
        for pattern, before, kind, field in (
            (_US_CODE, _US_TOWN, "rare", True),
            (_US_CSV_CODE, _CSV_TOWN, "listed", False),
            (_GB_CODE, _GB_TOWN, "any", True),
        ):
            for code in pattern.finditer(text):
                yield from _town_before(text, code.start(), before, kind, field=field)
        if "/" in text:
            for match in _TR.finditer(text):
                if _town_like(match.group("town"), "listed"):
                    yield Hit(*match.span("district"), SCORE, "district before its province")
                    yield Hit(*match.span("town"), SCORE, "province after its district")


def _town_before(
    text: str, at: int, pattern: re.Pattern[str], kind: str, *, field: bool
) -> Iterator[Hit]:
    """The town that ends right before ``at``; for a British postcode, when the field does
    not start at the town, a listed town alone ("27 Cavendish Road Manchester M20 1JQ")."""
    window = max(0, at - _WINDOW)
    pos = window
    while (match := pattern.search(text, pos, at)) is not None:
        # the longest reading first, then shorter ones: "Ship to Columbus, OH 43215"
        if (not field or _opens_field(text, match.start())) and _town_like(
            match.group("town"), kind
        ):
            yield Hit(*match.span("town"), SCORE, "town beside its postcode")
            return
        pos = match.start() + 1
    if pattern is _GB_TOWN:
        last = _GB_LAST_WORD.search(text, window, at)
        if last is not None and _town_like(last.group("town"), "listed"):
            yield Hit(*last.span("town"), SCORE, "listed town before its postcode")


def _opens_field(text: str, at: int) -> bool:
    """Whether ``at`` opens a field: the text's or a line's start, after a comma, a
    semicolon or a table's "|", or after two spaces."""
    i = before_spaces(text, at)
    return i == 0 or text[i - 1] in ",;|\n" or at - i >= 2


def _town_like(town: str, kind: str) -> bool:
    """Whether ``town`` is a place: a listed one; for kind ``rare`` also a name that is
    not frequent English words alone; for kind ``any`` any name."""
    gz = gazetteer()
    keys = place_keys(town)
    if gz.whole_place(keys) is not None:
        return True
    if keys[-1] in STREET_TYPES:
        return False  # "4821 Maple Avenue": a house number and its street, not a postcode
    if kind == "any":
        return True
    # frequent English words alone are no town ("Main Office"); a town's name is rare in
    # English text even where the word list keeps it ("Napoli", "Hamburg")
    return kind == "rare" and not all(gz.frequency(k) >= _ENGLISH_WORD for k in keys)
