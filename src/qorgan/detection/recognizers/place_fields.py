"""Places named by their field (``LOCATION``): ``City: Eskişehir``, ``"city": "Amsterdam"``,
``Город: Кокшетау``, ``country=Germany``, ``<city>Lyon</city>``, and the cells of a
``city`` column (in a table or an SQL ``INSERT``).

A CRM record, a form or a JSON document says what a value is in its key, so a town no list
holds ("Sarahfurt", "Ворзель") is still a place there. The value must look like a place
name: one to four words of letters starting with a capital (any script), no digits, and
no placeholder ("N/A", "unknown", "—"); in lower case, a listed place that is no English
word alone ("city: pune").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.gazetteer import gazetteer, place_keys
from qorgan.detection.recognizers.scan import (
    AnyWord,
    Hit,
    ScanRecognizer,
    lowered_aligned,
    occurrences,
)
from qorgan.detection.recognizers.tables import labelled_cells

__all__ = ["CUES", "PlaceFieldRecognizer"]

SCORE = 0.85

_LABELS = (
    r"city(?:[\s_]+of[\s_]+residence)?|town|village|hometown|birthplace|place[\s_]+of[\s_]+birth|"
    r"country|region|province|oblast|district|город|населенный[\s_]+пункт|населённый[\s_]+пункт|"
    r"страна|область|регион|район|місто|країна|қала|елді[\s_]+мекен|ел|облыс|şehir|sehir|il|"
    r"ilçe|ülke|ville|pays|stadt|wohnort|land|ciudad|país|shahar|viloyat|mamlakat|城市|国家|"
    r"省份"
)
# the first word of every label: where a field may start (found by substring search)
_NEEDLES = (
    "city", "town", "village", "hometown", "birthplace", "place", "country", "region",
    "province", "oblast", "district", "город", "населен", "населён", "страна", "область",
    "регион", "район", "місто", "країна", "қала", "елді", "ел", "облыс", "şehir", "sehir",
    "il", "ilçe", "ülke", "ville", "pays", "stadt", "wohnort", "land", "ciudad", "país",
    "shahar", "viloyat", "mamlakat", "城市", "国家", "省份",
)
# at a label (a key's prefix, "billing_city", stays outside): its quote and separator, or
# an XML tag's end, then the value
_FIELD = re.compile(
    rf"(?i)(?:{_LABELS})(?:[\"']?[ \t]*[:=][ \t]*[\"']?|>)"
    r"(?P<value>[^\W\d_][^\W\d_'’.\- ]*(?:[ \-'’][^\W\d_][^\W\d_'’.\- ]*){0,3})"
    r"(?=[\s\"',;.)\]}|<]|$)"
)
_LABEL_KEY = rf"(?:[\w\-]*[_\-])?(?:{_LABELS})"
_COLUMN = re.compile(rf"(?:{_LABEL_KEY})", re.IGNORECASE)
_CELL = re.compile(r"[^\W\d_][^\W\d_'’.\-]*(?:[ \-'’][^\W\d_][^\W\d_'’.\-]*){0,3}")
_PLACEHOLDERS = frozenset(
    ("n/a", "na", "none", "null", "unknown", "tbd", "tba", "other", "any", "all", "various",
     "nil", "empty", "не указан", "не указано", "неизвестно", "нет", "жоқ", "yok", "inconnu",
     "unbekannt", "string", "text", "city", "country")
)
#: what the trigger needs to see
CUES = AnyWord(*_NEEDLES)


class PlaceFieldRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "LOCATION"

    def scan(self, text: str) -> Iterator[Hit]:
        seen: set[int] = set()
        low = lowered_aligned(text)
        starts = sorted(set(occurrences(low, _NEEDLES))) if low is not None else range(len(text))
        for at in starts:
            if at and text[at - 1].isalpha():
                continue  # inside a word: "Capacity", "email"
            match = _FIELD.match(text, at)
            if match is None:
                continue
            start = match.start("value")
            raw = match.group("value")
            value = _capitalised_words(raw)
            if raw.lower() not in _PLACEHOLDERS and _place_like(value):
                seen.add(start)
                yield Hit(start, start + len(value), SCORE, "value of a place field")
            elif not value and (town := _listed_in_lower_case(raw)):
                seen.add(start)
                yield Hit(start, start + len(town), SCORE, "value of a place field")
        for start, end in labelled_cells(text, _COLUMN):
            cell = text[start:end]
            # a place's name, capitalised word by word: a line of prose read as a row of
            # the table above it ("Note: invoice, The Smith file") is none
            if (
                start not in seen
                and _CELL.fullmatch(cell)
                and _capitalised_words(cell) == cell
                and _place_like(cell)
            ):
                yield Hit(start, end, SCORE, "cell of a place column")


# lower-case words inside a place's name ("Stratford upon Avon", "Rostov-na-Donu" aside)
_CONNECTORS = frozenset({"de", "del", "la", "le", "les", "am", "an", "upon", "on", "sur",
                         "im", "of", "na"})


def _capitalised_words(value: str) -> str:
    """``value`` up to its first word in lower case that joins no two capitalised ones:
    "Almaty is great" -> "Almaty", "Saint-Denis de la Réunion" kept."""
    words = value.split(" ")
    kept: list[str] = []
    for i, word in enumerate(words):
        if word[:1].isupper() or (
            word in _CONNECTORS and any(w[:1].isupper() for w in words[i + 1 :])
        ):
            kept.append(word)
        else:
            break
    while kept and kept[-1] in _CONNECTORS:
        kept.pop()
    return " ".join(kept)


def _listed_in_lower_case(value: str) -> str:
    """The longest opening of a lower-case ``value`` (three words at most) that is a
    listed place in full and, alone, no English word: "city: pune", "city: new delhi"."""
    words = value.split(" ")
    gz = gazetteer()
    for n in range(min(3, len(words)), 0, -1):
        keys = place_keys(" ".join(words[:n]))
        if gz.whole_place(keys) is None:
            continue
        if len(keys) == 1 and gz.is_common(keys[0]) and keys[0] not in gz.places_not_english:
            return ""  # "city: reading"; "pune", "osaka" are frequent as places alone
        return " ".join(words[:n])
    return ""


def _place_like(value: str) -> bool:
    """A capitalised name that is no placeholder, no code ("EMEA", "KZ") and, unless it is a
    known place ("Reading", "Nice"), not English words alone ("Online", "Main Office")."""
    if not value[:1].isupper() or value.lower() in _PLACEHOLDERS:
        return False
    letters = [ch for ch in value if ch.isalpha()]
    if value.isupper() and len(letters) < 5:
        return False
    keys = place_keys(value)
    gz = gazetteer()
    if gz.whole_place(keys) is not None:
        return True
    return not all(gz.is_common(k) for k in keys)
