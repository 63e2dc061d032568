"""People named in a handle or a login (``PERSON``): ``aigerim.serikova``, ``@john_smith``,
``github.com/dana-omarova``, ``AigerimSerikova``.

A login made of a person's given name and surname is that person's name written as an
identifier; the model reads it as one unknown word, if at all. A word of two parts joined by
``.``, ``_`` or ``-``, or by a change of case, is reported when one part is a listed given
name and the other a surname (listed, or in the shape of a Russian or Kazakh one), in either
order, and neither is an English word: ``max_length``, ``grace_period`` and ``ruby-rails``
stay clean. The local part of an e-mail address is left to the address.

Tickets, boarding passes and manifests write a passenger ``SURNAME/GIVEN`` in capitals
(``KOWALSKI/ANNA MS``, ``PAX TOKTAROV/ARMAN MR``): that shape is a name when a title follows
it or a passenger label comes before it, whatever the lists hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.gazetteer import ascii_fold, gazetteer
from qorgan.detection.recognizers.scan import Hit, ScanRecognizer

__all__ = ["HANDLE", "HandleRecognizer"]

SCORE = 0.85
#: what the trigger needs to see: two letters joined by a separator or a case change
HANDLE = r"[A-Za-z][._\-][A-Za-z]|[a-z][A-Z]|[A-Z]/[A-Z]"

# ... never the local part of an e-mail address: the address is the finding there
_JOINED = re.compile(
    r"(?<![\w.\-])@?(?P<name>[A-Za-z]{2,20}[._\-][A-Za-z]{2,20})(?![\w\-@]|\.\w)"
)
_SURNAME_AFTER = re.compile(r" ([A-Z][a-z'’]+)(?![\w\-])")
_CAMEL = re.compile(r"(?<![\w.\-])@?(?P<name>[A-Z][a-z]{1,19}[A-Z][a-z]{1,19})(?![\w\-@])")


_PNR_WORD = r"[A-Z][A-Z'\-]{1,24}"
_PNR_TITLE = r"(?:MRS|MR|MS|MISS|MSTR|DR|CHD|INF)\b"
_PNR = re.compile(
    rf"(?<![\w/])(?P<label>(?:NAME|PAX|PASSENGER|PSGR|TRAVELLER|TRAVELER)\s*[:#]?\s*)?"
    rf"(?P<name>{_PNR_WORD}/{_PNR_WORD}(?: (?!{_PNR_TITLE}){_PNR_WORD})?)"
    rf"(?P<title>\s*{_PNR_TITLE})?(?![\w/])"
)


class HandleRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "PERSON"

    def scan(self, text: str) -> Iterator[Hit]:
        for pattern in (_JOINED, _CAMEL):
            for match in pattern.finditer(text):
                parts = _parts(match.group("name"))
                if len(parts) == 2 and _a_name(*parts):
                    start, end = match.span("name")
                    surname = _SURNAME_AFTER.match(text, end) if "-" in match.group() else None
                    if surname is not None and gazetteer().is_surname(surname.group(1)):
                        end = surname.end()  # "Heinz-Dieter Kramer": a double given name
                    yield Hit(start, end, SCORE, "a given name and a surname as one handle")
        if "/" in text:
            for match in _PNR.finditer(text):
                if match.group("label") or match.group("title"):
                    start, end = match.span("name")
                    if match.group("title") is None and " " in match.group("name"):
                        end = start + match.group("name").index(" ")  # "... FLIGHT"
                    yield Hit(start, end, SCORE, "a passenger's SURNAME/GIVEN")


def _parts(name: str) -> list[str]:
    pieces = re.split(r"[._\-]", name)
    if len(pieces) == 1:
        pieces = re.findall(r"[A-Z][a-z]+", name)
    return [ascii_fold(p) for p in pieces]


def _a_name(first: str, second: str) -> bool:
    gz = gazetteer()
    if gz.is_common(first) or gz.is_common(second):
        return False
    return (first in gz.given and gz.is_surname(second)) or (
        second in gz.given and gz.is_surname(first)
    )
