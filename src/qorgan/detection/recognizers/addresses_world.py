"""Street addresses in the forms of ``addresses.py``'s neighbours: Turkish, Uzbek, Chinese,
British flats on a numberless street and US military mail.

* Turkish: the name, the type, then the house: ``Yıldız Sokak No: 5``, ``Atatürk Cad.
  No: 12 D: 4``, ``Bağdat Caddesi 45/3``;
* Uzbek in Latin letters: ``Navoiy ko'chasi, 15``, ``Amir Temur shoh ko'chasi 108``;
* Chinese: the street and its number, after the province, city and district when written:
  ``北京市朝阳区建国路88号``, ``马鞍山路U座``;
* British: a flat or studio, then a street without a house number (``Flat 22b, Martin
  mills``, ``Studio 9\\nHughes ways``), the unit being the address's number;
* US military: ``PSC 1234, Box 5678``, ``Unit 1234 Box 5678``;
* Russian and Kazakh in Latin letters: ``ul. Lenina 42, kv. 17``, ``pr. Abaya, d. 5``.

Each needs the street-type word and a number, so none is a bare name. Every pattern here is
cheap to skip: it only runs when its marker is in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["world_addresses"]

_TR_LETTER = r"A-ZÇĞİÖŞÜa-zçğıöşü"
_TR_WORD = rf"[A-ZÇĞİÖŞÜ0-9][{_TR_LETTER}0-9'’\-]*\.?"
_TR_TYPE = (
    r"(?:Sokak|Sokağı|Sok\.|Sk\.|Caddesi|Cadde|Cad\.|Cd\.|Bulvarı|Bulvar|Blv\.|Bul\.|"
    r"Meydanı)"
)
_TR = re.compile(
    rf"(?<![\w\-])(?:{_TR_WORD}\s+){{1,3}}{_TR_TYPE}(?:,?\s*(?:No|Nu|Numara)\s*[:.]?\s*|,?\s+)"
    r"(?P<house>\d{1,4}(?:\s?/\s?\d{1,4})?[A-Z]?)(?![\d/])"
    r"(?:\s*(?:D|Daire|Kat|K)\s*[:.]\s*\d{1,3})*"
)
_UZ_MARKS = "'ʻʼ’‘`"  # the apostrophe of o‘ and g‘, however it is typed
_UZ_APOSTROPHE = rf"[{_UZ_MARKS}]"
_UZ_WORD = rf"[A-Z][a-z{_UZ_MARKS}\-]*"
_UZ_TYPE = (
    rf"(?:(?:shoh\s+|tor\s+)?ko{_UZ_APOSTROPHE}chasi|ko{_UZ_APOSTROPHE}cha|kuchasi|"
    r"mavzesi|massivi|prospekti|mahallasi)"
)
_UZ = re.compile(
    rf"(?<![\w\-])(?:{_UZ_WORD}\s+){{1,3}}{_UZ_TYPE},?\s+(?:uy\s+)?"
    r"(?P<house>\d{1,4}(?:[-/]\d{1,4})?)(?:\s*-?\s*uy)?(?![\d/])"
    r"(?:,?\s*\d{1,4}\s*-?\s*xonadon)?"
)
_HAN = r"\u4e00-\u9fff"
_ZH = re.compile(
    rf"(?:[{_HAN}]{{2,8}}?(?:省|自治区))?(?:[{_HAN}]{{1,8}}?市)?(?:[{_HAN}]{{1,8}}?(?:区|县))?"
    rf"[{_HAN}]{{1,10}}?(?:路|街|大道|巷|胡同|弄)\s?(?:\d{{1,5}}\s?号(?:\d{{1,5}}室)?|[A-Z]座)"
)
_GB_TYPES = (
    r"street|road|lane|avenue|drive|close|court|crescent|gardens|grove|hill|mews|park|place|"
    r"rise|row|square|terrace|view|walk|way|ways|mill|mills|bridge|brook|brooks|burgs|"
    r"corner|cove|creek|crest|dale|fields|ford|forks|gate|green|heights|hollow|island|"
    r"junction|lakes|locks|manor|meadow|meadows|mount|orchard|passage|pines|plains|point|"
    r"ports|ridge|river|roads|route|shore|shores|spring|springs|stream|summit|trail|union|"
    r"valley|vista|wells|wharf|yard"
)
_GB = re.compile(
    r"(?<![\w\-])(?:Flat|Studio|Apartment|Unit)\s+\d{1,4}[A-Za-z]?(?:,[ \t]*|[ \t]*\n[ \t]*)"
    rf"(?:[A-Z][a-z'’\-]+[ \t]+){{1,2}}(?i:{_GB_TYPES})(?![\w\-])"
)
# Russian and Kazakh addresses transliterated: ``ul. Lenina 42, kv. 17``, ``pr. Abaya, d. 5``,
# ``mkr. Samal-2, 58``; the type word needs its dot or its full spelling
_TRANSLIT_TYPE = (
    r"(?:ul\.|ulitsa|ulica|pr\.|pr-t|prosp\.|prospekt|mkr\.?|mikroraion|mikrorayon|"
    r"per\.|pereulok|bul\.|bulvar|sh\.|shosse|pl\.|ploshchad|kosh\.|koshesi)"
)
_TRANSLIT = re.compile(
    rf"(?<![\w\-])(?i:{_TRANSLIT_TYPE})\s*(?:[A-Z][a-z'’]+(?:[- ][A-Z0-9][a-z'’0-9]*){{0,2}})"
    r",?\s+(?:(?i:d|dom)\.?\s*)?\d{1,4}[A-Za-z]?(?:/\d{1,4})?(?![\d/])"
    r"(?:,?\s*(?i:kv|kvartira|of|ofis)\.?\s*\d{1,4})?"
)
_US_MILITARY = re.compile(r"(?<![\w\-])(?:PSC\s+\d{4},\s*Box\s+\d{4}|Unit\s+\d{4}\s+Box\s+\d{4})")

# (pattern, what must be in the text for it to run)
_PATTERNS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (_TR, re.compile(r"Sok|Sk\.|Cad|Cd\.|Bul|Blv|Meydan")),
    (_UZ, re.compile(r"(?i)ko.cha|kucha|mavze|massiv|prospekti|mahalla")),
    (_ZH, re.compile(r"[路街巷弄道]")),
    (_GB, re.compile(r"Flat|Studio|Apartment|Unit")),
    (_US_MILITARY, re.compile(r"PSC|Unit")),
    (_TRANSLIT, re.compile(r"(?i)\b(?:ul|pr|prosp|mkr|per|bul|sh|pl|kosh)[.\-]|ulitsa|ulica|"
                           r"prospekt|mikro|pereulok|bulvar|shosse|ploshchad|koshesi")),
)


def world_addresses(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every address of the forms above in ``text``."""
    for pattern, marker in _PATTERNS:
        if marker.search(text) is None:
            continue
        for match in pattern.finditer(text):
            yield match.span()
