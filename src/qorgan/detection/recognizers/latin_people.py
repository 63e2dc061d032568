"""Layers 3 to 5 of ``latin.py``: people the model missed, found by cues, initials and the
name lists, and joined with the model's spans they overlap."""

from __future__ import annotations

from collections.abc import Sequence

from qorgan.detection.recognizers.gazetteer import Gazetteer
from qorgan.detection.recognizers.latin_words import Span, Word, free_words, joined

__all__ = ["SCORE_CUED", "SCORE_LISTED", "SCORE_LOWER", "People", "merge"]

SCORE_CUED = 0.85
SCORE_LISTED = 0.8
SCORE_LOWER = 0.6


class People:
    """Cued, initialled and listed names (one instance per process: the lists are shared)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gz = gazetteer

    def find(
        self,
        text: str,
        words: Sequence[Word],
        cues: dict[int, str],
        claimed: Sequence[tuple[int, int]],
    ) -> list[Span]:
        """People among the words that overlap none of ``claimed``; ``cues`` maps a word's
        start to the kind of cue before it."""
        found: list[Span] = []
        free = free_words(words, claimed)
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

    def _name_part(self, word: Word, *, cued: bool, titled: bool) -> bool:
        if word.token.initial:
            return False
        if word.title:
            return titled or ((word.listed or cued) and not word.common)
        # lower case or all caps: only a listed name that is no common word
        return word.listed and not word.common

    def _cued(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int, kind: str
    ) -> tuple[int, float] | None:
        j = i
        while j < len(words) and j - i < 4 and free[j]:
            word = words[j]
            if j > i and not joined(text, words[j - 1].token, word.token):
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
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        j = i
        while (
            j < len(words)
            and free[j]
            and words[j].token.initial
            and (j == i or joined(text, words[j - 1].token, words[j].token))
        ):
            j += 1
        if i < j < len(words) and free[j] and joined(text, words[j - 1].token, words[j].token):
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
                and joined(text, words[k - 1].token, words[k].token)
            ):
                k += 1
            if k > i + 1 and word.title and word.surname and not word.common:
                return k, SCORE_LISTED
        return None

    def _listed(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        first = words[i]
        if not first.given or first.common or first.token.initial:
            return None
        nxt = words[i + 1] if i + 1 < len(words) and free[i + 1] else None
        if nxt is not None and joined(text, first.token, nxt.token) and not nxt.common:
            if first.title and nxt.title:
                # a given name and a capitalised surname or unknown word
                return i + 2, SCORE_LISTED
            if not first.title and not nxt.title and nxt.surname:
                # "aigerim serikova", "AIGERIM SERIKOVA"
                return i + 2, SCORE_LOWER
        if first.title and first.key in self._gz.rare and not first.token.sentence_initial:
            return i + 1, SCORE_LOWER
        return None



def merge(model: list[Span], people: list[Span]) -> list[Span]:
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
