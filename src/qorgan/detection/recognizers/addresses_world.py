"""Street addresses in the forms of ``addresses.py``'s neighbours: Turkish, Uzbek, Chinese,
southern and central European, British flats on a numberless street and US military mail.

* Turkish: the name, the type, then the house: ``Yıldız Sokak No: 5``, ``Atatürk Cad.
  No: 12 D: 4``, ``Bağdat Caddesi 45/3``;
* Uzbek in Latin letters: ``Navoiy ko'chasi, 15``, ``Amir Temur shoh ko'chasi 108``;
* Chinese: the street and its number, after the province, city and district when written:
  ``北京市朝阳区建国路88号``, ``马鞍山路U座``;
* British: a flat or studio, then a street without a house number (``Flat 22b, Martin
  mills``, ``Studio 9\\nHughes ways``), the unit being the address's number;
* US military: ``PSC 1234, Box 5678``, ``Unit 1234 Box 5678``;
* Russian, Ukrainian and Kazakh in Latin letters: ``ul. Lenina 42, kv. 17``, ``pr. Abaya,
  d. 5``, ``vul. Sumska 17``, ``Abai dangghyly, 150-ui, 12-pater``;
* Italian, Spanish, Catalan and Portuguese: ``Via Garibaldi 23, interno 5``, ``Calle de
  Alcalá 145, 3º B``, ``Rua Augusta 27``; Polish: ``ul. Marszałkowska 84/92 m. 15``;
  Dutch: ``Prinsengracht 263-II``; Chinese in pinyin: ``Wenyi Xi Lu 969 Hao``;
* Danish, Swedish, Norwegian: ``Nørrebrogade 66, 3. tv``; Malay: ``12 Jalan Bukit Merah
  #03-05``; South Asian and Philippine: ``Plot 22, 4th Cross``, ``H.No. 221, Block C``,
  ``Lot 8 Block 3``; numbered Canadian streets: ``12877 76 Ave``, ``1010 6 St SW``.

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
    r"(?:ul\.|ulitsa|ulica|vul\.|vulytsia|pr\.|pr-t|prosp\.|prospekt|mkr\.?|mikroraion|mikrorayon|"
    r"per\.|pereulok|bul\.|bulvar|sh\.|shosse|pl\.|ploshchad|kosh\.|koshesi)"
)
_TRANSLIT = re.compile(
    rf"(?<![\w\-])(?i:{_TRANSLIT_TYPE})\s*(?:[A-Z][a-z'’]+(?:[- ][A-Z0-9][a-z'’0-9]*){{0,2}})"
    r",?\s+(?:(?i:d|dom)\.?\s*)?\d{1,4}[A-Za-z]?(?:/\d{1,4})?(?![\d/])"
    r"(?:,?\s*(?i:kv|kvartira|of|ofis)\.?\s*\d{1,4})?"
)
# Italian, Spanish, Catalan and Portuguese: the type, the name, then the house and the
# floor or flat ("Via Giuseppe Garibaldi 23, interno 5", "Calle de Alcalá 145, 3º B",
# "C/ Sierpes 22, piso 1º izq.", "Rua Augusta 27", "Avinguda Diagonal 405, 2n 1a")
_ROMANCE_TYPE = (
    r"(?:Via|Viale|Corso|Piazza|Piazzale|Largo|Vicolo|Calle|C/|Avenida|Avda\.|Av\.|Paseo|"
    r"Plaza|Carrer|Avinguda|Passeig|Camino|Carretera|Ronda|Rua|Travessa|Praça|Alameda|"
    r"Estrada)"
)
_ROMANCE_LINK = (
    r"(?:(?:de|del|della|delle|dei|degli|di|da|do|dos|das|la|las|los|el|d['’]|dell['’])\s*)"
)
_ROMANCE_WORD = r"(?:[A-ZÀ-Ý][\w'’\-]*|[IVX]{1,4})"
_ROMANCE_PART = (
    # the text arrives NFKC-folded: "3º" is "3o", "1ª" is "1a"
    r"(?:,?\s*(?:\d{1,2}\s?[º°ªoa]\s*(?:[A-Z]\b|\d\b)?(?:\s*(?:izq|dcha|der)\.?)?|"
    r"piso\s+\d{1,2}\s?[º°ªoa]?\s*(?:izq|dcha|der)?\.?|(?:interno|int\.|scala|esc\.)\s*[A-Z0-9]{1,3}\b|"
    r"\d{1,2}(?:n|r|t|º|o)\s+\d{1,2}(?:a|[º°ªo])?\b))*"
)
_ROMANCE = re.compile(
    rf"(?<![\w\-]){_ROMANCE_TYPE}\s*{_ROMANCE_LINK}{{0,2}}{_ROMANCE_WORD}"
    rf"(?:\s+{_ROMANCE_LINK}?{_ROMANCE_WORD}){{0,4}},?\s+(?:n[º°o]\.?\s*)?"
    rf"\d{{1,4}}[A-Za-z]?(?:/\d{{1,4}})?(?![\w/])"
    r"(?!\s*(?:stars?|estrellas|stelle|minut\w*|min\b|hours?|horas?|ore\b|km\b|m\b|eur\w*|€|%))"
    rf"{_ROMANCE_PART}"
)
# Polish: "ul. Marszałkowska 84/92 m. 15", "al. Jerozolimskie 65 lok. 7", "os. Bohaterów
# Września 12/3"
_PL_WORD = r"[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż\-]+"
_PL = re.compile(
    rf"(?<![\w\-])(?:ul|al|os|pl)\.\s*{_PL_WORD}(?:\s+{_PL_WORD}){{0,3}}\s+"
    r"\d{1,4}[a-z]?(?:/\d{1,4}[a-z]?)?(?![\w/])(?:\s*(?:m|lok|mieszk)\.\s*\d{1,4})?"
)
# Dutch: the type glued to the name, then the house ("Prinsengracht 263-II", "Oudegracht
# 118bis", "Laan van Meerdervoort 50")
_NL = re.compile(
    r"(?<![\w\-])[A-Z][a-z]+(?:straat|weg|laan|gracht|plein|kade|singel|dijk|steeg|dreef)"
    r"\s+\d{1,4}(?:-?(?:bis|hs|I{1,3}|[A-Z]\b|\d{1,3})|[a-z]{1,3})?(?![\w\-/])"
)
# Kazakh in Latin letters: "Abai dangghyly, 150-ui, 12-pater", "Dostyq dańǵyly, 12-úı"
_KK_LATIN = re.compile(
    r"(?<![\w\-])[A-Z][\w'’]+(?:\s+(?:bi|batyr|khan|han|[A-Z][\w'’]+))?\s+"
    r"(?i:dangghyly|dańǵyly|dangyly|dańgyly|koshesi|köshesi|kóshesi|kosh\.)"
    r",?\s*\d{1,4}\s*-?\s*(?i:ui|úı|üi|uy|úi)?(?![\w])"
    r"(?:,?\s*\d{1,4}\s*-?\s*(?i:pater|páter|päter))?"
)
# Chinese in pinyin: "No. 88 Nanjing Dong Lu", "Wenyi Xi Lu 969 Hao", "Jianguomen Wai
# Dajie 1 Hao, 15 Lou 302 Shi"
_ZH_LATIN = re.compile(
    r"(?<![\w\-])(?:(?:Room\s+\d{1,5},\s*)?No\.\s*\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}"
    r"(?:Lu|Jie|Dajie|Dadao)\b|(?:[A-Z][a-z]+\s+){1,3}(?:Lu|Jie|Dajie|Dadao)\s+\d{1,5}\s*Hao"
    r"(?:,\s*\d{1,3}\s*Lou(?:\s*\d{1,4}\s*Shi)?)?)"
)
# Danish, Swedish and Norwegian: the type glued to the name ("Nørrebrogade 66, 3. tv",
# "Drottninggatan 53", "Karl Johans gate 12")
_NORDIC = re.compile(
    r"(?<![\w\-])(?:[A-ZÆØÅÄÖ][a-zæøåäö]+(?:gade|gata|gatan|vej|vejen|vägen|veien|gate)|"
    r"[A-ZÆØÅÄÖ][a-zæøåäö]+s?\s+(?:gade|gata|gate|vej|väg|vei))"
    r"\s+\d{1,4}[A-Za-z]?(?![\w\-/])(?:,?\s*\d{1,2}\.\s*(?:tv|th|mf|sal)\b\.?)?"
)
# Malay: "12 Jalan Bukit Merah #03-05", "Jalan Ampang 88", "Lorong 3 Geylang"
_MALAY = re.compile(
    r"(?<![\w\-])(?:\d{1,5}[A-Z]?,?\s+(?:Jalan|Jln\.?|Lorong|Lrg\.?|Persiaran)"
    r"(?:\s+[A-Z0-9][\w'’]*){1,3}(?:\s*#\d{1,3}-\d{1,4})?|"
    r"(?:Jalan|Jln\.?|Lorong|Persiaran)(?:\s+[A-Z][\w'’]*){1,3},?\s+\d{1,5}[A-Z]?(?![\w/]))"
)
# South Asian and Philippine forms: the plot, house or flat first, then the cross, main
# road, block, sector or wing ("Plot 22, 4th Cross", "No. 18, 3rd Main Road", "H.No. 221,
# Block C", "Flat No. 703, B Wing"), or the lot and block ("Lot 8 Block 3", "Blk 5 Lot 12")
_SOUTH_ASIAN = re.compile(
    r"(?<![\w\-])(?:(?:Plot|H\.\s?No\.?|House\s+No\.?|Flat\s+No\.?|Door\s+No\.?|No\.)"
    r"\s*\d{1,5}[A-Z]?(?:/\d{1,4})?,\s*(?:[A-Z][\w.]*\s+){0,2}(?:\d{1,3}(?:st|nd|rd|th)\s+)?"
    r"(?:Cross|Main(?:\s+Road)?|Road|Block|Sector|Wing|Layout|Phase|Stage)\b"
    r"(?:\s+(?:No\.\s*)?\d{1,3}\b|\s+[A-Z]\b)?|"
    r"(?:Lot|Blk\.?|Block)\s+\d{1,4}[A-Z]?,?\s+(?:Lot|Blk\.?|Block)\s+\d{1,4}[A-Z]?)"
)
# a numbered street of the Canadian west: "12877 76 Ave", "1010 6 St SW"
_NUMBERED_STREET = re.compile(
    r"(?<![\w\-.,])\d{1,5}\s+\d{1,3}\s+(?:Ave|Avenue|St|Street)\b\.?(?:\s+(?:NW|NE|SW|SE)\b)?"
)
# the same forms typed in lower case ("via roma 18 int 3", "rua dos andradas 1234 casa 2",
# "lindenallee 7a", "witte de withstraat 39b", "bautzner str. 45", "3 impasse des lilas"):
# reported only after an address word or before a postcode, since "via" and "plaza" are
# words too
_LOWER_WORD = r"[^\W\d_][\w'’\-]*"
_NOT_A_STREET_WORD = (
    r"(?!(?:wohnt|wohnhaft|addr|adresse|adres|address|indirizzo|neue|new|nieuw|nuovo|at|in|"
    r"to|is)\b)"
)
_LOWER = re.compile(
    r"(?<![\w\-])(?:"
    r"(?:via|viale|corso|piazza|calle|c/|avenida|av\.|avda\.|rua|travessa|carrer|avinguda|"
    rf"paseo|plaza)\s*(?:{_LOWER_WORD}\s+){{1,4}}\d{{1,5}}[a-z]?"
    r"(?:,?\s+(?:int\.?|interno|casa|apto|ap\.?|piso|bajo|dpto|depto)(?:\s*\d{1,4}[a-z]?)?)?|"
    rf"(?:{_NOT_A_STREET_WORD}[a-zäöüß]+\s+){{0,3}}"
    r"(?:[a-zäöüß]*(?:straße|strasse|straat|laan|gracht|allee|gasse|weg|platz|gade|vej|gatan)"
    r"|str\.)\s*\d{1,4}[a-z]?(?:,?\s+(?:whg|wohnung)\.?\s*\d{1,3})?|"
    r"\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|boulevard|impasse|allée|allee|chemin|quai|"
    rf"place)\s+(?:(?:de|du|des|la|le|les|d['’]|l['’])\s*){{0,2}}{_LOWER_WORD}"
    rf"(?:\s+{_LOWER_WORD}){{0,3}}?)"
    r"(?=[ \t]*(?:[,;\n]|$|[ \t][-–—][ \t]))"
)
_ADDRESS_WORD = re.compile(
    r"(?i)(?:address|addr|adresse|anschrift|adres|indirizzo|direcci[oó]n|domicilio|"
    r"endere[cç]o|wohnt|wohnhaft|mora|vivo|vive|lives|living|moved|residen\w*|abita)"
    r"[^\n]{0,40}$"
)
_POSTCODE_NEXT = re.compile(r"[ \t]*,[ \t]*(?:[A-Z]{1,2}-?)?\d{4,5}\b")


def _lower_addresses(text: str) -> Iterator[tuple[int, int]]:
    for match in _LOWER.finditer(text):
        start, end = match.span()
        if _ADDRESS_WORD.search(text, max(0, start - 60), start) or (
            _POSTCODE_NEXT.match(text, end)
        ):
            yield start, end


_US_MILITARY = re.compile(r"(?<![\w\-])(?:PSC\s+\d{4},\s*Box\s+\d{4}|Unit\s+\d{4}\s+Box\s+\d{4})")

# (pattern, what must be in the text for it to run)
_PATTERNS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (_TR, re.compile(r"Sok|Sk\.|Cad|Cd\.|Bul|Blv|Meydan")),
    (_UZ, re.compile(r"(?i)ko.cha|kucha|mavze|massiv|prospekti|mahalla")),
    (_ZH, re.compile(r"[路街巷弄道]")),
    (_GB, re.compile(r"Flat|Studio|Apartment|Unit")),
    (_US_MILITARY, re.compile(r"PSC|Unit")),
    (_TRANSLIT, re.compile(r"(?i)\b(?:ul|vul|pr|prosp|mkr|per|bul|sh|pl|kosh)[.\-]|ulitsa|"
                           r"ulica|vulytsia|prospekt|mikro|pereulok|bulvar|shosse|ploshchad|"
                           r"koshesi")),
    (_ROMANCE, re.compile(r"Via|Viale|Corso|Piazz|Largo|Vicolo|Calle|C/|Av|Paseo|Plaza|"
                          r"Carrer|Avinguda|Passeig|Camino|Carretera|Ronda|Rua|Travessa|Praça|"
                          r"Alameda|Estrada")),
    (_PL, re.compile(r"\b(?:ul|al|os|pl)\.")),
    (_NL, re.compile(r"straat|weg |laan|gracht|plein|kade|singel|dijk|steeg|dreef")),
    (_KK_LATIN, re.compile(r"(?i)dang|dań|kosh|kösh|kósh")),
    (_ZH_LATIN, re.compile(r"Lu\b|Jie\b|Dajie|Dadao")),
    (_NORDIC, re.compile(r"gade|gata|gate|vej|väg|vei")),
    (_MALAY, re.compile(r"Jalan|Jln|Lorong|Lrg|Persiaran")),
    (_SOUTH_ASIAN, re.compile(r"Plot|No\.|Lot|Blk|Block")),
    (_NUMBERED_STREET, re.compile(r"\d \d{1,3} (?:Ave|St)")),
)


_LOWER_MARKERS = re.compile(
    r"via |viale|corso|piazza|calle|c/|avenida|av\.|avda|rua |travessa|carrer|avinguda|paseo|"
    r"plaza|stra|laan|gracht|allee|gasse|weg|platz|gade|vej|gatan|str\.|rue |avenue|boulevard|"
    r"impasse|chemin|quai|place "
)


def world_addresses(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every address of the forms above in ``text``."""
    for pattern, marker in _PATTERNS:
        if marker.search(text) is None:
            continue
        for match in pattern.finditer(text):
            yield match.span()
    if _LOWER_MARKERS.search(text) is not None:
        yield from _lower_addresses(text)
