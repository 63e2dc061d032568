"""People and places in Latin-script text, around and beside the English NER model.

Layers, each with its own evidence (``gazetteer.py`` for the lists and the common-word
filter, ``cues.py`` for the announcing words):

1. **repair** of the model's spans: cut at line and sentence ends, announcing and common
   words trimmed from the edges ("Email John Smith" -> "John Smith"), a lone common word
   dropped ("You wrote: Summarize"), a given name plus surname the model called an
   organisation relabelled a person, a known place it called a person relabelled a place;
2. **places** from the gazetteers: Kazakhstan's cities and regions and world cities and
   countries, a common word ("Mobile", "Nice", "Reading") only after "in"/"from"/"to" and
   only for a city of a million people;
3. **cued names**: the words after a greeting, sign-off, title, introduction, field label
   or command ("Dear Aigerim", "Call ivan petrov", "Mr. Brown"), in any case;
4. **initials** before or after a surname ("A. Serikova", "Petrov I.I.");
5. **listed names**: a given name and a surname together, or a given name that is no
   English word, in any case.

Spans never cross a line break or a sentence end.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qorgan.detection.recognizers.cues import cue_positions
from qorgan.detection.recognizers.gazetteer import Gazetteer, Place, ascii_fold
from qorgan.detection.recognizers.names import Token, tokenize

__all__ = ["LatinLayers", "Span", "split_at_breaks"]

Span = tuple[str, int, int, float]  # entity, start, end, score

_PLACE_PREPOSITIONS = frozenset(
    [
        "in",
        "at",
        "from",
        "to",
        "near",
        "around",
        "outside",
        "inside",
        "via",
        "into",
        "toward",
        "towards",
        "across",
        "through",
        "visit",
        "visiting",
        "visited",
        "visits",
        "leave",
        "leaving",
        "left",
        "reach",
        "reached",
    ]
)
_REGION_WORDS = frozenset(
    ["region", "oblast", "oblysy", "province", "district", "city", "county", "state", "raion"]
)
_ORG_WORDS = frozenset(
    [
        "inc",
        "ltd",
        "llc",
        "llp",
        "plc",
        "corp",
        "co",
        "company",
        "group",
        "bank",
        "partners",
        "holdings",
        "university",
        "college",
        "school",
        "institute",
        "foundation",
        "ministry",
        "agency",
        "association",
        "airlines",
        "airways",
        "club",
        "team",
        "labs",
        "technologies",
        "systems",
        "solutions",
        "services",
    ]
)
_BIG_CITY = 1_000_000
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
# A sentence ends at . ! ? followed by space, unless the word before is an initial or a
# title; a line break always ends one.
_BREAK = re.compile(r"[.!?…]+(?=\s)|\n")
_NO_BREAK_BEFORE = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "vs",
        "no",
        "mt",
        "ft",
        "gen",
        "col",
        "lt",
        "sgt",
        "rev",
    ]
)

SCORE_CUED = 0.85
SCORE_LISTED = 0.8
SCORE_LOWER = 0.6
SCORE_PLACE = 0.8


@dataclass(slots=True)
class _Word:
    token: Token
    key: str  # ascii-folded, possessive removed
    title: bool  # First-letter capital, not all caps
    caps: bool
    given: bool
    surname: bool
    common: bool

    @property
    def listed(self) -> bool:
        return self.given or self.surname


def _without_possessive(text: str, span: Span) -> Span:
    """A name or place without the English possessive its last word carries ("Smith's")."""
    label, start, end, score = span
    if end - start > 2 and text[end - 2 : end].lower() in ("'s", "’s"):
        end -= 2
    return label, start, end, score


def split_at_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut where a line or a sentence ends inside it, pieces stripped."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for match in _BREAK.finditer(text, start, end):
        if match.group() != "\n":
            word = re.search(r"(\w+)$", text[max(start, match.start() - 12) : match.start()])
            if word and (len(word.group(1)) == 1 or word.group(1).lower() in _NO_BREAK_BEFORE):
                continue
        pieces.append((pos, match.start() if match.group() == "\n" else match.end()))
        pos = match.end()
    pieces.append((pos, end))
    out = []
    for s, e in pieces:
        while s < e and (text[s].isspace() or text[s] in ".,;:!?"):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:!?"):
            e -= 1
        if e > s:
            out.append((s, e))
    return out


class LatinLayers:
    """Everything above; one instance per process (the lists are shared)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gz = gazetteer

    # -- entry point ----------------------------------------------------------------------

    def analyze(self, text: str, ner: Sequence[tuple[str, int, int]]) -> list[Span]:
        """People and places in ``text``; ``ner`` are the model's (entity, start, end)."""
        if not _LATIN_LETTER.search(text):
            return []
        tokens = tokenize(text)
        words = [self._word(t) for t in tokens]
        cues = cue_positions(text)
        spans: list[Span] = []
        for entity, start, end in ner:
            spans.extend(self._repair(text, tokens, words, cues, entity, start, end))
        claimed = [(s, e) for entity, s, e, _ in spans if entity != "PERSON"]
        places = [
            p for p in self._places(text, tokens, words) if not _overlaps((p[1], p[2]), claimed)
        ]
        claimed += [(s, e) for _, s, e, _ in places]
        people = self._people(text, tokens, words, cues, claimed)
        # a cued name outranks a model span of another type over the same words ("Call
        # Jordan"), and joins a model person span it overlaps ("A." + "Serikova")
        return [_without_possessive(text, span) for span in _merge(spans + places, people)]

    # -- words ----------------------------------------------------------------------------

    def _word(self, token: Token) -> _Word:
        return _Word(token, *_word_facts(self._gz, token.text))

    # -- 1. the model's spans -------------------------------------------------------------

    def _repair(
        self,
        text: str,
        tokens: Sequence[Token],
        words: Sequence[_Word],
        cues: dict[int, str],
        entity: str,
        start: int,
        end: int,
    ) -> list[Span]:
        out: list[Span] = []
        starts = [t.start for t in tokens]
        for s, e in split_at_breaks(text, start, end):
            first = bisect.bisect_left(starts, s)
            inside = [w for w in words[first : bisect.bisect_left(starts, e)] if w.token.end <= e]
            if entity == "PERSON":
                while inside and (inside[0].common or not inside[0].token.capitalized):
                    inside.pop(0)
                while inside and (inside[-1].common or not inside[-1].token.capitalized):
                    inside.pop()
            else:
                while inside and inside[0].common and _is_cue_word(inside[0], cues, text):
                    inside.pop(0)
            names = [w for w in inside if not w.token.initial]
            if not names or not any(w.token.capitalized for w in names):
                continue  # the model alone does not vouch for a word in lower case
            s, e = inside[0].token.start, inside[-1].token.end
            label = self._relabel(text, tokens, words, entity, inside)
            lone = names[0] if len(names) == 1 else None
            if label == "PERSON" and lone and (lone.common or (lone.caps and not lone.listed)):
                continue
            out.append((label, s, e, 0.85))
        return out

    def _relabel(
        self,
        text: str,
        tokens: Sequence[Token],
        words: Sequence[_Word],
        entity: str,
        inside: Sequence[_Word],
    ) -> str:
        names = [w for w in inside if not w.token.initial]
        place = self._gz.match_place(w.key for w in inside)
        whole_place = place is not None and len(place.words) == len(inside)
        if entity != "LOCATION" and whole_place and not any(w.given for w in names):
            if entity == "PERSON" and len(names) == 1 and names[0].surname:
                return entity
            return "LOCATION"
        if entity == "PERSON":
            return entity
        if any(w.key in _ORG_WORDS for w in inside) or not all(w.token.capitalized for w in inside):
            return entity
        first_index = next(i for i, t in enumerate(tokens) if t.start == inside[0].token.start)
        before = tokens[first_index - 1] if first_index > 0 else None
        if before is not None and before.initial and _adjacent(text, before, inside[0].token):
            return "PERSON"
        if (
            2 <= len(names) <= 3
            and names[0].given
            and not names[0].common
            and names[-1].surname
            and not whole_place
        ):
            return "PERSON"
        return entity

    # -- 2. places ------------------------------------------------------------------------

    def _places(self, text: str, tokens: Sequence[Token], words: Sequence[_Word]) -> list[Span]:
        found: list[Span] = []
        i = 0
        while i < len(words):
            word = words[i]
            if word.key not in self._gz.places or not _LATIN_LETTER.match(word.token.text):
                i += 1
                continue
            place = self._gz.match_place(w.key for w in words[i : i + 5])
            if place is None:
                i += 1
                continue
            n = len(place.words)
            run = words[i : i + n]
            if not all(_joined(text, a.token, b.token) for a, b in itertools.pairwise(run)):
                i += 1
                continue
            after_preposition = (
                i > 0
                and words[i - 1].key in _PLACE_PREPOSITIONS
                and _joined(text, tokens[i - 1], word.token)
            )
            if not self._place_ok(place, run, after_preposition, words, i):
                i += 1
                continue
            end = run[-1].token.end
            if (
                i + n < len(words)
                and words[i + n].key in _REGION_WORDS
                and _joined(text, run[-1].token, words[i + n].token)
            ):
                end = words[i + n].token.end
                n += 1
            found.append(("LOCATION", word.token.start, end, SCORE_PLACE))
            i += n
        return found

    def _place_ok(
        self,
        place: Place,
        run: Sequence[_Word],
        after_preposition: bool,
        words: Sequence[_Word],
        i: int,
    ) -> bool:
        country, population = place.country, place.population
        head = run[0]
        common = any(w.common for w in run) if len(run) == 1 else all(w.common for w in run)
        if not (head.title or head.caps):
            # lower case only after a preposition, and only a well-known place
            return after_preposition and not common and (country == "KZ" or population >= _BIG_CITY)
        if head.caps and len(head.key) < 4 and not after_preposition:
            return False
        if common:
            return after_preposition and (population >= _BIG_CITY or country == "KZ")
        if head.given or (len(run) == 1 and head.surname and country != "KZ"):
            # Florence, Austin, Jackson: a person as often as a place
            return after_preposition
        # a place followed by a surname is a person's first name ("Paris Hilton")
        nxt = words[i + len(run)] if i + len(run) < len(words) else None
        return not (
            nxt is not None
            and nxt.title
            and nxt.surname
            and not after_preposition
            and country != "KZ"
        )

    # -- 3-5. people ----------------------------------------------------------------------

    def _people(
        self,
        text: str,
        tokens: Sequence[Token],
        words: Sequence[_Word],
        cues: dict[int, str],
        claimed: Sequence[tuple[int, int]],
    ) -> list[Span]:
        found: list[Span] = []
        free = _free(words, claimed)
        i = 0
        while i < len(words):
            if not free[i]:
                i += 1
                continue
            kind = cues.get(words[i].token.start)
            span = None
            if kind is not None:
                span = self._cued(text, words, free, i, kind)
            if span is None:
                span = self._initials(text, words, free, i) or self._listed(text, words, free, i)
            if span is None:
                i += 1
                continue
            j, score = span
            found.append(("PERSON", words[i].token.start, words[j - 1].token.end, score))
            i = j
        return found

    def _name_part(self, word: _Word, *, cued: bool, titled: bool) -> bool:
        if word.token.initial:
            return False
        if word.title:
            return titled or ((word.listed or cued) and not word.common)
        # lower case or all caps: only a listed name that is no common word
        return word.listed and not word.common

    def _cued(
        self, text: str, words: Sequence[_Word], free: Sequence[bool], i: int, kind: str
    ) -> tuple[int, float] | None:
        j = i
        while j < len(words) and j - i < 4 and free[j]:
            word = words[j]
            if j > i and not _joined(text, words[j - 1].token, word.token):
                break
            if word.token.initial and word.token.text[0].isupper():
                j += 1
                continue
            if not self._name_part(word, cued=True, titled=kind == "title" and j == i):
                break
            j += 1
        if all(w.token.initial for w in words[i:j]):
            return None  # initials alone ("Call A.") are no name
        return j, SCORE_CUED

    def _initials(
        self, text: str, words: Sequence[_Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        j = i
        while (
            j < len(words)
            and free[j]
            and words[j].token.initial
            and (j == i or _joined(text, words[j - 1].token, words[j].token))
        ):
            j += 1
        if i < j < len(words) and free[j] and _joined(text, words[j - 1].token, words[j].token):
            # "A. Serikova": initials, then a capitalised surname or unknown word
            word = words[j]
            if word.title and (word.surname or not word.common):
                return j + 1, SCORE_LISTED
            return None
        if j == i:
            # "Petrov I.I.": a surname, then initials
            word = words[i]
            k = i + 1
            while (
                k < len(words)
                and free[k]
                and words[k].token.initial
                and _joined(text, words[k - 1].token, words[k].token)
            ):
                k += 1
            if k > i + 1 and word.title and word.surname and not word.common:
                return k, SCORE_LISTED
        return None

    def _listed(
        self, text: str, words: Sequence[_Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        first = words[i]
        if not first.given or first.common or first.token.initial:
            return None
        nxt = words[i + 1] if i + 1 < len(words) and free[i + 1] else None
        if nxt is not None and _joined(text, first.token, nxt.token) and not nxt.common:
            if first.title and nxt.title:
                # a given name and a capitalised surname or unknown word
                return i + 2, SCORE_LISTED
            if not first.title and not nxt.title and nxt.surname:
                # "aigerim serikova", "AIGERIM SERIKOVA"
                return i + 2, SCORE_LOWER
        if first.title and first.key in self._gz.rare and not first.token.sentence_initial:
            return i + 1, SCORE_LOWER
        return None


@lru_cache(maxsize=65536)
def _word_facts(gz: Gazetteer, text: str) -> tuple[str, bool, bool, bool, bool, bool]:
    """key, title, caps, given, surname, common of a word as written (cached: chat text
    repeats its words, and this runs on every word of every text)."""
    key = ascii_fold(text.rstrip("."))
    if key.endswith("'s"):
        key = key[:-2]
    caps = len(text) > 1 and text.isupper()
    return (
        key,
        text[0].isupper() and not caps,
        caps,
        key in gz.given,
        gz.is_surname(key),
        key in gz.common,
    )


def _is_cue_word(word: _Word, cues: dict[int, str], text: str) -> bool:
    end = word.token.end
    while end < len(text) and text[end] in " \t,:":
        end += 1
    return end in cues


def _adjacent(text: str, left: Token, right: Token) -> bool:
    return text[left.end : right.start] in {" ", "", "\u00a0"}


def _joined(text: str, left: Token, right: Token) -> bool:
    """Two words of one name: a single space (or none after an initial) between them."""
    gap = text[left.end : right.start]
    return gap in {" ", "\u00a0"} or (gap == "" and left.initial)


def _free(words: Sequence[_Word], claimed: Sequence[tuple[int, int]]) -> list[bool]:
    """Whether each word overlaps none of ``claimed`` (one binary search a word)."""
    if not claimed:
        return [True] * len(words)
    merged: list[list[int]] = []
    for s, e in sorted(claimed):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    starts = [m[0] for m in merged]
    out = []
    for w in words:
        # the last merged span that starts before the word ends is the only candidate
        j = bisect.bisect_left(starts, w.token.end) - 1
        out.append(not (j >= 0 and merged[j][1] > w.token.start))
    return out


def _overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def _merge(model: list[Span], people: list[Span]) -> list[Span]:
    """Rule-found people joined with the model's spans they overlap."""
    out = list(model)
    for person in people:
        _, ps, pe, score = person
        overlapping = [m for m in out if m[1] < pe and ps < m[2]]
        if not overlapping:
            out.append(person)
            continue
        if score < SCORE_CUED and any(m[0] != "PERSON" for m in overlapping):
            continue  # only a cue outweighs the model's own reading of the words
        for m in overlapping:
            out.remove(m)
        start = min([ps, *(m[1] for m in overlapping)])
        end = max([pe, *(m[2] for m in overlapping)])
        out.append(("PERSON", start, end, max(score, *(m[3] for m in overlapping))))
    out.sort(key=lambda s: (s[1], s[2]))
    return out
