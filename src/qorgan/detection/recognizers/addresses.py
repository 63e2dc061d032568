"""Street addresses (``STREET_ADDRESS``) in English, Russian and Kazakh.

An address is a street-type word, a street name and a house number, in the order each
language writes them:

* English: ``221B Baker Street``, ``1600 Pennsylvania Avenue NW, Suite 200``,
  ``350 5th Ave``, and the European order ``Abay Avenue 150``;
* Russian: the type first, ``ул. Абая, д. 10, кв. 5``, ``пр. Назарбаева 12``,
  ``мкр Самал-2, 58``, ``улица Толе би, дом 59``;
* Kazakh: the type after the name, ``Абай даңғылы 150``, ``Сәтпаев көшесі, 22-үй,
  15-пәтер``, ``Самал-2 шағын ауданы, 58``;
* post-office boxes: ``P.O. Box 1234``, ``а/я 15``, ``абонентский ящик № 15``;
* Turkish, Uzbek, Chinese, British numberless-street and US military forms, in
  ``addresses_world.py``.

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

from qorgan.detection.recognizers.addresses_world import world_addresses
from qorgan.detection.recognizers.gazetteer import ascii_fold, gazetteer
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

# English street types. Strong ones name nothing but a street; weak ones are ordinary words
# too ("Park", "View", "Lights"), so they need more evidence (a unit, a postcode, an
# address word near). The weak list is the rest of USPS Publication 28's street suffixes
# (Appendix C1) and the usual British ones.
_STRONG_EN_TEXT = (
    "Street Str St Avenue Ave Av Road Rd Boulevard Blvd Lane Ln Highway Hwy Parkway Pkwy "
    "Prospekt Prospect Embankment Expressway Expy Freeway Fwy Turnpike Tpke Causeway Cswy "
    "Stravenue Throughway Trafficway Motorway"
)
_WEAK_EN_TEXT = (
    "Drive Dr Court Ct Place Pl Square Sq Terrace Ter Crescent Cres Way Close Row Mews "
    "Gardens Garden Alley Circle Cir Trail Trl Plaza Plz "
    "Anex Arcade Bayou Beach Bend Bluff Bluffs Bottom Branch Bridge Brook Brooks Burg Burgs "
    "Bypass Camp Canyon Cape Center Centers Circles Cliff Cliffs Club Common Commons Corner "
    "Corners Course Courts Cove Coves Creek Crest Crossing Crossroad Crossroads Curve Dale "
    "Dam Divide Drives Estate Estates Extension Extensions Fall Falls Ferry Field Fields Flat "
    "Flats Ford Fords Forest Forge Forges Fork Forks Fort Gateway Glen Glens Green Greens "
    "Grove Groves Harbor Harbors Haven Heights Hill Hills Hollow Inlet Island Islands Isle "
    "Junction Junctions Key Keys Knoll Knolls Lake Lakes Land Landing Light Lights Loaf Lock "
    "Locks Lodge Loop Mall Manor Manors Meadow Meadows Mill Mills Mission Mount Mountain "
    "Mountains Neck Orchard Oval Overpass Park Parks Parkways Pass Passage Path Pike Pine "
    "Pines Plain Plains Point Points Port Ports Prairie Radial Ramp Ranch Rapid Rapids Rest "
    "Ridge Ridges River Roads Route Rue Run Shoal Shoals Shore Shores Skyway Spring Springs "
    "Spur Spurs Squares Station Stream Streets Summit Trace Track Trailer Tunnel Underpass "
    "Union Unions Valley Valleys Viaduct View Views Village Villages Ville Vista Walk Walks "
    "Wall Ways Well Wells Rise Parade Wharf Yard Gate Vale Hl Grv Vw Pt Pk Xing"
)
_STRONG_EN = words(_STRONG_EN_TEXT)
_WEAK_EN = words(_WEAK_EN_TEXT)
#: English street-type words, lower-cased ("street", "ave", "drive")
STREET_TYPES = frozenset(w.lower() for w in f"{_STRONG_EN_TEXT} {_WEAK_EN_TEXT}".split())
# a sentence's own first words are not part of the street's name
_EN_NOT_NAME = words(
    "The A An At On In To From Via Near Visit Meet Call Send Ship Deliver Address Located "
    "Lives Live I We My Our Your His Her Their Office Home Please"
)
# lower-case words that are no part of a street's name ("walked 5 blocks down the road")
_EN_NOT_LOWER_NAME = words(
    "the a an at on in to from of for and or but with by via near is are was were be been "
    "my our your his her their its this that these those there here i we you he she they it "
    "me us them up down over under into onto off out about after before behind between all "
    "some any many much more most few several each every no not only also just very too so "
    "than then when where which who what how please miles mile blocks block minutes min "
    "hours times km meters metres feet yards lanes way ways one two three four five six "
    "seven eight nine ten other same new old big small main"
)
_EN_CAP_WORD = rf"(?!(?:{_EN_NOT_NAME})\s)[A-Z][A-Za-z'’\-]*\.?"
_EN_LOW_WORD = rf"(?!(?:{_EN_NOT_LOWER_NAME})\s)[a-z][a-z'’\-]*"
# the words of a street's name stand on one line ("Aigerim Seitkali\nKabanbay Batyr St 53":
# the line above is the addressee)
_EN_NAME = rf"(?:{_EN_CAP_WORD}[ \t]+){{1,4}}"
_EN_ANY_NAME = rf"(?:(?:{_EN_CAP_WORD}|{_EN_LOW_WORD})[ \t]+){{1,4}}"
_EN_ORDINAL = r"\d{1,3}(?:st|nd|rd|th)\s+"
_EN_HOUSE = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?"
_EN_DIRECTION = r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?"
_EN_UNIT_WORD = (
    r"(?i:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Studio|Bldg|Building|Block|"
    r"Blk|Level|Lvl|Office|Ofc)"
)
# up to three units after the street ("Bldg 2, Floor 3"), a floor by its ordinal ("2nd floor")
_EN_UNIT = (
    # a unit's number holds a digit or is a letter or two ("Apt 3R", "Suite B"): not
    # "Office hours", "Floor plan"
    rf"(?:,?\s+{_EN_UNIT_WORD}\.?\s*#?\s*(?:(?=\w{{0,4}}\d)\w{{1,5}}|[A-Za-z]{{1,2}}\b)|"
    r",?\s+#\s*\d{1,5}|,?\s+\d{1,3}(?:st|nd|rd|th)\s+(?i:floor|fl\.?)){0,3}"
)
_EN_TAIL = r"(?![A-Za-z\-])\.?"  # "St." keeps its dot; "Streets" is not "Street"
# anchored at a house number; the street type in any letter case
_EN_NUMBER_FIRST = re.compile(
    rf"(?P<house>{_EN_HOUSE})\s+(?:(?:N|S|E|W|NE|NW|SE|SW)\.?\s+)?(?:{_EN_ORDINAL}|{_EN_ANY_NAME})"
    rf"(?i:(?P<strong>{_STRONG_EN})|(?P<weak>{_WEAK_EN})){_EN_TAIL}{_EN_DIRECTION}"
    rf"(?P<unit>{_EN_UNIT})"
)
_EN_HOUSE_START = re.compile(
    r"(?<![\w\-/.,])\d{1,5}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?(?=,?\s+[A-Za-z0-9])"
)
# a flat or unit written before the house ("Flat 5, 12 Baker Street")
_EN_UNIT_BEFORE = re.compile(rf"{_EN_UNIT_WORD}\.?\s*#?\s*\d{{1,4}}[A-Za-z]?,?\s+$")
# a postcode after the street is an address's own evidence: US state and ZIP, a British
# postcode, a five-digit European one before the town
_POSTCODE_AFTER = re.compile(
    r"[,\s]+(?:[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,2},?\s+)?(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?\b|"
    r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\d{5}\s+[A-Z])"
)
_EN_NAME_FIRST = re.compile(
    rf"(?<![\w\-])(?:{_EN_ORDINAL}|{_EN_NAME})"
    rf"(?i:(?P<strong>{_STRONG_EN})|(?P<weak>{_WEAK_EN}))"
    rf"\.?,?\s+(?P<house>\d{{1,3}}[A-Za-z]?(?:[-/]\d{{1,3}})?)(?![\w\-/.]\d|\w)"
    r"(?!\s+(?:minutes?|mins?|hours?|days?|weeks?|years?|percent|km|miles?|blocks?|times)\b)"
    rf"{_EN_UNIT}"
)

_CAPITAL = "А-ЯЁӘҒҚҢӨҰҮҺІЇЄҐA-Z"
# a name word: capitalised, or a number ("8 Марта", "Самал-2"), or a title that follows a
# name in lower case ("Толе би", "Кабанбай батыра")
_RU_WORD = rf"(?:[{_CAPITAL}0-9][\w’'\-]*|би|батыр\w*|хан\w*|ата|реки|канала|им\.|имени)"
_RU_NAME = rf"{_RU_WORD}\.?(?:\s+{_RU_WORD}\.?){{0,3}}"
_RU_TYPE = (
    r"(?:ул\.|ул\b|улица|пр\.|пр-т\.?|пр-кт\.?|просп\.|проспект|пер\.|переулок|б-р\.?|бул\.|"
    r"бульвар|ш\.|шоссе|наб\.|набережная|пл\.|площадь|мкр-н\.?|мкрн\.?|мкр\.?|микрорайон|"
    r"тупик|проезд|пр-д\.?|аллея|алл\.|тракт|трасса|жилой\s+комплекс|жк|"
    # Ukrainian
    r"вул\.|вулиця|пров\.|провулок|бульв\.|майдан|площа|набережна|шосе|просп\.?)"
)
_RU_HOUSE = (
    r"(?:,?\s*(?i:д\.|дом|д\b|буд\.|будинок)\s*|,\s*|\s+)(?P<house>\d{1,4}(?:\s?[а-яА-Яa-zA-Z]\b)?(?:[/\-]"
    r"\d{1,4}[а-я]?)?)(?!\d|[.,]\d)"
)
_RU_PARTS = (
    r"(?:,?\s*(?:(?i:корп\.|корпус|к\.|к(?=\d)|стр\.|строение|кв\.|квартира|оф\.|офис|пом\.|"
    r"помещение|эт\.|этаж|блок)\s*\d{1,4}[а-я]?|блок\s*[А-ЯA-Z]\b|\d{1,3}(?:-?й)?\s+этаж))*"
)
_RU = re.compile(rf"(?i:(?<![\w\-]){_RU_TYPE})\s*(?-i:{_RU_NAME}){_RU_HOUSE}{_RU_PARTS}")
# the type after a capitalised name, the Russian order for adjectives ("Ленинградский
# проспект, д. 39", "Садовая ул., 5")
_RU_AFTER = re.compile(
    r"(?<![\w\-])[А-ЯЁІЇЄҐ][а-яёіїєґ’'\-]+(?:\s+[А-ЯЁІЇЄҐ][а-яёіїєґ’'\-]+)?\s+"
    rf"(?i:{_RU_TYPE})(?:,?\s*(?:д\.|дом)\s*|,\s*|\s+)"
    r"(?P<house>\d{1,4}(?:\s?[а-я]\b)?(?:[/\-]\d{1,4}[а-я]?)?)(?!\d|[.,]\d)"
    r"(?!\s+(?:человек|раз|минут|мин|час|лет|год|км|метр|шаг|дн)\w*)"
    rf"{_RU_PARTS}"
)
# a street name in lower case ("ул. ленина, д. 5"): only with the house word, since
# "улица была пустой, 5 машин" is prose
_RU_LOWER_WORD = r"[а-яёәғқңөұүһіїєґ][\w’'\-]*"
_RU_LOWER = re.compile(
    rf"(?i:(?<![\w\-]){_RU_TYPE})\s*(?-i:{_RU_LOWER_WORD}(?:\s+{_RU_LOWER_WORD}){{0,2}})"
    r",?\s*(?:д\.|дом|буд\.|будинок)\s*(?P<house>\d{1,4}(?:\s?[а-я]\b)?(?:[/\-]\d{1,4}[а-я]?)?)"
    rf"(?!\d|[.,]\d){_RU_PARTS}"
)
# ... or with a house number that ends the address ("проспект назарбаева 99, Балхаш"):
# prose goes on after a number ("5 машин"), an address ends at a comma or the line end
_RU_LOWER_END = re.compile(
    rf"(?i:(?<![\w\-]){_RU_TYPE})\s*(?-i:{_RU_LOWER_WORD}(?:\s+{_RU_LOWER_WORD}){{0,2}})"
    r",?\s+(?P<house>\d{1,4}(?:[/\-]\d{1,4})?)(?=[ \t]*(?:[,;]|\.?[ \t]*(?:\n|$)))"
    rf"{_RU_PARTS}"
)
# a post-office box: "P.O. Box 1234", "PO Box 77", "а/я 15", "абонентский ящик № 15"
# (the text is NFKC-folded before the scan, so "№" arrives as "No")
_PO_BOX = re.compile(
    r"(?<![\w])(?:(?i:P\.?\s?O\.?\s*Box|Post\s+Office\s+Box)\s*#?\s*\d{1,6}|"
    r"(?:а/я|(?i:абонентский\s+ящик))\s*(?:№|No\.?)?\s*\d{1,6})(?!\d)"
)

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
# in lower case, one or two words of name before the type ("абай даңғылы 150")
_KK_NOT_NAME = words("мен біз сен сіз ол олар және бұл осы мына да де та те ал бірақ мекенжайым "
                     "мекенжайы мекенжай адрес")
_KK_LOWER = re.compile(
    rf"(?<![\w\-])(?:(?!(?:{_KK_NOT_NAME})\s){_RU_LOWER_WORD}\s+){{0,1}}"
    rf"(?!(?:{_KK_NOT_NAME})\s){_RU_LOWER_WORD}\s+(?i:{_KK_TYPE}){_KK_HOUSE}{_KK_PARTS}"
)

# German: the type glued to the name ("Hauptstraße 5", "Goethestr. 12a", "Lindenweg 7"),
# or a word of its own ("Berliner Straße 10", "Am Markt 3"); the house number after it
_DE_SUFFIX = (
    r"(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad|"
    r"markt|stieg|graben|wall|hof|brücke|brucke|berg|feld|garten|park|tor|kamp)"
)
_DE_WORD = r"[A-ZÄÖÜ][a-zäöüß]+"
_DE = re.compile(
    rf"(?<![\w\-])(?:{_DE_WORD}(?:-{_DE_WORD})*-?(?-i:{_DE_SUFFIX})|"
    rf"{_DE_WORD}(?:-{_DE_WORD})*-(?:Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee|Ring|Damm)|"
    rf"{_DE_WORD}(?:\s+|-)(?:Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee|Ring|Damm|Ufer|Chaussee)|"
    rf"(?:Am|An\s+der|An\s+den|Auf\s+dem|Auf\s+der|Im|In\s+der|Zum|Zur|Unter\s+den)\s+{_DE_WORD})"
    r"\s+(?P<house>\d{1,4}\s?[a-z]?(?:\s?[-/]\s?\d{1,4}[a-z]?){0,2})(?![\w\-/.,]\d|\w)"
    r"(?!\s+(?:minutes?|mins?|hours?|days?|weeks?|years?|percent|km|miles?|jahre|stunden|"
    r"minuten|euro|eur|mal)\b)"
)
# French: the house, then the type in any case and the name ("12, rue de la Paix",
# "5 bis avenue Victor Hugo", "3 boulevard Haussmann")
_FR_TYPE = (
    r"(?:rue|avenue|av\.|boulevard|bd|bld|chemin|ch\.|impasse|imp\.|allée|allee|place|pl\.|"
    r"quai|route|rte|cours|passage|square|voie|rond-point|faubourg|fbg|esplanade|promenade|"
    r"sentier|cité|cite|villa|hameau|parvis|lotissement|résidence|residence)"
)
_FR_LINK = r"(?:(?:de\s+la|de\s+l['’]|du|des|de|d['’]|la|le|les|l['’])\s*)?"
_FR_NAME_WORD = r"[A-ZÀ-Ý][\w'’\-]*"
_FR = re.compile(
    r"(?<![\w\-/.,])(?P<house>\d{1,4}(?:\s?(?:bis|ter|quater|[A-Da-d]))?),?\s+"
    rf"(?i:{_FR_TYPE})\s+{_FR_LINK}{_FR_NAME_WORD}(?:\s+{_FR_LINK}{_FR_NAME_WORD}){{0,3}}"
)

# Every address has a street-type word, so the patterns that start at a name only run on
# the few hundred characters around one: English ones are capitalised in such an address
# (a case-sensitive regex skips lower-case text fast); Russian, Kazakh, German and French
# ones are found by substring search in the lower-cased text. English and French
# addresses that start at a house number are tried at each house-number-like start.
_EN_MARKERS = re.compile(rf"(?:{_STRONG_EN})\b")
_EN_MARKERS_ANY_CASE = re.compile(rf"(?i:{_STRONG_EN})\b")
_CYRILLIC_MARKERS = (
    "ул", "пр.", "пр-", "просп", "пер.", "переул", "б-р", "бул", "ш.", "шоссе", "наб",
    "пл.", "площад", "мкр", "микрорайон", "тупик", "проезд", "алле", "алл.", "тракт", "трасса",
    "жк", "жилой", "көше", "көш.", "даңғыл", "даң.", "аудан", "ш.а", "ы.а", "тұйығ", "алаң",
    "жол", "жағалау", "вул", "пров", "бульв", "майдан", "площа", "набережн", "а/я", "ящик",
)
# German street types glued to their name; the rarer ones ("Schlosspark 3", "Am Markt
# 3") are found when one of these is near
_LATIN_MARKERS = (
    "straße", "strasse", "str.", "weg ", "gasse", "platz", "allee", "ring ", "damm", "ufer ",
    "chaussee", "steig ", "pfad ", "markt ", "stieg ", "graben ",
    # English types in lower case after a name ("Dostyk avenue 240"), post-office boxes
    "avenue", "street", "ave ", "ave.", "st.", "prospekt", "box",
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
        "прописка", "доставка", "мекенжай", "тұрады", "тұрамын", "adresse", "anschrift",
        "wohnt", "wohnhaft", "domicile", "habite", "residence", "resides", "postal",
    )  # fmt: skip

    def scan(self, text: str) -> Iterator[Hit]:
        seen: set[tuple[int, int]] = set()
        for hit in self._number_first(text):
            if (hit.start, hit.end) not in seen:
                seen.add((hit.start, hit.end))
                yield hit
        for start, end in _windows(text):
            for pattern in (_EN_NAME_FIRST, _RU, _RU_AFTER, _RU_LOWER, _RU_LOWER_END, _KK,
                            _KK_LOWER, _DE, _PO_BOX):
                for match in pattern.finditer(text, start, end):
                    if match.span() in seen:
                        continue
                    seen.add(match.span())
                    if pattern is not _EN_NAME_FIRST:
                        yield Hit(match.start(), match.end(), ADDRESS, "street type, name, house")
                    elif match.group("strong") is not None:
                        yield Hit(match.start(), match.end(), ADDRESS, "house number and street")
                    else:
                        yield Hit(match.start(), match.end(), WEAK_ADDRESS, "street-like word")
        for span in world_addresses(text):
            if span not in seen:
                seen.add(span)
                yield Hit(*span, ADDRESS, "street type, name, house")

    def _number_first(self, text: str) -> Iterator[Hit]:
        """Addresses that open with their house number (English and French order)."""
        for candidate in _EN_HOUSE_START.finditer(text):
            at = candidate.start()
            matches = [m for m in (_EN_NUMBER_FIRST.match(text, at), _FR.match(text, at)) if m]
            if not matches:
                continue
            match = max(matches, key=lambda m: m.end())
            if match.re is _EN_NUMBER_FIRST and match.group("strong") is None:
                # "221 KING STREET IN HAMILTON CLOSE": the longest reading ends at a weak
                # type; the street ends at the strong one inside it
                strong = _strong_inside(text, at, match.end())
                if strong is not None:
                    match = strong
            start = at
            unit = _EN_UNIT_BEFORE.search(text, max(0, at - 24), at)
            if unit is not None:
                start = unit.start()
            if match.re is _FR:
                yield Hit(start, match.end(), ADDRESS, "house number, street type, name")
                continue
            evidence = unit is not None or bool(match.group("unit")) or bool(
                _POSTCODE_AFTER.match(text, match.end())
            ) or _town_after(text, match.end())
            if match.group("strong") is not None or evidence:
                yield Hit(start, match.end(), ADDRESS, "house number and street")
            else:
                yield Hit(start, match.end(), WEAK_ADDRESS, "street-like word")


def _strong_inside(text: str, start: int, end: int) -> re.Match[str] | None:
    for marker in _EN_MARKERS_ANY_CASE.finditer(text, start, end):
        match = _EN_NUMBER_FIRST.match(text, start, marker.end())
        if match is not None and match.group("strong") is not None:
            return match
    return None


_TOWN_AFTER = re.compile(r",[ \t]*([A-Z][A-Za-z'’\-]+(?:[ \t][A-Z][A-Za-z'’\-]+)?)")


def _town_after(text: str, end: int) -> bool:
    """Whether a listed town follows the street after a comma ("402 Magnolia Drive,
    Savannah"): a street-like word with a house number and its town is an address."""
    match = _TOWN_AFTER.match(text, end)
    if match is None:
        return False
    gz = gazetteer()
    keys = [ascii_fold(w) for w in match.group(1).split()]
    return gz.match_place(keys) is not None or gz.match_place(keys[:1]) is not None


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged ``[start, end)`` spans around the street-type words of ``text``."""
    positions = [m.start() for m in _EN_MARKERS.finditer(text)]
    low = lowered_aligned(text)
    if low is None:
        return [(0, len(text))]
    positions += occurrences(low, _LATIN_MARKERS)
    if not text.isascii():
        positions += occurrences(low, _CYRILLIC_MARKERS)
    positions.sort()
    return windows(positions, _BEFORE, _AFTER, len(text))
