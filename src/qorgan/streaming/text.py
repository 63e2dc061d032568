"""Restore and scan model output one segment at a time, streamed or not, with equal results.

``process_text`` (a whole response) and ``IncrementalText`` (one stream channel) cut the text
with the same :func:`~qorgan.streaming.segment.split_segments` rule and call the same
processor on each segment with the same left context
(:func:`~qorgan.streaming.segment.left_context`), so their outputs are identical for any
split into deltas.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from qorgan.streaming.segment import (
    CONTEXT_CHARS,
    HoldbackPolicy,
    Segmenter,
    left_context,
    split_segments,
)

__all__ = ["IncrementalText", "TextProcessor", "contexts", "process_text"]

#: Restore, scan and transform ONE complete segment (supplied by the guard), called as
#: ``processor(segment, context)`` where ``context`` is the raw text just before the segment
#: (already released; to read, never to return). It must be deterministic for a given
#: segment and context within one response, and raise a ``QorganError`` when a protective
#: step fails: the text is then never released.
TextProcessor = Callable[[str, str], Awaitable[str]]

#: raw characters a channel keeps after releasing them, enough for ``left_context``
_KEEP = CONTEXT_CHARS + 1


def contexts(segments: list[str]) -> list[str]:
    """The left context of each segment of one text, in order."""
    out: list[str] = []
    raw = ""
    for segment in segments:
        out.append(left_context(raw))
        raw = (raw + segment)[-_KEEP:]
    return out


async def process_text(
    text: str, processor: TextProcessor, *, holdback: HoldbackPolicy | None = None
) -> str:
    """The non-streamed path: the processed segments of ``text``, joined."""
    segments = split_segments(text, holdback)
    return "".join([await processor(segment, context)
                    for segment, context in zip(segments, contexts(segments), strict=True)])


class IncrementalText:
    """One output channel (a choice's content, a tool call's arguments, a content block)."""

    __slots__ = (
        "_finished", "_processor", "_raw", "_segmenter", "max_held", "received", "released",
    )  # fmt: skip

    def __init__(self, processor: TextProcessor, *, holdback: HoldbackPolicy | None = None) -> None:
        self._processor = processor
        self._segmenter = Segmenter(holdback)
        self._finished = False
        #: the tail of the raw text processed so far, for the next segment's context
        self._raw = ""
        #: the most characters held back at once (for telemetry and benchmarks)
        self.max_held = 0
        #: characters fed, and processed characters released
        self.received = 0
        self.released = 0

    @property
    def held(self) -> int:
        return self._segmenter.held

    @property
    def finished(self) -> bool:
        return self._finished

    async def feed(self, delta: str) -> str:
        """Add a delta; return the processed text that is now safe to release ("" if none)."""
        if self._finished:
            raise ValueError("IncrementalText.feed after finish")
        self.received += len(delta)
        segments = self._segmenter.push(delta)
        held = self._segmenter.held
        if held > self.max_held:
            self.max_held = held
        return await self._run(segments)

    async def finish(self) -> str:
        """End of the channel: process and return everything still held."""
        if self._finished:
            return ""
        self._finished = True
        return await self._run(self._segmenter.end())

    async def _run(self, segments: list[str]) -> str:
        if not segments:
            return ""
        pieces = []
        for segment in segments:
            pieces.append(await self._processor(segment, left_context(self._raw)))
            self._raw = (self._raw + segment)[-_KEEP:]
        out = "".join(pieces)
        self.released += len(out)
        return out
