"""Given names, surnames and places for Latin-script text, and the common-word filter.

Sources (see ``data/SOURCES.md``): US Social Security baby names and 2010 US Census
surnames (public domain), the Russian and Kazakh given names of the natasha wheel and
``kk_first_names.txt`` transliterated to Latin letters, the given names of 54 countries of
``world_given_names.tsv`` (GNU FDL), GeoNames cities and countries
(CC BY 4.0), ``kz_places_latin.txt`` and ``countries_native.txt`` (countries as their own
languages write them: "Deutschland", "Schweiz", "Türkiye").

**Common words.** A word is *common* when it is among the ~29,000 most frequent English
words (``wordfreq``'s small list as ``en_word_frequencies.tsv``, frequency 1e-6 and up)
and is not mainly a name: a word whose share among given names (or surnames) is at least
:data:`NAME_DOMINANCE` times its share of English text is a name first ("john", "lydia",
"smith") and is not common, while "will", "summer", "call", "email" and "summarize" are.
A name of the lists that no English dictionary holds as a word (``names_not_english.txt``:
"sanjay", "wolfgang") is never common, however often English text writes it. Name lists
tell a word *can* be a name; this filter tells whether it usually is not.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property, lru_cache
from typing import NamedTuple

from qorgan.detection.recognizers.lexicon import natasha_names, read_lines, read_words
from qorgan.errors import DetectionError

__all__ = ["NAME_DOMINANCE", "Gazetteer", "Place", "PlaceIndex", "ascii_fold", "gazetteer",
           "place_keys", "transliterate"]

#: how many times more frequent among names than in text a word must be to count as a name
NAME_DOMINANCE = 10.0
#: English words at least this frequent (share of tokens) can be common words
_MIN_COMMON = 1e-6
# A given name the US lists lack (Dmitry, Nurlan, Serkan) has no name count to
# weigh against its frequency; below this one it is the name, not an English word.
_FOREIGN_NAME = 1e-5
# Russian and Kazakh surnames and patronymics in Latin letters (Petrov, Serikova,
# Nurpeisov, Kasymova, Dostoevsky, Shevchenko, Bolatuly, Serikkyzy).
_SURNAME_SHAPE = re.compile(
    r"[a-z]{2,}(?:ov|ova|ev|eva|yev|yeva|iev|ieva|in|ina|yn|yna|sky|skiy|skii|skaya|ska|"
    r"enko|uk|yuk|chuk|uly|uli|ulu|kyzy|qyzy|kizi|ovich|evich|ovna|evna|ichna|bekov|bayev)$"
)
_TRANSLIT: dict[str, tuple[str, ...]] = {
    "а": ("a",), "б": ("b",), "в": ("v",), "г": ("g",), "д": ("d",), "е": ("e", "ye"),
    "ё": ("yo", "e"), "ж": ("zh", "j"), "з": ("z",), "и": ("i",), "й": ("y", "i"),
    "к": ("k",), "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",),
    "р": ("r",), "с": ("s",), "т": ("t",), "у": ("u",), "ф": ("f",), "х": ("kh", "h"),
    "ц": ("ts",), "ч": ("ch",), "ш": ("sh",), "щ": ("shch", "sch"), "ъ": ("",),
    "ы": ("y", "i"), "ь": ("",), "э": ("e",), "ю": ("yu", "iu"), "я": ("ya", "ia"),
    "ә": ("a", "ae"), "ғ": ("g", "gh"), "қ": ("k", "q"), "ң": ("n", "ng"), "ө": ("o", "oe"),
    "ұ": ("u",), "ү": ("u", "ue"), "һ": ("h",), "і": ("i",),
}  # fmt: skip
_MAX_VARIANTS = 8
_SINGLE_S = re.compile(r"(?<=[aeiouy])s(?=[aeiouy])")
_PLACE_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def ascii_fold(word: str) -> str:
    """Lower-cased, accents removed: "Öskemen" and "oskemen" are one key."""
    if word.isascii():  # most words: nothing to decompose, and casefold is lower for ASCII
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.translate(_UNDECOMPOSED)


# letters no Unicode decomposition takes to ASCII: Turkish dotless i ("Aydın", "Yıldız"),
# Vietnamese and Croatian đ, Polish ł, Nordic ø and æ, and the typographic apostrophe
_UNDECOMPOSED = str.maketrans({"ı": "i", "đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe",
                               "þ": "th", "’": "'"})


def transliterate(word: str) -> tuple[str, ...]:
    """Latin spellings of a Cyrillic word (at most a few): "ержан" -> "erzhan", "yerzhan"."""
    options: list[tuple[str, ...]] = []
    for i, ch in enumerate(word.lower()):
        choices = _TRANSLIT.get(ch, (ch,))
        # "ye" for е only opens a word (Yerlan, Yevgeny); inside it "e" is the spelling
        options.append(choices if ch != "е" or i == 0 else ("e",))
    out = ["".join(p) for p in itertools.islice(itertools.product(*options), _MAX_VARIANTS)]
    # the usual English endings of -ий and -ия names: Dmitry, Valery, Maria
    out += [v[:-2] + "y" for v in out if v.endswith(("iy", "ii"))]
    out += [v[:-3] + "ia" for v in out if v.endswith("iya")]
    # "с" between vowels is often written double so it is not read as "z": Assel, Kassym
    out += [_SINGLE_S.sub("ss", v) for v in out if _SINGLE_S.search(v)]
    return tuple(dict.fromkeys(out))


class Place(NamedTuple):
    # a named tuple, not a frozen dataclass: 60,000 of them are made at start-up
    words: tuple[str, ...]  # ascii-folded
    kind: str  # city, country, region
    country: str
    population: int


class Gazetteer:
    """The lists, loaded on first use and shared (:func:`gazetteer`)."""

    @cached_property
    def given_counts(self) -> dict[str, int]:
        return _counts("en_given_names.tsv")

    @cached_property
    def surname_counts(self) -> dict[str, int]:
        return _counts("en_surnames.tsv")

    @cached_property
    def transliterated(self) -> frozenset[str]:
        """Russian and Kazakh given names in Latin letters (Aigerim, Yerzhan, Dmitry)."""
        cyrillic = (natasha_names("first") | read_words("kk_first_names.txt")) - natasha_names(
            "maybe_first"
        )
        return frozenset(v for name in cyrillic for v in transliterate(name))

    @cached_property
    def world_given(self) -> frozenset[str]:
        """Given names of 54 countries the US lists lack or share (Serkan, Frauke, Oleh,
        Grzegorz, Jiahui): ``world_given_names.tsv``, without the names English writes as
        words often enough to count ("hi", "me", "eta", "van"): a word read as a name on
        this list's say alone would be one more false name, not one more found."""
        frequencies = _english_frequencies()
        return frozenset(
            name for name in _counts("world_given_names.tsv")
            if frequencies.get(name, 0.0) < _MIN_COMMON
        )

    @cached_property
    def foreign(self) -> frozenset[str]:
        """Given names from outside the US lists: transliterated Russian and Kazakh ones
        and those of the world list."""
        return self.transliterated | self.world_given

    @cached_property
    def given(self) -> frozenset[str]:
        """Given names, lower-case: English, transliterated Russian and Kazakh, and those of
        the world list."""
        return frozenset(self.given_counts) | self.foreign

    @cached_property
    def surnames(self) -> frozenset[str]:
        return frozenset(self.surname_counts)

    @cached_property
    def common(self) -> frozenset[str]:
        """Frequent English words that are not mainly names (module docstring)."""
        frequencies = _english_frequencies()
        given, surnames = self.given_counts, self.surname_counts
        total_given = sum(given.values()) or 1
        total_surnames = sum(surnames.values()) or 1
        foreign = self.foreign
        # names English text uses that no dictionary holds as a word ("sanjay", "wolfgang")
        not_english = read_words("names_not_english.txt")
        common: set[str] = set()
        for word, share in frequencies.items():
            if share < _MIN_COMMON or (word in foreign and share < _FOREIGN_NAME):
                continue
            if word in not_english:
                continue
            as_name = max(given.get(word, 0) / total_given, surnames.get(word, 0) / total_surnames)
            if as_name < NAME_DOMINANCE * share:
                common.add(word)
        return frozenset(common)

    @cached_property
    def rare(self) -> frozenset[str]:
        """Given names that are no English word at all (Aigerim, Nurlan, Priya)."""
        frequencies = _english_frequencies()
        return frozenset(n for n in self.given if frequencies.get(n, 0.0) < _MIN_COMMON)

    @cached_property
    def places_not_english(self) -> frozenset[str]:
        """One-word places frequent in English text as places, not as words ("tokyo")."""
        return read_words("places_not_english.txt")

    @cached_property
    def places(self) -> PlaceIndex:
        """Places by the ascii-folded first word, longest entry first."""
        return _places()

    def load(self) -> None:
        _ = self.given, self.surnames, self.common, self.rare, self.places

    def is_common(self, word: str) -> bool:
        return ascii_fold(word) in self.common

    def frequency(self, key: str) -> float:
        """How often an ascii-folded word occurs in English text (a share of all words)."""
        return _english_frequencies().get(key, 0.0)

    def is_given(self, word: str) -> bool:
        return ascii_fold(word) in self.given

    @cached_property
    def _totals(self) -> tuple[int, int]:
        return sum(self.given_counts.values()) or 1, sum(self.surname_counts.values()) or 1

    def mainly_given(self, key: str) -> bool:
        """A given name at least as often as a surname ("jake", "lucas"; not "ford")."""
        if key not in self.given:
            return False
        as_surname = self.surname_counts.get(key, 0)
        if not as_surname:
            return True
        total_given, total_surnames = self._totals
        return self.given_counts.get(key, 0) / total_given >= as_surname / total_surnames

    def is_surname(self, word: str) -> bool:
        key = ascii_fold(word)
        return key in self.surnames or _SURNAME_SHAPE.fullmatch(key) is not None

    def whole_place(self, words: Iterable[str]) -> Place | None:
        """The listed place that is all of ``words`` (already ascii-folded), not only their
        opening ("Santa Cruz", not "Santa" of "Santa Claus")."""
        seq = list(words)
        place = self.match_place(seq)
        return place if place is not None and len(place.words) == len(seq) else None

    def match_place(self, words: Iterable[str]) -> Place | None:
        """The longest place whose words open ``words`` (already ascii-folded)."""
        seq = list(words)
        if not seq:
            return None
        for place in self.places.get(seq[0], ()):
            n = len(place.words)
            if n <= len(seq) and tuple(seq[:n]) == place.words:
                return place
        return None


