"""State shared by the protocol stream handlers: channels, field scanning, statistics."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from qorgan.protocols.sse import SSEError, SSEEvent
from qorgan.streaming.segment import HoldbackPolicy
from qorgan.streaming.text import IncrementalText, TextProcessor, process_text

FieldScanner = Callable[[str], Awaitable[str]]
JSONObject = dict[str, Any]

_FIELD_CACHE_LIMIT = 4096
_FIELD_CACHE_MAX_LEN = 256
#: protocol words (event names, keys): lower-case letters, ``_`` and ``.`` hold no value a
#: recognizer finds; any other event name or key is scanned like a field
_PROTOCOL_WORD = re.compile(r"[a-z][a-z_.]{0,63}")


def is_protocol_word(word: str) -> bool:
    return _PROTOCOL_WORD.fullmatch(word) is not None


class Hole:
    """Stands in for a text field while the rest of an event is scanned, so it is not
    scanned twice."""

    __slots__ = ()


HOLE = Hole()


@dataclass(slots=True)
class StreamStats:
    """Counts for one stream, recorded once per request (never per event)."""

    events_in: int = 0
    events_out: int = 0
    comments: int = 0
    channels: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    max_held: int = 0
    synthesized_events: int = 0
    dropped_fields: int = 0
    done: bool = False
    error: str | None = None

    def as_attributes(self) -> dict[str, int | str | bool]:
        attrs: dict[str, int | str | bool] = {
            f"qorgan.stream.{name}": getattr(self, name)
            for name in (
                "events_in", "events_out", "comments", "channels", "bytes_in", "bytes_out",
                "max_held", "synthesized_events", "dropped_fields", "done",
            )
        }  # fmt: skip
        if self.error is not None:
            attrs["qorgan.stream.error"] = self.error
        return attrs


@dataclass(slots=True)
class Channel:
    text: IncrementalText
    #: fields copied into an event that carries flushed text at the channel's end
    template: JSONObject
    kind: str
    #: processed text released so far, kept when the protocol repeats the full text later
    pieces: list[str] | None = field(default=None)


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def loads_object(data: str) -> JSONObject:
    try:
        obj = json.loads(data)
    except ValueError as exc:
        raise SSEError("event data is not valid JSON") from exc
    if not isinstance(obj, dict):
        raise SSEError("event data is not a JSON object")
    return obj


class Handler:
    """Per-stream state of one protocol. Subclasses route text deltas to channels."""

    keep_text = False
    max_channels = 4096

    def __init__(
        self,
        processor_factory: Callable[[], TextProcessor],
        json_processor_factory: Callable[[], TextProcessor],
        holdback: HoldbackPolicy | None,
        on_event_fields: FieldScanner | None,
        stats: StreamStats,
    ) -> None:
        self._factories = {"text": processor_factory, "json": json_processor_factory}
        self._holdback = holdback
        self._on_fields = on_event_fields
        self._field_cache: dict[str, str] = {}
        self.stats = stats
        self.channels: dict[Hashable, Channel] = {}

    # -- channels ---------------------------------------------------------------------

    async def feed(self, key: Hashable, delta: str, *, kind: str, template: JSONObject) -> str:
        channel = self.channels.get(key)
        if channel is None or channel.text.finished:
            # A channel that continues after its end is treated as a new one: its text is
            # still processed, never passed through.
            if channel is None and len(self.channels) >= self.max_channels:
                raise SSEError("event stream opened too many output channels")
            channel = Channel(
                IncrementalText(self._factories[kind](), holdback=self._holdback),
                template,
                kind,
                [] if self.keep_text else None,
            )
            self.channels[key] = channel
            self.stats.channels += 1
        else:
            channel.template = template
        out = await channel.text.feed(delta)
        if channel.text.max_held > self.stats.max_held:
            self.stats.max_held = channel.text.max_held
        if out and channel.pieces is not None:
            channel.pieces.append(out)
        return out

    async def finish(self, key: Hashable) -> str:
        channel = self.channels.get(key)
        if channel is None:
            return ""
        out = await channel.text.finish()
        if out and channel.pieces is not None:
            channel.pieces.append(out)
        return out

    def open_keys(self) -> list[Hashable]:
        return [key for key, channel in self.channels.items() if not channel.text.finished]

    async def full_text(self, key: Hashable, upstream: str, *, kind: str) -> tuple[str, str]:
        """The processed full text of a channel, and text flushed by finishing it now.

        A full text for a channel that never streamed is processed whole, as the
        non-streamed path would.
        """
        channel = self.channels.get(key)
        if channel is None or channel.pieces is None:
            processor = self._factories[kind]()
            return await process_text(upstream, processor, holdback=self._holdback), ""
        flushed = await self.finish(key)
        return "".join(channel.pieces), flushed

    # -- other fields -----------------------------------------------------------------

    async def scan_text(self, value: str) -> str:
        if self._on_fields is None or not value:
            return value
        if len(value) > _FIELD_CACHE_MAX_LEN:
            return await self._on_fields(value)
        # Ids, model names and enum values repeat in every event: scan each once per stream.
        cached = self._field_cache.get(value)
        if cached is None:
            cached = await self._on_fields(value)
            if len(self._field_cache) >= _FIELD_CACHE_LIMIT:
                self._field_cache.clear()
            self._field_cache[value] = cached
        return cached

    async def scan_word(self, word: str) -> str:
        """An event name or a key: protocol words pass, anything else is scanned."""
        if is_protocol_word(word):
            return word
        return await self.scan_text(word)

    async def scan(self, node: Any) -> None:
        """Pass every string in ``node`` (other than held-out text fields), keys included,
        to the scanner."""
        if self._on_fields is None:
            return
        if isinstance(node, dict):
            renamed: dict[str, str] = {}
            for key, value in node.items():
                if isinstance(value, str):
                    node[key] = await self.scan_text(value)
                elif isinstance(value, dict | list):
                    await self.scan(value)
                new = await self.scan_word(key)
                if new != key:
                    renamed[key] = new
            if renamed:
                items = list(node.items())
                node.clear()
                for key, value in items:
                    node[renamed.get(key, key)] = value
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, str):
                    node[i] = await self.scan_text(value)
                elif isinstance(value, dict | list):
                    await self.scan(value)

    def drop_logprobs(self, obj: JSONObject, empty: Any) -> None:
        # Token log-probabilities spell the raw output token by token: they cannot be
        # restored or scanned consistently with the text, so they never reach the client.
        value = obj.get("logprobs")
        if value is not None and value != empty:
            obj["logprobs"] = empty
            self.stats.dropped_fields += 1

    def drop_all_logprobs(self, node: Any) -> None:
        """``drop_logprobs`` wherever ``logprobs`` appears in ``node`` (a completed response
        repeats every part's logprobs)."""
        if isinstance(node, dict):
            if "logprobs" in node:
                self.drop_logprobs(node, [] if isinstance(node["logprobs"], list) else None)
            for value in node.values():
                if isinstance(value, dict | list):
                    self.drop_all_logprobs(value)
        elif isinstance(node, list):
            for value in node:
                if isinstance(value, dict | list):
                    self.drop_all_logprobs(value)

    # -- protocol hooks -----------------------------------------------------------------

    async def on_event(self, event: SSEEvent, obj: JSONObject | None) -> list[SSEEvent]:
        """Rewrite one data event (``obj`` is None for ``[DONE]``)."""
        raise NotImplementedError

    async def on_end(self) -> list[SSEEvent]:
        """End of stream (with or without an end marker): events carrying held text."""
        raise NotImplementedError
