"""Content-based segmentation shared by the streamed and the non-streamed response paths.

A model's output is restored and scanned one *segment* at a time. Both paths cut the text
with the same deterministic rule, so for any split of the text into stream events they hand
the processor the same segments and produce byte-for-byte the same output.

The rule
--------
A cut may only fall at the end of a whitespace run, at position ``p`` where ``text[p-1]`` is
whitespace and ``text[p]`` is not. The whitespace stays with the left segment. Whether ``p`` is
a cut depends on ``text[seg_start:p + 1]`` only (one character of lookahead), so a stream can
release a segment as soon as the character after its trailing whitespace has arrived.

Let ``left`` be the non-space run before the whitespace and ``right`` the character at ``p``.
A candidate is a cut when the segment is at least ``min_chars`` long and one of:

1. the whitespace contains a newline;
2. ``left`` ends a sentence (``.``, ``!``, ``?``, ``…``, optionally followed by closing quotes
   or brackets), the character before the terminal mark is a lower-case letter or a digit,
   ``left`` is not a known abbreviation (``Mr.``, ``Dr.``, ``г.``, ``ул.``, ``тел.``, ...) or a
   single letter, and ``right`` is a letter;
3. the segment is at least ``soft_chars`` long, the whitespace has no newline, ``left`` is a
   lower-case word (letters, optionally followed by ``,`` or ``;``) and ``right`` is a
   lower-case letter;

and no veto applies:

- *digits*: ``left`` ends with a digit or ``)`` and ``right`` is a digit, ``+`` or ``(``:
  phones ("+7 701 234 56 78") and IINs ("9011 2330 0258") are digit runs with spaces;
- *names*: ``left`` (opening quotes stripped) and ``right`` are both capitalized and
  ``left`` does not end a sentence: "John Smith", "Айгерим\\nСерикова", "J. Smith";
- *labels*: ``left`` ends with ``:``, so a value stays with the word that introduces it
  ("ИИН:\\n901123300258", "Phone: +7 ..."): detectors score values by such context words;
- *placeholder*: an unclosed ``<`` within the 64 characters before ``p`` on the same line, for
  placeholder formats that contain spaces;
- ``could_continue(text[seg_start:p]) > 0`` when the guard supplies that callable.

Emails, URLs, tokens and ``<PERSON_1>``-style placeholders contain no whitespace, so no cut
can fall inside them. Cuts prefer sentence and line ends because detectors score values by
nearby context words ("ИИН", "phone"); rule 3 only bounds the latency of long sentences.

A segment never exceeds ``max_chars``: when ``max_chars + 1`` characters are buffered without
a cut, the segment is cut at the last candidate that passes the vetoes, else at the last
candidate at all, else (a single non-space run that long) hard at ``max_chars``. Hold-back,
the text a stream keeps before releasing, is therefore at most ``max_chars + 1`` characters.

Why ``could_continue`` is optional: the processor always sees whole segments, and a
whitespace-free placeholder or value is never split, so no placeholder can straddle two
segments. The hook is only needed for placeholder or fake-value formats that contain
whitespace; it vetoes a cut, keeping the rule a pure function of the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["HoldbackPolicy", "Segmenter", "split_segments"]

_CANDIDATE = re.compile(r"\s\S")
_TERMINALS = ".!?…"
_CLOSERS = "\"'»”’)]}"
_OPENERS = "\"'«“‘([{"
_PLACEHOLDER_REACH = 64
_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "no",
        "tel", "ph", "mob", "inc", "ltd", "co", "г", "гг", "ул", "д", "кв", "пр", "просп",
        "тел", "им", "т.е", "т.к", "т.д", "т.п", "обл", "р-н", "мкр", "стр", "корп", "каб",
        "ж", "көш", "үй", "пәтер",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldbackPolicy:
    """How long segments may grow; see the module docstring for the rule."""

    min_chars: int = 24
    soft_chars: int = 96
    max_chars: int = 1024
    #: length of the suffix of ``text`` that could still grow into a placeholder or value
    could_continue: Callable[[str], int] | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.min_chars <= self.soft_chars <= self.max_chars:
            raise ValueError("HoldbackPolicy needs 1 <= min_chars <= soft_chars <= max_chars")
        if self.max_chars < 16:
            raise ValueError("HoldbackPolicy.max_chars must be at least 16")


DEFAULT_POLICY = HoldbackPolicy()


def _sentence_end(left: str) -> bool:
    core = left.rstrip(_CLOSERS)
    if not core or core[-1] not in _TERMINALS:
        return False
    word = core.rstrip(_TERMINALS).lstrip(_OPENERS)
    if len(word) < 2:
        return False
    last = word[-1]
    if not (last.isdigit() or (last.isalpha() and last.islower())):
        return False
    return word.lower() not in _ABBREVIATIONS


def _lower_word(left: str) -> bool:
    core = left.rstrip(",;")
    return core.isalpha() and core.islower()


def _left_word(buf: str, start: int, p: int) -> tuple[str, int]:
    """The non-space run before the whitespace that ends at ``p``, and where the gap starts."""
    gap = p - 1
    while gap > start and buf[gap - 1].isspace():
        gap -= 1
    word = gap
    while word > start and not buf[word - 1].isspace():
        word -= 1
    return buf[word:gap], gap


def _vetoed(policy: HoldbackPolicy, buf: str, start: int, p: int, left: str) -> bool:
    right = buf[p]
    if left:
        if left[-1] == ":":
            return True
        if (left[-1].isdigit() or left[-1] == ")") and (right.isdigit() or right in "+("):
            return True
        core = left.lstrip(_OPENERS)
        if core and core[0].isupper() and right.isupper() and not _sentence_end(left):
            return True
    lt = buf.rfind("<", max(start, p - _PLACEHOLDER_REACH), p)
    if lt >= 0 and buf.find(">", lt, p) < 0 and buf.find("\n", lt, p) < 0:
        return True
    return policy.could_continue is not None and policy.could_continue(buf[start:p]) > 0


def _accepts(policy: HoldbackPolicy, buf: str, start: int, p: int) -> bool:
    length = p - start
    if length < policy.min_chars:
        return False
    left, gap = _left_word(buf, start, p)
    right = buf[p]
    newline = "\n" in buf[gap:p]
    sentence = bool(left) and _sentence_end(left) and right.isalpha()
    word_gap = (
        length >= policy.soft_chars and _lower_word(left) and right.isalpha() and right.islower()
    )
    if not (newline or sentence or word_gap):
        return False
    return not _vetoed(policy, buf, start, p, left)


def _forced(policy: HoldbackPolicy, buf: str, start: int, end: int) -> int:
    best = fallback = 0
    for match in _CANDIDATE.finditer(buf, start, end + 1):
        p = match.start() + 1
        fallback = p
        left, _ = _left_word(buf, start, p)
        if not _vetoed(policy, buf, start, p, left):
            best = p
    return best or fallback or end


class Segmenter:
    """Cuts a text that arrives in pieces into the segments ``split_segments`` would give."""

    __slots__ = ("_buf", "_policy", "_scan")

    def __init__(self, policy: HoldbackPolicy | None = None) -> None:
        self._policy = policy or DEFAULT_POLICY
        self._buf = ""
        #: next candidate position to evaluate; everything before it was already rejected
        self._scan = 0

    @property
    def held(self) -> int:
        """Characters received but not yet part of a complete segment."""
        return len(self._buf)

    def push(self, text: str) -> list[str]:
        """Add text; return the segments that are now complete."""
        if not text:
            return []
        self._buf += text
        return self._cut()

    def end(self) -> list[str]:
        """End of text: the rest is the last segment."""
        rest, self._buf, self._scan = self._buf, "", 0
        return [rest] if rest else []

    def _cut(self) -> list[str]:
        policy, buf = self._policy, self._buf
        out: list[str] = []
        start, scan = 0, self._scan
        while True:
            end = start + policy.max_chars
            cut = 0
            for match in _CANDIDATE.finditer(buf, max(scan - 1, start)):
                p = match.start() + 1
                if p > end:
                    break
                if _accepts(policy, buf, start, p):
                    cut = p
                    break
            if not cut:
                if len(buf) <= end:
                    scan = len(buf)
                    break
                cut = _forced(policy, buf, start, end)
            out.append(buf[start:cut])
            start = scan = cut
        if out:
            self._buf = buf[start:]
        self._scan = scan - start
        return out


def split_segments(text: str, policy: HoldbackPolicy | None = None) -> list[str]:
    """The segments of a complete text; ``"".join`` of them is ``text``."""
    segmenter = Segmenter(policy)
    return segmenter.push(text) + segmenter.end()
