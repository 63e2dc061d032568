"""Anthropic Messages streams.

Channels: ``(block index, delta type)`` for ``text_delta`` (``text``), ``input_json_delta``
(``partial_json``) and ``thinking_delta`` (``thinking``); a ``content_block_start`` that
already carries text opens the same channel. Text held at ``content_block_stop`` (or at
``message_stop`` / end of stream for a block that never stopped) goes into one extra
``content_block_delta`` placed before it; an upstream ``error`` event is preceded by all
text still held.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from qorgan.protocols.sse import SSEError, SSEEvent
from qorgan.streaming._base import HOLE, Handler, JSONObject, dumps
from qorgan.streaming._openai import with_data

_DELTA_FIELDS = {
    "text_delta": "text",
    "input_json_delta": "partial_json",
    "thinking_delta": "thinking",
}
_BLOCK_FIELDS = {"text": ("text", "text_delta"), "thinking": ("thinking", "thinking_delta")}


def _index(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SSEError("content block index is not an integer")
    return value


class AnthropicHandler(Handler):
    async def on_event(self, event: SSEEvent, obj: JSONObject | None) -> list[SSEEvent]:
        if obj is None:
            return [*await self.on_end(), event]
        kind = obj.get("type")
        if not isinstance(kind, str):
            kind = event.event or ""
        before: list[SSEEvent] = []
        held: tuple[JSONObject, str, Hashable, str, str] | None = None
        if kind == "content_block_delta":
            delta = obj.get("delta")
            if isinstance(delta, dict):
                delta_type = str(delta.get("type"))
                name = _DELTA_FIELDS.get(delta_type)
                if name is not None and isinstance(delta.get(name), str):
                    kind_ = "json" if delta_type == "input_json_delta" else "text"
                    held = (delta, name, (_index(obj.get("index")), delta_type), delta[name], kind_)
                    delta[name] = HOLE
        elif kind == "content_block_start":
            block = obj.get("content_block")
            if isinstance(block, dict):
                spec = _BLOCK_FIELDS.get(str(block.get("type")))
                if spec is not None and isinstance(block.get(spec[0]), str):
                    held = (
                        block,
                        spec[0],
                        (_index(obj.get("index")), spec[1]),
                        block[spec[0]],
                        "text",
                    )
                    block[spec[0]] = HOLE
        elif kind == "content_block_stop":
            index = _index(obj.get("index"))
            for key in self.open_keys():
                if isinstance(key, tuple) and key[0] == index:
                    before.extend(await self._flush(key))
        elif kind in ("message_stop", "error"):
            before.extend(await self.on_end())
        await self.scan(obj)
        if held is not None:
            container, name, key, text, text_kind = held
            container[name] = await self.feed(key, text, kind=text_kind, template={})
        return [*before, with_data(event, obj)]

    async def on_end(self) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        for key in self.open_keys():
            events.extend(await self._flush(key))
        return events

    async def _flush(self, key: Hashable) -> list[SSEEvent]:
        text = await self.finish(key)
        if not text or not isinstance(key, tuple):
            return []
        index, delta_type = key
        self.stats.synthesized_events += 1
        obj = {
            "type": "content_block_delta",
            "index": index,
            "delta": {"type": delta_type, _DELTA_FIELDS[delta_type]: text},
        }
        return [SSEEvent(data=dumps(obj), event="content_block_delta")]
