"""Street addresses (``STREET_ADDRESS``) in English, Russian and Kazakh.

An address is a street-type word, a street name and a house number, in the order each
language writes them:

* English: ``221B Baker Street``, ``1600 Pennsylvania Avenue NW, Suite 200``,
  ``350 5th Ave``, and the European order ``Abay Avenue 150``;
* Russian: the type first, ``ул. Абая, д. 10, кв. 5``, ``пр. Назарбаева 12``,
  ``мкр Самал-2, 58``, ``улица Толе би, дом 59``;
* Kazakh: the type after the name, ``Абай даңғылы 150``, ``Сәтпаев көшесі, 22-үй,
  15-пәтер``, ``Самал-2 шағын ауданы, 58``.

Without a house number a street is a place, not an address, and is left to the location
recognizers. English street types that are also ordinary words ("Drive", "Place", "Way",
"Square"...) score below the threshold unless an address word ("live", "address", "ship
to") is near: "5 Google Drive files" is not an address.

An address scores above NER (0.85), so "221B Baker Street" is replaced whole rather than
the model's "Baker Street" leaving the house number behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.scan import (
    Hit,
    ScanRecognizer,
    lowered_aligned,
    occurrences,
    windows,
    words,
)

ADDRESS = 0.9
WEAK_ADDRESS = 0.45

_STRONG_EN = words(
    "Street Str St Avenue Ave Av Road Rd Boulevard Blvd Lane Ln Highway Hwy Parkway Pkwy "
    "Prospekt Prospect Embankment"
)
_WEAK_EN = words(
    "Drive Dr Court Ct Place Pl Square Sq Terrace Crescent Way Close Row Mews Gardens Alley "
    "Circle Cir Trail Plaza"
)
# a sentence's own first words are not part of the street's name
_EN_NOT_NAME = words(
    "The A An At On In To From Via Near Visit Meet Call Send Ship Deliver Address Located "
    "Lives Live I We My Our Your His Her Their Office Home Please"
)
_EN_NAME = rf"(?:(?!(?:{_EN_NOT_NAME})\s)[A-Z][A-Za-z'’\-]*\.?\s+){{1,4}}"
_EN_ORDINAL = r"\d{1,3}(?:st|nd|rd|th)\s+"
_EN_HOUSE = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?"
_EN_DIRECTION = r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?"
_EN_UNIT = (
    r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm)\.?\s*#?\s*\w{1,5}|"
    r",?\s+#\s*\d{1,5})?"
)
_EN_TAIL = r"(?![A-Za-z\-])\.?"  # "St." keeps its dot; "Streets" is not "Street"
_EN_NUMBER_FIRST = re.compile(
    rf"(?<![\w\-/.,])(?P<house>{_EN_HOUSE})\s+(?:{_EN_ORDINAL}|{_EN_NAME})"
    rf"(?:(?P<strong>{_STRONG_EN})|(?P<weak>{_WEAK_EN})){_EN_TAIL}{_EN_DIRECTION}{_EN_UNIT}"
)
_EN_NAME_FIRST = re.compile(
    rf"(?<![\w\-])(?:{_EN_ORDINAL}|{_EN_NAME})(?:(?P<strong>{_STRONG_EN})|(?P<weak>{_WEAK_EN}))"
    rf"\.?,?\s+(?P<house>\d{{1,3}}[A-Za-z]?(?:[-/]\d{{1,3}})?)(?![\w\-/.]\d|\w)"
    r"(?!\s+(?:minutes?|mins?|hours?|days?|weeks?|years?|percent|km|miles?|blocks?|times)\b)"
    rf"{_EN_UNIT}"
)

_CAPITAL = "А-ЯЁӘҒҚҢӨҰҮҺІA-Z"
# a name word: capitalised, or a number ("8 Марта", "Самал-2"), or a title that follows a
# name in lower case ("Толе би", "Кабанбай батыра")
_RU_WORD = rf"(?:[{_CAPITAL}0-9][\w’'\-]*|би|батыр\w*|хан\w*|ата)"
_RU_NAME = rf"{_RU_WORD}\.?(?:\s+{_RU_WORD}\.?){{0,3}}"
_RU_TYPE = (
    r"(?:ул\.|ул\b|улица|пр\.|пр-т\.?|просп\.|проспект|пер\.|переулок|б-р\.?|бул\.|бульвар|"
    r"ш\.|шоссе|наб\.|набережная|пл\.|площадь|мкр-н\.?|мкрн\.?|мкр\.?|микрорайон|тупик|"
    r"проезд|пр-д\.?|аллея|тракт|трасса|жилой\s+комплекс|жк)"
)
_RU_HOUSE = (
    r"(?:,?\s*(?:д\.|дом|д\b)\s*|,\s*|\s+)(?P<house>\d{1,4}(?:\s?[а-яa-z]\b)?(?:[/\-]\d{1,4}"
    r"[а-я]?)?)(?!\d|[.,]\d)"
)
_RU_PARTS = (
    r"(?:,?\s*(?:корп\.|корпус|к\.|стр\.|строение|кв\.|квартира|оф\.|офис|пом\.|помещение|"
    r"эт\.|этаж|блок)\s*\d{1,4}[а-я]?)*"
)
_RU = re.compile(rf"(?i:(?<![\w\-]){_RU_TYPE})\s*(?-i:{_RU_NAME}){_RU_HOUSE}{_RU_PARTS}")

_KK_TYPE = (
    r"(?:көшесі|көш\.|даңғылы|даң\.|шағын\s+ауданы|ш\.\s?а\.|ықшам\s+ауданы|ы\.\s?а\.|"
    r"тұйығы|алаңы|бульвары|тас\s+жолы|жағалауы)"
)
_KK_HOUSE = (
    r"(?:,\s*|\s+)(?:үй\s*)?(?P<house>\d{1,4}(?:[/\-]\d{1,4})?(?:\s*-?\s*үй)?)(?![\d\w])"
)
_KK_PARTS = (
    r"(?:,?\s*(?:\d{1,4}\s*-?\s*(?:пәтер|кеңсе|қабат)\w*|(?:пәтер|кеңсе)\s*\d{1,4}))*"
)
_KK = re.compile(rf"(?<![\w\-])(?-i:{_RU_NAME})\s+(?i:{_KK_TYPE}){_KK_HOUSE}{_KK_PARTS}")

# Every address has a street-type word, so the full patterns only run on the few hundred
# characters around each: English ones are capitalised in an address (a case-sensitive
# regex skips lower-case text fast); Russian and Kazakh ones are found by substring search
# in the lower-cased text.
_EN_MARKERS = re.compile(rf"(?:{_STRONG_EN}|{_WEAK_EN})\b")
_CYRILLIC_MARKERS = (
    "ул", "пр.", "пр-", "просп", "пер.", "переул", "б-р", "бул", "ш.", "шоссе", "наб",
    "пл.", "площад", "мкр", "микрорайон", "тупик", "проезд", "аллея", "тракт", "трасса",
    "жк", "жилой", "көше", "көш.", "даңғыл", "даң.", "аудан", "ш.а", "ы.а", "тұйығ", "алаң",
    "жол", "жағалау",
)
# around a street-type word: a name of up to four words and a house number before it
# (English, Kazakh), or a name, number, flat and office after it (Russian)
_BEFORE = 80
_AFTER = 90


class StreetAddressRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "STREET_ADDRESS"
    CONTEXT = (
        "address", "live", "lives", "living", "located", "ship", "deliver", "delivery",
        "send", "mail", "visit", "office", "адрес", "проживает", "живу", "живет",
        "прописка", "доставка", "мекенжай", "тұрады", "тұрамын",
    )  # fmt: skip

    def scan(self, text: str) -> Iterator[Hit]:
        seen: set[tuple[int, int]] = set()
        for start, end in _windows(text):
            for pattern in (_EN_NUMBER_FIRST, _EN_NAME_FIRST, _RU, _KK):
                for match in pattern.finditer(text, start, end):
                    if match.span() in seen:
                        continue
                    seen.add(match.span())
                    if pattern is _RU or pattern is _KK:
                        yield Hit(match.start(), match.end(), ADDRESS, "street type, name, house")
                    elif match.group("strong") is not None:
                        yield Hit(match.start(), match.end(), ADDRESS, "house number and street")
                    else:
                        yield Hit(match.start(), match.end(), WEAK_ADDRESS, "street-like word")


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged ``[start, end)`` spans around the street-type words of ``text``."""
    positions = [m.start() for m in _EN_MARKERS.finditer(text)]
    if not text.isascii():
        low = lowered_aligned(text)
        if low is None:
            return [(0, len(text))]
        positions += occurrences(low, _CYRILLIC_MARKERS)
        positions.sort()
    return windows(positions, _BEFORE, _AFTER, len(text))
