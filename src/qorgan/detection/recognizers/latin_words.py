"""Words and sentence ends of Latin-script text, as the layers of ``latin.py`` read them:
each word's facts from the gazetteers, where a name may not run on, and which words are
already claimed."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qorgan.detection.recognizers.gazetteer import Gazetteer, ascii_fold
from qorgan.detection.recognizers.names import Token

__all__ = ["Span", "Word", "adjacent", "free_words", "joined", "overlaps", "split_at_breaks",
           "word_facts"]

Span = tuple[str, int, int, float]  # entity, start, end, score

# A sentence ends at . ! ? followed by space, unless the word before is an initial or a
# title; a line break always ends one.
# a sentence's end, a line's, and a comma with no space after it (the cells of a CSV row:
# "Bexley Harrow,Leominster" is a person and a town)
# a bracket a space opens, or one a space or a stop closes, ends a name as a line end does:
# "Rachel (New York)", "Oliver (Manchester)"
_BREAK = re.compile(r"[.!?…]+(?=\s)|\n|,(?=[^\s\d])|(?<=\s)\(|\)(?=[\s,.;:!?]|\Z)")
_CUT_BEFORE = frozenset("\n()")
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


@dataclass(slots=True)
class Word:
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


def split_at_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut where a line or a sentence ends inside it, pieces stripped."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for match in _BREAK.finditer(text, start, end):
        if match.group() not in _CUT_BEFORE:
            word = re.search(r"(\w+)$", text[max(start, match.start() - 12) : match.start()])
            if word and (len(word.group(1)) == 1 or word.group(1).lower() in _NO_BREAK_BEFORE):
                continue
        pieces.append((pos, match.start() if match.group() in _CUT_BEFORE else match.end()))
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


@lru_cache(maxsize=65536)
def word_facts(gz: Gazetteer, text: str) -> tuple[str, bool, bool, bool, bool, bool]:
    """key, title, caps, given, surname, common of a word as written (cached: chat text
    repeats its words, and this runs on every word of every text)."""
    key = ascii_fold(text.rstrip("."))
    if key.endswith("'s"):
        key = key[:-2]
    caps = len(text) > 1 and text.isupper()
    given, surname, common = key in gz.given, gz.is_surname(key), key in gz.common
    parts = [p for p in _COMPOUND.split(key) if p]
    if len(parts) > 1 and not (given or surname):
        # "O'Connor", "Al-Rashid": a name prefix and a name; "Jean-Luc", "Anne-Marie": given
        # names, the first no English word; "Smith-Jones": listed names, none of them a
        # word ("Check-In" is no name). The frequency list counts such spellings as words.
        first, last = parts[0], parts[-1]
        if first in _NAME_PREFIXES:
            surname = len(last) > 2 and (last not in gz.common or last in gz.given)
        else:
            given = all(p in gz.given for p in parts) and first not in gz.common
            surname = not given and all(
                (p in gz.given or gz.is_surname(p)) and p not in gz.common for p in parts
            )
        common = common and not (given or surname)
    return (key, text[0].isupper() and not caps, caps, given, surname, common)


_COMPOUND = re.compile(r"[-'’]")
_NAME_PREFIXES = frozenset(["o", "d", "al", "el", "ul", "ibn", "bin", "mc", "mac", "de", "di"])


def adjacent(text: str, left: Token, right: Token) -> bool:
    return text[left.end : right.start] in {" ", "", "\u00a0"}


def joined(text: str, left: Token, right: Token) -> bool:
    """Two words of one name: a single space (or none after an initial) between them."""
    gap = text[left.end : right.start]
    return gap in {" ", "\u00a0"} or (gap == "" and left.initial)


def free_words(words: Sequence[Word], claimed: Sequence[tuple[int, int]]) -> list[bool]:
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


def overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)
