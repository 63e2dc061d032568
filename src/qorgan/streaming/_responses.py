"""OpenAI Responses API streams.

Every ``<prefix>.delta`` event with a string ``delta`` (output text, refusal, function-call
arguments, reasoning text and summaries, ...) feeds the channel ``(prefix, output_index,
content_index, summary_index)``. The matching ``<prefix>.done`` finishes it: held text goes
into one extra ``<prefix>.delta`` event placed before it, and its full-text field is replaced
by the channel's processed text, so ``done``, ``content_part.done``, ``output_item.done`` and
``response.completed`` all repeat exactly what was streamed. A full text whose channel never
streamed is processed whole. Sequence numbers are renumbered to stay consecutive.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from qorgan.protocols.sse import SSEError, SSEEvent
from qorgan.streaming._base import HOLE, Handler, JSONObject, dumps

_FULL_FIELDS = ("text", "arguments", "refusal", "code", "input", "transcript")
_ID_KEYS = ("item_id", "output_index", "content_index", "summary_index")
#: deltas that are not text (base64 audio); their strings go through the field scanner
_NOT_TEXT = frozenset({"response.audio.delta"})
_TERMINAL = frozenset({"response.completed", "response.incomplete", "response.failed", "error"})
_PARTS = {
    "output_text": ("text", "response.output_text"),
    "refusal": ("refusal", "response.refusal"),
    "reasoning_text": ("text", "response.reasoning_text"),
}

#: (container, field, channel key, upstream full text, kind)
_HeldFull = tuple[Any, Any, Hashable, str, str]


def _opt_index(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise SSEError("stream event index is not an integer")
    return value


def _kind(prefix: str) -> str:
    return "json" if "arguments" in prefix else "text"


def _key(prefix: str, obj: JSONObject) -> Hashable:
    return (
        prefix,
        _opt_index(obj.get("output_index")),
        _opt_index(obj.get("content_index")),
        _opt_index(obj.get("summary_index")),
    )


class ResponsesHandler(Handler):
    keep_text = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shift = 0
        self._last_seq: int | None = None

    async def on_event(self, event: SSEEvent, obj: JSONObject | None) -> list[SSEEvent]:
        if obj is None:
            return [*await self.on_end(), event]
        kind = obj.get("type")
        if not isinstance(kind, str):
            kind = event.event or ""
        before: list[SSEEvent] = []
        self.drop_all_logprobs(obj)
        full = next((n for n in _FULL_FIELDS if isinstance(obj.get(n), str)), None)
        if kind.endswith(".delta") and isinstance(obj.get("delta"), str) and kind not in _NOT_TEXT:
            prefix = kind[: -len(".delta")]
            text, obj["delta"] = obj["delta"], HOLE
            self.drop_logprobs(obj, [])
            await self.scan(obj)
            template = {k: obj[k] for k in ("type", *_ID_KEYS) if k in obj}
            key = _key(prefix, obj)
            obj["delta"] = await self.feed(key, text, kind=_kind(prefix), template=template)
        else:
            held: list[_HeldFull] = []
            if kind.endswith(".done") and full is not None:
                prefix = kind[: -len(".done")]
                held.append((obj, full, _key(prefix, obj), obj[full], _kind(prefix)))
                obj[full] = HOLE
                self.drop_logprobs(obj, [])
            else:
                self._hold_parts(kind, obj, held)
            await self.scan(obj)
            for container, name, key, upstream, text_kind in held:
                text, flushed = await self.full_text(key, upstream, kind=text_kind)
                if flushed:
                    before.append(self._delta_event(key, flushed))
                container[name] = text
            if kind in _TERMINAL:
                before.extend(await self.on_end())
        return [*before, self._number(obj, event)]

    async def on_end(self) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        for key in self.open_keys():
            flushed = await self.finish(key)
            if flushed:
                events.append(self._delta_event(key, flushed))
        return events

    def _hold_parts(self, kind: str, obj: JSONObject, held: list[_HeldFull]) -> None:
        output_index = _opt_index(obj.get("output_index"))
        part = obj.get("part")
        if kind.startswith("response.content_part.") and isinstance(part, dict):
            spec = _PARTS.get(str(part.get("type")))
            if spec is not None:
                content_index = _opt_index(obj.get("content_index"))
                self._hold(part, spec[0], (spec[1], output_index, content_index, None), held)
        elif kind.startswith("response.reasoning_summary_part.") and isinstance(part, dict):
            summary_index = _opt_index(obj.get("summary_index"))
            summary_key = ("response.reasoning_summary_text", output_index, None, summary_index)
            self._hold(part, "text", summary_key, held)
        elif kind.startswith("response.output_item.") and isinstance(obj.get("item"), dict):
            self._hold_item(obj["item"], output_index, held)
        elif isinstance(obj.get("response"), dict):
            output = obj["response"].get("output")
            if isinstance(output, list):
                for index, item in enumerate(output):
                    if isinstance(item, dict):
                        self._hold_item(item, index, held)

    def _hold_item(self, item: JSONObject, index: int | None, held: list[_HeldFull]) -> None:
        item_type = item.get("type")
        if item_type == "function_call":
            self._hold(item, "arguments", ("response.function_call_arguments", index, None, None),
                       held)  # fmt: skip
            return
        for part_index, part in enumerate(_list(item.get("content"))):
            spec = _PARTS.get(str(part.get("type")))
            if spec is not None:
                self._hold(part, spec[0], (spec[1], index, part_index, None), held)
        if item_type == "reasoning":
            for summary_index, part in enumerate(_list(item.get("summary"))):
                key = ("response.reasoning_summary_text", index, None, summary_index)
                self._hold(part, "text", key, held)

    @staticmethod
    def _hold(container: JSONObject, name: str, key: Hashable, held: list[_HeldFull]) -> None:
        value = container.get(name)
        if isinstance(value, str):
            kind = _kind(str(key[0])) if isinstance(key, tuple) else "text"
            held.append((container, name, key, value, kind))
            container[name] = HOLE

    def _delta_event(self, key: Hashable, text: str) -> SSEEvent:
        channel = self.channels[key]
        obj = dict(channel.template)
        if not isinstance(key, tuple):
            raise SSEError("unexpected channel key")
        obj["type"] = f"{key[0]}.delta"
        obj["delta"] = text
        if key[0] == "response.output_text":
            obj["logprobs"] = []
        self.stats.synthesized_events += 1
        return self._number(obj, None)

    def _number(self, obj: JSONObject, event: SSEEvent | None) -> SSEEvent:
        if event is None:
            # An inserted event takes the next number; later upstream numbers shift by one.
            if self._last_seq is not None:
                self._last_seq += 1
                self._shift += 1
                obj["sequence_number"] = self._last_seq
            return SSEEvent(data=dumps(obj), event=str(obj["type"]))
        seq = obj.get("sequence_number")
        if isinstance(seq, int) and not isinstance(seq, bool):
            self._last_seq = seq + self._shift
            obj["sequence_number"] = self._last_seq
        return SSEEvent(data=dumps(obj), event=event.event, id=event.id, retry=event.retry)


def _list(value: Any) -> list[JSONObject]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
