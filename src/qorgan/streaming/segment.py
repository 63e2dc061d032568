"""Content-based segmentation shared by the streamed and the non-streamed response paths.

A model's output is restored and scanned one *segment* at a time. Both paths cut the text
with the same deterministic rule, so for any split of the text into stream events they hand
the processor the same segments and produce byte-for-byte the same output.

Segments are as short as the text allows: a stream holds back only the run of words that
could still grow into a value or a placeholder, and releases everything before it. What a
segment loses in context is given back by :func:`left_context`: each segment is scanned
together with up to ``CONTEXT_CHARS`` characters of the raw text before it, so detectors
still see the words that introduce a value ("ИИН:", "phone") and the left half of the
sentence around a name.

The rule
--------
A cut may only fall just after the first whitespace character that follows a word, at
position ``p`` where ``text[p-1]`` is whitespace and ``text[p-2]`` is not; the rest of a longer
whitespace run starts the next segment. Whether ``p`` is a cut depends on
``text[seg_start:p]`` only, with no lookahead, so a stream releases a segment as soon as the
whitespace after its last word arrives.

Let ``left`` be the non-space run before that whitespace. A candidate is a cut when the
segment is at least ``min_chars`` long and no veto applies:

- *digits*: ``left`` ends with a digit (or a digit then ``.``, ``,``, ``-`` or ``/``) or with
  ``)``: phones ("+7 701 234 56 78"), IINs ("9011 2330 0258"), house and flat numbers
  ("150 кв") stay with what follows;
- *capitals*: ``left`` holds a capital letter (and is not a whole ``<...>`` placeholder)
  and does not end a sentence (``.``, ``!``, ``?``, ``…`` after a lower-case letter or
  digit, optionally followed by closing quotes or brackets, and not a single letter or a
  known abbreviation): a capitalised word stays with
  the word after it, so a name is never cut ("John Smith", "Айгерим\nСерикова", "J. Smith")
  and NER sees one word past its end. After ``CAPITAL_RUN`` (6) capitalised words in a row,
  longer than any name, the veto lapses (title-case headings, lists of places);
- *abbreviations*: ``left`` is a known abbreviation, with or without its dot (``Mr.``,
  ``Dr.``, ``г.``, ``ул.``, ``тел.``, ``кв``, ...), or ``№``: it introduces the value after it;
- *placeholder*: an unclosed ``<`` within the 64 characters before ``p`` on the same line, for
  placeholder formats that contain spaces;
- *block*: a ``-----BEGIN`` line without its ``-----END`` yet (a PEM private key, which
  detectors recognise only whole);
- ``could_continue(text[seg_start:p]) > 0`` when the guard supplies that callable.

Emails, URLs, tokens and ``<PERSON_1>``-style placeholders contain no whitespace, so no cut
can fall inside them.

A segment never exceeds ``max_chars``: when ``max_chars + 1`` characters are buffered without
a cut, the segment is cut at the last candidate that passes the vetoes, else at the last
candidate at all, else (a single non-space run that long) hard at ``max_chars``. A segment
whose first ``max_chars + 1`` characters open a block that they do not close may grow to
``block_chars`` instead, so a PEM key is scanned whole. Hold-back, the text a stream keeps
before releasing, is therefore at most ``max_chars + 1`` characters (``block_chars + 1``
inside a block), and in prose it is the word being written, or the name or number being
formed.

Why ``could_continue`` is optional: the processor always sees whole segments, and a
whitespace-free placeholder or value is never split, so no placeholder can straddle two
segments. The hook is only needed for placeholder or fake-value formats that contain
whitespace; it vetoes a cut, keeping the rule a pure function of the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CONTEXT_CHARS", "HoldbackPolicy", "Segmenter", "left_context", "split_segments"]

_CANDIDATE = re.compile(r"\S\s")
_SPACE = re.compile(r"\s")
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

_BEGIN = "-----BEGIN "
_END = "-----END "

#: capitalised words in a row after which a cut is allowed between them again
CAPITAL_RUN = 6

#: raw characters before a segment that it is scanned with (see ``left_context``)
CONTEXT_CHARS = 80


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldbackPolicy:
    """How short and how long segments may be; see the module docstring for the rule."""

    min_chars: int = 1
    max_chars: int = 1024
    #: how long a segment may grow while a ``-----BEGIN`` block (a PEM key) is open
    block_chars: int = 8192
    #: length of the suffix of ``text`` that could still grow into a placeholder or value
    could_continue: Callable[[str], int] | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.min_chars <= self.max_chars:
            raise ValueError("HoldbackPolicy needs 1 <= min_chars <= max_chars")
        if self.max_chars < 16:
            raise ValueError("HoldbackPolicy.max_chars must be at least 16")
        if self.block_chars < self.max_chars:
            raise ValueError("HoldbackPolicy needs block_chars >= max_chars")


DEFAULT_POLICY = HoldbackPolicy()


def left_context(before: str, reach: int = CONTEXT_CHARS) -> str:
    """The raw text a segment is scanned with: the last ``reach`` characters of ``before``
    (the channel's text before the segment), starting at a word.

    It reads only ``before[-(reach + 1):]``, so a stream that keeps just that many
    characters of what it released gets the same context as the whole text would.
    """
    if len(before) <= reach:
        return before
    tail = before[-reach:]
    if before[-reach - 1].isspace():
        return tail
    # a partial word would read as a different word: start after the next whitespace
    match = _SPACE.search(tail)
    return tail[match.end():] if match else ""


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


def _capitalised(left: str) -> bool:
    """A word with a capital letter, other than a whole ``<...>`` placeholder."""
    if not any(c.isupper() for c in left):
        return False
    core = left.lstrip(_OPENERS).rstrip(_CLOSERS + _TERMINALS + ",;:")
    return not (core.startswith("<") and core.endswith(">") and "<" not in core[1:])


def _long_capital_run(buf: str, start: int, p: int) -> bool:
    """Whether the segment ends in ``CAPITAL_RUN`` or more capitalised words in a row: longer
    than any name, so the words are headings or a list, and the capital veto lapses."""
    words = buf[start:p].split()
    return len(words) >= CAPITAL_RUN and all(_capitalised(w) for w in words[-CAPITAL_RUN:])


def _abbreviation(left: str) -> bool:
    """A word that introduces a value: "г. Алматы", "Dr. Ivan", "кв 12", "№ 5"."""
    core = left.lstrip(_OPENERS)
    return core == "№" or core.removesuffix(".").lower() in _ABBREVIATIONS


def _left_word(buf: str, start: int, p: int) -> str:
    """The non-space run before the whitespace character at ``p - 1``."""
    gap = p - 1
    word = gap
    while word > start and not buf[word - 1].isspace():
        word -= 1
    return buf[word:gap]


def _vetoed(policy: HoldbackPolicy, buf: str, start: int, p: int, left: str) -> bool:
    if left:
        if left.rstrip(".,-/")[-1:].isdigit() or left[-1] == ")":
            return True
        if _capitalised(left) and not _sentence_end(left) and not _long_capital_run(buf, start, p):
            return True
        if _abbreviation(left):
            return True
    if _open_block(buf, start, p):
        return True
    lt = buf.rfind("<", max(start, p - _PLACEHOLDER_REACH), p)
    if lt >= 0 and buf.find(">", lt, p) < 0 and buf.find("\n", lt, p) < 0:
        return True
    return policy.could_continue is not None and policy.could_continue(buf[start:p]) > 0


def _accepts(policy: HoldbackPolicy, buf: str, start: int, p: int) -> bool:
    if p - start < policy.min_chars:
        return False
    return not _vetoed(policy, buf, start, p, _left_word(buf, start, p))


def _open_block(buf: str, start: int, p: int) -> bool:
    """Whether ``buf[start:p]`` opens a ``-----BEGIN`` block without its whole
    ``-----END ...-----`` line."""
    begin = buf.rfind(_BEGIN, start, p)
    if begin < 0:
        return False
    end = buf.find(_END, begin, p)
    return end < 0 or buf.find("-----", end + len(_END), p) < 0


def _limit(policy: HoldbackPolicy, buf: str, start: int) -> int:
    """Where a segment starting at ``start`` is cut at the latest. It reads only the first
    ``max_chars + 1`` characters, all present whenever a forced cut is decided."""
    if _open_block(buf, start, min(len(buf), start + policy.max_chars + 1)):
        return start + policy.block_chars
    return start + policy.max_chars


def _forced(policy: HoldbackPolicy, buf: str, start: int, end: int) -> int:
    best = fallback = 0
    for match in _CANDIDATE.finditer(buf, start, end):
        p = match.end()
        fallback = p
        if not _vetoed(policy, buf, start, p, _left_word(buf, start, p)):
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
            end = _limit(policy, buf, start)
            cut = 0
            for match in _CANDIDATE.finditer(buf, max(scan - 1, start)):
                p = match.end()
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
