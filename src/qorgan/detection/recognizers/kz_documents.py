"""Kazakh identity documents: passport (``KZ_PASSPORT``) and ID card (``KZ_ID_CARD``) numbers.

Neither carries a check digit, so what is written around the number decides:

* a passport number is ``N`` and eight digits. That shape alone is reported at
  ``PASSPORT_BARE`` (at the default threshold); after a passport cue ("паспорт",
  "passport", "төлқұжат") it is certain, and after a product or order label ("SKU", "арт.",
  "model") it is taken for a code and stays below the threshold;
* an ID card number is nine digits, reported only after an ID card cue
  ("удостоверение личности", "уд. личности №", "жеке куәлік", "ID card"): nine bare
  digits are as often an order or account number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.scan import Hit, ScanRecognizer, lowered_aligned
from qorgan.detection.recognizers.tables import labelled_cells, leading_value

PASSPORT_BARE = 0.5
PASSPORT_CUED = 0.95
PASSPORT_LABELLED = 0.1
ID_CARD_CUED = 0.9

# "№" is "No" once normalized (NFKC); both are accepted
_NUMBER_WORD = r"(?:№|No\.?|N°|#|nr\.?|number|номер|нөмірі|нөмір)"
_FILLER = rf"(?:[\s:.,\-–—()]*(?:{_NUMBER_WORD}|серии|серия|series))*[\s:.,\-–—()]*"

_PASSPORT = re.compile(r"(?<![A-Za-z0-9])N(?P<sep>\s?)\d{8}(?![\w])")
_PASSPORT_CUE = re.compile(
    r"(?i)(?:паспорт\w*|passport|төлқұжат\w*|pasport\w*)" + _FILLER + r"$"
)
_CODE_LABEL = re.compile(
    r"(?i)(?:\b(?:sku|part|p/n|pn|model|article|item|product|catalog(?:ue)?|order|invoice|"
    r"serial|s/n|lot|batch|ref|code|арт|артикул\w*|модел\w*|товар\w*|код\w*|заказ\w*|"
    r"серийн\w*|тауар\w*|үлгі\w*)\b)" + _FILLER + r"$"
)
_CUE_WINDOW = 48

# written in lower case: searched in the lower-cased text (``scan.lowered``). A cue is the
# document's name in any of the three languages, as words or as a key ("id_card",
# "idCard"); "удостоверение" alone is the ID card unless a word before it names another
# document (a driving licence, a service card).
_ID_CARD_CUE = (
    r"(?:удостоверени\w*(?:\s+личност\w*)?|удост\.\s*личн\w*\.?|уд\.?\s*личн(?:ости|\.)?|"
    r"уд\.\s*л\.|удл|жеке\s+куәлі\w*|жеке\s+басты\s+куәландыратын\s+құжат\w*|"
    r"(?:national\s+|kazakh(?:stan)?\s+|kz\s+)?id(?:entity|entification)?[\s\-_]*cards?|"
    r"identity\s+document|national[\s\-_]+id(?:entity)?(?:[\s\-_]+(?:number|no))?|"
    # "ID-карта" is one mixed-script token, which normalization reads as "ID-kapta"
    r"(?:id|ид|айди)[\s\-]*(?:карт|kapt)\w*)"
)
# words between the cue and the number: "№", "number", "of the Republic of Kazakhstan",
# "гражданина РК", "серии"
_ID_CARD_WORDS = (
    r"(?:№|no\.?|n°|#|nr\.?|num(?:ber)?|номер\w*|нөмір\w*|серии|серия|series|рк|қр|"
    r"республики\s+казахстан|қазақстан\s+республикасы\w*|гражданин\w*|азамат\w*|"
    r"of|the|republic|kazakhstan|is|was|мой|моё|моего|менің)"
)
_ID_CARD_SEP = r"[\s:.,\-–—()\"'«»=]"
_ID_CARD_SOURCE = (
    rf"(?<![^\W\x5f])(?P<cue>{_ID_CARD_CUE})"
    rf"(?:{_ID_CARD_SEP}*{_ID_CARD_WORDS}(?![^\W\d_]))*{_ID_CARD_SEP}*"
    r"(?P<number>\d{3}(?P<sep>[ \-.]?)\d{3}(?P=sep)\d{3})(?![\d])(?![.\-/]\d)"
)
_ID_CARD = re.compile(_ID_CARD_SOURCE)
_ID_CARD_ANY_CASE = re.compile("(?i)" + _ID_CARD_SOURCE)
# a qualifier before a bare "удостоверение" that makes it another document
_OTHER_DOCUMENT = re.compile(
    r"(?i)(?:водительск|служебн|пенсионн|ветеран|военн|инвалид|многодетн|участник|"
    r"командировочн|депутатск|журналистск|пресс|студенческ|адвокатск)\w*\s+$"
)
# a table's column of ID card numbers
_ID_CARD_COLUMN = re.compile(
    r"(?:id[\s_\-]*card(?:[\s_\-]*(?:no|number|num|#))?|удостоверение(?:\s+личности)?|"
    r"№\s+удостоверения|уд\.?\s*личности|удл|жеке\s+куәлік(?:\s+№)?)"
)
_NINE_DIGITS = re.compile(r"\d{3}(?P<sep>[ \-.]?)\d{3}(?P=sep)\d{3}")


class KzPassportRecognizer(ScanRecognizer):
    """A Kazakh passport number, ``N12345678``; see the module docstring for the scores."""

    ENTITY = "KZ_PASSPORT"
    CONTEXT = ("паспорт", "passport", "төлқұжат", "travel document")

    def scan(self, text: str) -> Iterator[Hit]:
        for match in _PASSPORT.finditer(text):
            start = match.start()
            window = max(0, start - _CUE_WINDOW)
            if _PASSPORT_CUE.search(text, window, start):
                yield Hit(start, match.end(), PASSPORT_CUED, "passport number after a cue")
            elif match.group("sep"):
                continue  # "N 12345678" without a cue reads as "No. 12345678"
            elif _CODE_LABEL.search(text, window, start):
                yield Hit(start, match.end(), PASSPORT_LABELLED, "N-code after a product label")
            else:
                yield Hit(start, match.end(), PASSPORT_BARE, "passport-shaped number")


class KzIdCardRecognizer(ScanRecognizer):
    """A Kazakh ID card number, nine digits right after an ID card cue."""

    ENTITY = "KZ_ID_CARD"
    CONTEXT = ("удостоверение", "куәлік", "id card", "identity card")

    def scan(self, text: str) -> Iterator[Hit]:
        low = lowered_aligned(text)
        matches = _ID_CARD.finditer(low) if low is not None else _ID_CARD_ANY_CASE.finditer(text)
        for match in matches:
            cue = match.group("cue")
            if cue.startswith("удостоверени") and "личн" not in cue:
                window = max(0, match.start() - _CUE_WINDOW)
                if _OTHER_DOCUMENT.search(text, window, match.start()):
                    continue
            start, end = match.span("number")
            yield Hit(start, end, ID_CARD_CUED, "ID card number after a cue")
        for start, end in labelled_cells(text, _ID_CARD_COLUMN):
            value = leading_value(text, start, end, _NINE_DIGITS)
            if value is not None:
                yield Hit(start, value.end(), ID_CARD_CUED, "number in an ID card column")
