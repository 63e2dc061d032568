"""A recognizer that reads the text around its matches.

Presidio's ``PatternRecognizer`` validates a match by its own characters only. Some values
are told apart by what surrounds them: a number right after "order" is not a phone, a date
is a date of birth only after "born", a nine-digit number is an ID card number only after
"удостоверение личности". :class:`ScanRecognizer` subclasses yield :class:`Hit` s from the
whole text and this class turns them into Presidio results, the way the registry expects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar, NamedTuple

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult


class Hit(NamedTuple):
    start: int
    end: int
    score: float
    #: shown in Presidio's explanation; describes the rule, never the matched text
    reason: str


class ScanRecognizer(EntityRecognizer):
    """Subclasses set ``ENTITY`` and ``CONTEXT`` and implement :meth:`scan`."""

    ENTITY: ClassVar[str]
    CONTEXT: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            name=type(self).__name__,
            context=list(self.CONTEXT),
        )

    def load(self) -> None:
        """Nothing to load: patterns are compiled at import."""

    def scan(self, text: str) -> Iterator[Hit]:
        raise NotImplementedError

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        name = type(self).__name__
        return [
            RecognizerResult(
                entity_type=self.ENTITY,
                start=hit.start,
                end=hit.end,
                score=hit.score,
                analysis_explanation=AnalysisExplanation(
                    recognizer=name,
                    original_score=hit.score,
                    textual_explanation=hit.reason,
                ),
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for hit in self.scan(text)
            if hit.end > hit.start
        ]


def words(block: str) -> str:
    """An alternation of the whitespace-separated, regex-escaped words of ``block``, longest
    first, so that a longer cue ("дата рождения") wins over its prefix."""
    items = sorted(set(block.split()), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace("_", r"\s+") for w in items)


# The registry's triggers and several recognizers look for cue words in the same text, one
# after the other; the lower-cased copy is made once per text, not once per look. Detection
# runs in worker threads: a stale slot only costs a recomputation, never a wrong answer, as
# the slot is compared by identity.
_LOWERED: tuple[str, str] = ("", "")


def lowered(text: str) -> str:
    """``text.lower()``, computed once for the text being scanned."""
    global _LOWERED
    cached = _LOWERED
    if cached[0] is text:
        return cached[1]
    low = text.lower()
    _LOWERED = (text, low)
    return low


def lowered_aligned(text: str) -> str | None:
    """``text.lower()`` if it has the same offsets as ``text`` (one code point for one; not
    so for "İ"), else ``None``: a cue found in it is found at the same place in ``text``."""
    low = lowered(text)
    return low if len(low) == len(text) else None


class AnyWord:
    """A trigger: any of ``words`` occurs in the text, ignoring case (plain substring tests,
    far cheaper than a case-insensitive regex alternation on a long text)."""

    __slots__ = ("words",)

    def __init__(self, *words: str) -> None:
        self.words = tuple(w.lower() for w in words)

    def search(self, text: str) -> str | None:
        low = lowered(text)
        return next((w for w in self.words if w in low), None)


def occurrences(text: str, needles: tuple[str, ...]) -> list[int]:
    """Sorted offsets of every occurrence of every needle in ``text``: a plain substring
    search per needle beats one regex of many alternatives, which tries each of them at
    every position of a long text."""
    found: list[int] = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            found.append(at)
            at = text.find(needle, at + 1)
    found.sort()
    return found


def windows(positions: list[int], before: int, after: int, size: int) -> list[tuple[int, int]]:
    """``[start, end)`` spans ``before``/``after`` characters around sorted ``positions``,
    overlapping ones merged, clipped to ``[0, size)``."""
    spans: list[tuple[int, int]] = []
    for at in positions:
        start, end = max(0, at - before), min(size, at + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans
