"""A person named in full once is the same person named again in part (``PERSON``).

Texts name someone in full and then by the given name or the surname alone: "Attendees:
Priya Raghunathan, Tomasz Wiśniewski - Tomasz to send the forecast", "Dear Ms Kovalenko,
... Olena Kovalenko". The part alone is no evidence to the model or the lists, but the full
name found elsewhere in the same text is: each word of a found name of two or more words is
a person wherever else the text writes it, capitalised as the name was, and in Cyrillic
with a case ending after it ("Ербол Нуртаев ... с Ерболом").

A word that is an English word as well ("Will Young ... will") is taken only where it is
capitalised and does not open a sentence, and initials and words of one or two letters
never are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from qorgan.detection.recognizers.gazetteer import ascii_fold, gazetteer
from qorgan.detection.recognizers.precision import organisations
from qorgan.types import Finding

__all__ = ["SCORE", "repeated_mentions"]

SCORE = 0.75
_NAME_WORD = re.compile(r"[^\W\d_]{3,}(?:[-'’][^\W\d_]+)*")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Russian and Kazakh case endings after a name ("Ерболом", "Айгерімге", "Ивана")
_CASE_ENDING = r"(?:[а-яёәғқңөұүһі]{1,4})?"


def repeated_mentions(text: str, findings: Sequence[Finding]) -> list[Finding]:
    """PERSON findings for the other mentions of the words of ``findings``' full names."""
    people = [f for f in findings if f.entity_type == "PERSON"]
    if not people:
        return []
    words: set[str] = set()
    for person in people:
        parts = [m.group() for m in _NAME_WORD.finditer(text, person.start, person.end)]
        if len(parts) >= 2:
            # written again: a substring test first, far cheaper than a pattern
            words.update(w for w in parts if w[0].isupper() and text.count(w) >= 2)
    if not words:
        return []
    # a surname inside a firm's name ("Aguilar, Lopez and Wright") is the firm's
    taken = sorted([(f.start, f.end) for f in findings] + organisations(text))
    out: list[Finding] = []
    for word in sorted(words):
        for start, end in _occurrences(text, word):
            if _free(taken, start, end) and _usable(text, word, start):
                out.append(Finding("PERSON", start, end, SCORE, "repeated mention"))
                taken.append((start, end))
    return out


def _occurrences(text: str, word: str) -> Iterable[tuple[int, int]]:
    return (m.span() for m in _mention_pattern(word).finditer(text))


@lru_cache(maxsize=1024)
def _mention_pattern(word: str) -> re.Pattern[str]:
    ending = _CASE_ENDING if _CYRILLIC.match(word) else ""
    return re.compile(rf"(?<![\w\-'’]){re.escape(word)}{ending}(?![\w\-])")


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return not any(s < end and start < e for s, e in taken)


def _usable(text: str, word: str, start: int) -> bool:
    """A word that is an English word too only inside a sentence ("... and Will said")."""
    if _CYRILLIC.match(word) or not gazetteer().is_common(ascii_fold(word)):
        return True
    before = text[max(0, start - 8) : start]
    stripped = before.rstrip()
    return bool(stripped) and stripped[-1] not in ".!?…:" and "\n" not in before
