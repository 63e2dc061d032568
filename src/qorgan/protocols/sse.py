"""Server-Sent Events: an incremental parser and a serializer.

The parser follows the WHATWG "event stream interpretation" algorithm, fed with bytes split
anywhere: inside a field, inside a CRLF, inside a multi-byte UTF-8 character. It differs from
a browser in two deliberate ways, both because qorgan is a proxy and must not lose framing:

- an event is dispatched when *any* field was seen (not only ``data``), so ``id`` and
  ``retry`` reach the client even on an event without data;
- comments (``:`` lines, used as keep-alives) are returned as :class:`SSEComment` items in
  stream order instead of being dropped.

Memory is bounded: a line longer than ``max_line`` characters, or an event whose data grows
past ``max_event`` characters, raises :class:`SSEError` instead of buffering without end.
Bytes that are not UTF-8 raise too: a guard must not guess at content it cannot read.

The serializer writes LF line ends and one ``data:`` line per data line, so
``parse(serialize(events)) == events`` for every event the parser can produce.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass

from qorgan.errors import UpstreamError

__all__ = [
    "SSEComment",
    "SSEError",
    "SSEEvent",
    "SSEItem",
    "SSEParser",
    "serialize",
    "serialize_all",
]

_LINE_END = re.compile(r"\r\n|\r|\n")
_DIGITS = re.compile(r"[0-9]+")


class SSEError(UpstreamError):
    """The upstream sent something that is not a readable event stream."""

    code = "invalid_upstream_stream"


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One dispatched event. ``data`` is None when the event had no ``data`` field."""

    data: str | None = None
    event: str | None = None
    id: str | None = None
    retry: int | None = None


@dataclass(frozen=True, slots=True)
class SSEComment:
    """A comment line (the text after the colon, one leading space kept as sent)."""

    text: str = ""


SSEItem = SSEEvent | SSEComment


class SSEParser:
    """Incremental parser: ``feed`` bytes as they arrive, ``close`` at end of stream."""

    def __init__(self, *, max_line: int = 1 << 20, max_event: int = 8 << 20) -> None:
        if max_line <= 0 or max_event <= 0:
            raise ValueError("max_line and max_event must be positive")
        self.max_line = max_line
        self.max_event = max_event
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self._at_start = True
        self._skip_lf = False
        self._partial: list[str] = []
        self._partial_len = 0
        self._reset_event()

    def _reset_event(self) -> None:
        self._data: list[str] = []
        self._data_len = 0
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._seen = False

    def feed(self, chunk: bytes) -> list[SSEItem]:
        try:
            text = self._decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise SSEError("event stream is not valid UTF-8") from exc
        return self._feed_text(text)

    def close(self) -> list[SSEItem]:
        """End of stream. Per the spec an unterminated last event is discarded."""
        try:
            text = self._decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise SSEError("event stream ends inside a UTF-8 character") from exc
        items = self._feed_text(text)
        self._partial.clear()
        self._partial_len = 0
        self._reset_event()
        return items

    def _feed_text(self, text: str) -> list[SSEItem]:
        if not text:
            return []
        if self._at_start:
            self._at_start = False
            if text.startswith("\ufeff"):
                text = text[1:]
        items: list[SSEItem] = []
        pos = 0
        if self._skip_lf:
            self._skip_lf = False
            if text.startswith("\n"):
                pos = 1
        for match in _LINE_END.finditer(text, pos):
            piece = text[pos : match.start()]
            if self._partial:
                self._check_line(self._partial_len + len(piece))
                self._partial.append(piece)
                line = "".join(self._partial)
                self._partial.clear()
                self._partial_len = 0
            else:
                self._check_line(len(piece))
                line = piece
            self._line(line, items)
            pos = match.end()
        if text.endswith("\r"):
            # A CR at the very end may be the first half of a CRLF: the line has ended, and a
            # LF that starts the next chunk belongs to it.
            self._skip_lf = True
        rest = text[pos:]
        if rest:
            self._partial_len += len(rest)
            self._check_line(self._partial_len)
            self._partial.append(rest)
        return items

    def _check_line(self, length: int) -> None:
        if length > self.max_line:
            raise SSEError(f"event stream line longer than {self.max_line} characters")

    def _line(self, line: str, items: list[SSEItem]) -> None:
        if not line:
            if self._seen:
                data = "\n".join(self._data) if self._data else None
                items.append(SSEEvent(data=data, event=self._event, id=self._id, retry=self._retry))
            self._reset_event()
            return
        if line[0] == ":":
            items.append(SSEComment(line[1:]))
            return
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data_len += len(value) + 1
            if self._data_len > self.max_event:
                raise SSEError(f"event data longer than {self.max_event} characters")
            self._data.append(value)
            self._seen = True
        elif name == "event":
            self._event = value
            self._seen = True
        elif name == "id":
            if "\x00" not in value:
                self._id = value
                self._seen = True
        elif name == "retry" and _DIGITS.fullmatch(value):
            self._retry = int(value)
            self._seen = True
        # Unknown field names are ignored, as the spec requires.


def _check_field(name: str, value: str) -> None:
    if "\n" in value or "\r" in value:
        raise ValueError(f"SSE {name} field cannot contain a line break")


def serialize(item: SSEItem) -> str:
    """One event or comment as SSE text with LF line ends (an event ends with a blank line)."""
    if isinstance(item, SSEComment):
        return "".join(f":{line}\n" for line in _LINE_END.split(item.text))
    parts: list[str] = []
    if item.event is not None:
        _check_field("event", item.event)
        parts.append(f"event: {item.event}\n")
    if item.id is not None:
        _check_field("id", item.id)
        if "\x00" in item.id:
            raise ValueError("SSE id field cannot contain NUL")
        parts.append(f"id: {item.id}\n")
    if item.retry is not None:
        if item.retry < 0:
            raise ValueError("SSE retry must be a non-negative integer")
        parts.append(f"retry: {item.retry}\n")
    if item.data is not None:
        parts.extend(f"data: {line}\n" for line in _LINE_END.split(item.data))
    if not parts:
        raise ValueError("an SSE event needs at least one field")
    parts.append("\n")
    return "".join(parts)


def serialize_all(items: Iterable[SSEItem]) -> bytes:
    return "".join(serialize(item) for item in items).encode("utf-8")