def place_keys(name: str) -> list[str]:
    """The ascii-folded words of a place's name as a field or a postal line writes it,
    split at spaces and hyphens ("Ust-Kamenogorsk" -> ust, kamenogorsk)."""
    return [ascii_fold(w) for w in re.split(r"[ \-]+", name) if w]


def _counts(name: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in read_lines(name):
        word, _, count = line.partition("\t")
        try:
            out[word] = int(count)
        except ValueError as exc:
            raise DetectionError(f"detection data file malformed: {name}") from exc
    return out


@lru_cache(maxsize=1)
def _english_frequencies() -> dict[str, float]:
    """wordfreq's small English list (``en_word_frequencies.tsv``, in centibels) as shares."""
    shares = {c: 10 ** (-c / 100) for c in range(1001)}  # 29,000 words, a few hundred values
    out: dict[str, float] = {}
    for word, count in _counts("en_word_frequencies.tsv").items():
        share = shares.get(count)
        if share is None:
            raise DetectionError("detection data file malformed: en_word_frequencies.tsv")
        out[word] = share
    return out


class PlaceIndex:
    """Places by their ascii-folded first word, longest entry first.

    60,000 rows are read at start-up and a text looks up a few of their words: a row
    (``name<TAB>kind<TAB>country<TAB>population``) is filed whole under its first word when
    read and made a :class:`Place` on that word's first lookup.
    """

    def __init__(self) -> None:
        self._rows: dict[str, list[str]] = {}
        self._parsed: dict[str, tuple[Place, ...]] = {}

    def add_rows(self, rows: Iterable[str]) -> None:
        filed = self._rows
        for row in rows:
            head = row.split("\t", 1)[0].split(" ", 1)[0]
            if head.isalpha() and head.isascii():  # most rows: one fold, no pattern
                filed.setdefault(head.lower(), []).append(row)
                continue
            first = _first_place_word(row.partition("\t")[0])
            if first is not None:
                filed.setdefault(first, []).append(row)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def get(self, key: str, default: tuple[Place, ...] = ()) -> tuple[Place, ...]:
        parsed = self._parsed.get(key)
        if parsed is None:
            rows = self._rows.get(key)
            if rows is None:
                return default
            places = (_place(row) for row in rows)
            parsed = tuple(sorted(places, key=lambda p: (-len(p.words), -p.population)))
            self._parsed[key] = parsed  # a race only parses the same rows twice
        return parsed


_ROWS = re.compile(r"(?:[^\t\n]+\t[^\t\n]+\t[^\t\n]*\t\d+\n)*")


def _place(row: str) -> Place:
    name, kind, country, population = row.split("\t")
    return Place(_place_words(name), kind, country, int(population))


def _places() -> PlaceIndex:
    index = PlaceIndex()
    world = read_lines("world_places.tsv")
    # every row checked in one pass of the pattern engine, not one call a row
    if _ROWS.fullmatch("\n".join(world) + "\n") is None:
        raise DetectionError("detection data file malformed: world_places.tsv")
    index.add_rows(world)
    index.add_rows(f"{line}\tcity\tKZ\t0" for line in read_lines("kz_places_latin.txt"))
    index.add_rows(f"{line}\tcountry\t\t0" for line in read_lines("countries_native.txt"))
    return index


def _first_place_word(name: str) -> str | None:
    """``_place_words(name)[0]`` without folding the rest of the name."""
    head = name.split(" ", 1)[0]
    if head.isalpha():  # most names: the first word is all letters, as the pattern reads it
        return head.lower() if head.isascii() else ascii_fold(head)
    if name.isascii():
        match = _PLACE_WORD.search(name.lower())
        return match.group() if match else None
    match = _PLACE_WORD.search(name)
    return ascii_fold(match.group()) if match else None


def _place_words(name: str) -> tuple[str, ...]:
    if name.isascii():  # 60,000 names at start-up: fold the name once, not word by word
        return tuple(_PLACE_WORD.findall(name.lower()))
    return tuple(ascii_fold(w) for w in _PLACE_WORD.findall(name))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer."""
    return Gazetteer()
