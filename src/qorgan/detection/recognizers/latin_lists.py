"""Layer 5 of ``latin.py``: the people found joined with the model's spans they overlap,
and given names listed or joined by "and" beside a found person."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from qorgan.detection.recognizers.latin_vocab import ENDEARMENTS, SCORE_CUED, SCORE_LISTED
from qorgan.detection.recognizers.latin_words import Span, Word
from qorgan.detection.recognizers.name_address import AND_WORDS
from qorgan.detection.recognizers.name_tokens import one_space

__all__ = ["coordinated", "merge"]


_AND = AND_WORDS | {"and"}


_ITEM_END = re.compile(r"[ \t]*(?:$|[,;.)\n]|(?:and|&)[ \t])")


def coordinated(
    text: str, words: Sequence[Word], starts: Sequence[int], spans: list[Span]
) -> list[Span]:
    """``spans`` with the given names joined by "and" to a person found on the other side
    ("Drew and Summer are co-hosting", "Hope and Finn split the driving", "Arman & Aigerim"),
    or listed after a comma beside one ("Aisling, Ciarán, Fionnuala and Padraig", "Summer
    Nguyen, Kasia Wiśniewska"): a capitalised given name, a word too or not, that nothing
    else claimed; in a list, an item of its own (a comma, "and" or the sentence's end after
    it, or after its surname). ``starts``: each word's start offset."""
    people = [s for s in spans if s[0] == "PERSON"]
    if not people:
        return spans
    taken = [(s[1], s[2]) for s in spans]
    added: list[Span] = []
    pending = [(start, end) for _, start, end, _ in people]
    while pending:
        start, end = pending.pop()
        after = bisect.bisect_left(starts, end)
        before = bisect.bisect_left(starts, start) - 1
        candidates = []
        if after < len(words):
            candidates.append((text[end : words[after].token.start], after, after + 1, 1))
        if before >= 0:
            candidates.append((text[words[before].token.end : start], before, before - 1, -1))
        for gap, near, far, step in candidates:
            listed = False
            if gap.strip(" ") == "&" and gap.startswith(" ") and gap.endswith(" "):
                k = near  # "Arman & Aigerim"
            elif gap == " " and words[near].key in _AND and 0 <= far < len(words) and (
                one_space(text, words[near].token, words[far].token)
            ):
                k = far  # "Drew and Summer"
            elif gap == ", ":
                k, listed = near, True  # "Aisling, Ciarán"
            else:
                continue
            word = words[k]
            if not (word.title and word.given) or word.key in ENDEARMENTS:
                continue
            last: int | None = _list_item_end(text, words, k, step) if listed else k
            if last is None:
                continue
            span = (words[min(k, last)].token.start, words[max(k, last)].token.end)
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            added.append(("PERSON", span[0], span[1], SCORE_LISTED))
            taken.append(span)
            pending.append(span)
    return sorted(spans + added, key=lambda s: (s[1], s[2]))


def _list_item_end(text: str, words: Sequence[Word], k: int, step: int) -> int | None:
    """The index of the last word of the list item a given name ``words[k]`` opens (its
    surname joined to it, or itself), when the item ends at a comma, "and" or the end of
    the sentence; None when more of the sentence follows. Reading leftwards (``step``
    -1) the item is the given name alone, opening the list (a colon, a comma, a bracket or
    the line's start before it)."""
    if step < 0:
        before = text[: words[k].token.start].rstrip(" \t")[-1:]
        return k if before in ("", ",", ":", ";", "(", "\n") else None
    end = k
    nxt = words[k + 1] if k + 1 < len(words) else None
    if nxt is not None and nxt.title and not nxt.common and one_space(
        text, words[k].token, nxt.token
    ):
        end = k + 1  # "Kasia Wiśniewska"
    return end if _ITEM_END.match(text, words[end].token.end) else None


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
        # joined with the model's people it overlaps ("A." + "Serikova"); another type's
        # span is replaced, not joined: 'User(firstName="Susan' is no one's name
        people_too = [m for m in overlapping if m[0] == "PERSON"]
        start = min([ps, *(m[1] for m in people_too)])
        end = max([pe, *(m[2] for m in people_too)])
        out.append(("PERSON", start, end, max(score, *(m[3] for m in overlapping))))
    out.sort(key=lambda s: (s[1], s[2]))
    return out
