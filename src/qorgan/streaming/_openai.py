"""OpenAI chat completions and completions streams.

Channels: ``(choice, field)`` for every string field of ``choices[].delta`` except ``role``
(``content``, ``refusal``, ``reasoning_content``, ...), ``(choice, "tool_calls", i)`` for
``delta.tool_calls[i].function.arguments``, ``(choice, "function_call", 0)`` for the legacy
``delta.function_call.arguments``, ``(choice, "audio", "transcript")`` for
``delta.audio.transcript`` (a spoken answer's text, held back like any text) and
``(choice, "text")`` for completions. An upstream error
object mid-stream is preceded by the text still held. Text held
at a ``finish_reason`` is appended to that chunk; text still held at ``[DONE]`` or at the end
of the stream goes into one extra chunk built from the last chunk's id, model and created.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from qorgan.protocols.sse import SSEError, SSEEvent
from qorgan.streaming._base import HOLE, Handler, JSONObject, dumps, is_protocol_word

_TEMPLATE_KEYS = ("id", "object", "created", "model", "system_fingerprint", "service_tier")

#: (container, field, channel key, text, kind)
_HeldField = tuple[JSONObject, str, Hashable, str, str]


def with_data(event: SSEEvent, obj: JSONObject) -> SSEEvent:
    return SSEEvent(data=dumps(obj), event=event.event, id=event.id, retry=event.retry)


def _index(value: Any) -> int:
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool):
        raise SSEError("stream event index is not an integer")
    return value


class ChatHandler(Handler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._template: JSONObject = {}

    async def on_event(self, event: SSEEvent, obj: JSONObject | None) -> list[SSEEvent]:
        if obj is None:
            return [*await self.on_end(), event]
        held: list[_HeldField] = []
        finishing: list[tuple[int, JSONObject]] = []
        choices = obj.get("choices")
        if isinstance(choices, list):
            for choice in choices:
                if not isinstance(choice, dict):
                    continue
                index = _index(choice.get("index"))
                self.drop_logprobs(choice, None)
                self._hold(index, choice, held)
                if choice.get("finish_reason") is not None:
                    finishing.append((index, choice))
        before = await self.on_end() if "error" in obj else []
        await self.scan(obj)
        self._template = {key: obj[key] for key in _TEMPLATE_KEYS if key in obj}
        for container, name, key, text, kind in held:
            container[name] = await self.feed(key, text, kind=kind, template=self._template)
        for index, choice in finishing:
            for key in self.open_keys():
                if isinstance(key, tuple) and key[0] == index:
                    text = await self.finish(key)
                    if text:
                        self._put(choice, key, text)
        return [*before, with_data(event, obj)]

    async def on_end(self) -> list[SSEEvent]:
        by_choice: dict[int, JSONObject] = {}
        for key in self.open_keys():
            text = await self.finish(key)
            if text and isinstance(key, tuple):
                index = key[0]
                self._put(by_choice.setdefault(index, self._empty_choice(index)), key, text)
        if not by_choice:
            return []
        self.stats.synthesized_events += 1
        return [SSEEvent(data=dumps({**self._template, "choices": list(by_choice.values())}))]

    # -- protocol specifics (completions override these) ---------------------------------

    def _hold(self, index: int, choice: JSONObject, held: list[_HeldField]) -> None:
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            return
        for name, value in delta.items():
            # a field named like anything but a protocol word is scanned as a field, so a
            # key that is renamed by the scan is never written back
            if name != "role" and isinstance(value, str) and is_protocol_word(name):
                held.append((delta, name, (index, name), value, "text"))
                delta[name] = HOLE
        audio = delta.get("audio")
        if isinstance(audio, dict) and isinstance(audio.get("transcript"), str):
            key: tuple[Any, ...] = (index, "audio", "transcript")
            held.append((audio, "transcript", key, audio["transcript"], "text"))
            audio["transcript"] = HOLE
        legacy = delta.get("function_call")
        if isinstance(legacy, dict) and isinstance(legacy.get("arguments"), str):
            key = (index, "function_call", 0)
            held.append((legacy, "arguments", key, legacy["arguments"], "json"))
            legacy["arguments"] = HOLE
        calls = delta.get("tool_calls")
        if not isinstance(calls, list):
            return
        for call in calls:
            if not isinstance(call, dict):
                continue
            function = call.get("function")
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                key = (index, "tool_calls", _index(call.get("index")))
                held.append((function, "arguments", key, function["arguments"], "json"))
                function["arguments"] = HOLE

    def _empty_choice(self, index: int) -> JSONObject:
        return {"index": index, "delta": {}, "logprobs": None, "finish_reason": None}

    def _put(self, choice: JSONObject, key: tuple[Any, ...], text: str) -> None:
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            delta = choice["delta"] = {}
        if len(key) == 2:
            current = delta.get(key[1])
            delta[key[1]] = (current if isinstance(current, str) else "") + text
            return
        if key[1] == "audio":
            audio = delta.get("audio")
            if not isinstance(audio, dict):
                audio = delta["audio"] = {}
            current = audio.get("transcript")
            audio["transcript"] = (current if isinstance(current, str) else "") + text
            return
        if key[1] == "function_call":
            legacy = delta.get("function_call")
            if not isinstance(legacy, dict):
                legacy = delta["function_call"] = {}
            current = legacy.get("arguments")
            legacy["arguments"] = (current if isinstance(current, str) else "") + text
            return
        calls = delta.get("tool_calls")
        if not isinstance(calls, list):
            calls = delta["tool_calls"] = []
        for call in calls:
            if isinstance(call, dict) and _index(call.get("index")) == key[2]:
                function = call.get("function")
                if not isinstance(function, dict):
                    function = call["function"] = {}
                current = function.get("arguments")
                function["arguments"] = (current if isinstance(current, str) else "") + text
                return
        calls.append({"index": key[2], "function": {"arguments": text}})


class CompletionsHandler(ChatHandler):
    def _hold(self, index: int, choice: JSONObject, held: list[_HeldField]) -> None:
        text = choice.get("text")
        if isinstance(text, str):
            held.append((choice, "text", (index, "text"), text, "text"))
            choice["text"] = HOLE

    def _empty_choice(self, index: int) -> JSONObject:
        return {"index": index, "text": "", "logprobs": None, "finish_reason": None}

    def _put(self, choice: JSONObject, key: tuple[Any, ...], text: str) -> None:
        current = choice.get("text")
        choice["text"] = (current if isinstance(current, str) else "") + text
