"""A tiny OpenAI- and Anthropic-compatible model for demos and tests.

It answers by echoing and paraphrasing what it received, so a reader can see what crossed
to it; it records every request (method, path, headers, body) so tests can assert exactly
what the upstream saw. With ``"model": "demo-leaky"`` it also "remembers" a person's
contact details it was never sent, the way a real model can reveal memorized data; with
``"model": "demo-short"`` it answers one short sentence instead of echoing (benchmarks).

Routes (under any prefix): ``chat/completions``, ``completions``, ``embeddings``,
``responses``, ``messages``; ``GET /_received`` returns the recorded requests and
``DELETE /_received`` clears them. Every route streams when the request says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from qorgan.types import Receive, Scope, Send

LEAK = "By the way, our branch manager Dana Ospanova answers at dana.ospanova@example.kz."
_CHUNK = re.compile(r".{1,7}", re.S)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    query: str = ""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class DemoUpstream:
    """An ASGI app. ``received`` holds every request, newest last (bounded)."""

    received: list[Recorded] = field(default_factory=list)
    max_records: int = 1000
    #: characters per streamed event (the split is deliberately uneven)
    chunk_sizes: tuple[int, ...] = (3, 7, 2, 5, 11, 1, 4)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        path: str = scope["path"]
        method: str = scope["method"]
        if path.endswith("/_received"):
            if method == "DELETE":
                self.received.clear()
                await _json(send, 200, {"cleared": True})
            else:
                await _json(send, 200, [
                    {"method": r.method, "path": r.path, "headers": r.headers,
                     "body": r.body.decode("utf-8", "replace")} for r in self.received])
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope.get("query_string", b"").decode("latin-1")
        self.received.append(Recorded(method, path, headers, body, query))
        del self.received[:-self.max_records]
        if path.endswith("/models") and method in {"GET", "HEAD"}:
            await _json(send, 200, {"object": "list", "data": [
                {"id": "demo-echo", "object": "model", "owned_by": "qorgan"},
                {"id": "demo-leaky", "object": "model", "owned_by": "qorgan"}]})
            return
        try:
            request = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            await _json(send, 400, {"error": {"message": "invalid JSON", "type": "invalid"}})
            return
        if not isinstance(request, dict):
            await _json(send, 400, {"error": {"message": "not an object", "type": "invalid"}})
            return
        route = path.rstrip("/").rsplit("/", 2)
        name = "/".join(route[-2:]) if route[-1] == "completions" and route[-2] == "chat" \
            else route[-1]
        handler = _ROUTES.get(name)
        if handler is None:
            await _json(send, 404, {"error": {"message": "unknown route", "type": "invalid"}})
            return
        await handler(self, request, send)

    def _split(self, text: str) -> list[str]:
        parts: list[str] = []
        i = 0
        k = 0
        while i < len(text):
            size = self.chunk_sizes[k % len(self.chunk_sizes)]
            parts.append(text[i:i + size])
            i += size
            k += 1
        return parts

    async def _chat(self, request: dict[str, Any], send: Send) -> None:
        model = str(request.get("model", "demo-echo"))
        text = _reply(_last_user_text(request.get("messages", [])), model)
        tools = request.get("tools") or []
        tool_call: dict[str, Any] | None = None
        if tools and isinstance(tools[0], dict):
            fn = tools[0].get("function", {}).get("name", "tool")
            tool_call = {"id": "call_demo1", "type": "function",
                         "function": {"name": fn,
                                      "arguments": json.dumps({"query": _last_user_text(
                                          request.get("messages", []))}, ensure_ascii=False)}}
        usage = {"prompt_tokens": 11, "completion_tokens": len(text.split()),
                 "total_tokens": 11 + len(text.split())}
        if request.get("stream"):
            base = {"id": "chatcmpl-demo", "object": "chat.completion.chunk", "created": 0,
                    "model": model}
            events = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant",
                                                                  "content": ""}}]}]
            events += [{**base, "choices": [{"index": 0, "delta": {"content": part}}]}
                       for part in self._split(text)]
            if tool_call is not None:
                args = tool_call["function"]["arguments"]
                head = {**tool_call, "function": {"name": tool_call["function"]["name"],
                                                  "arguments": ""}}
                events.append({**base, "choices": [{"index": 0, "delta": {
                    "tool_calls": [{"index": 0, **head}]}}]})
                events += [{**base, "choices": [{"index": 0, "delta": {"tool_calls": [
                    {"index": 0, "function": {"arguments": part}}]}}]}
                    for part in self._split(args)]
            events.append({**base, "choices": [{"index": 0, "delta": {},
                                                "finish_reason": "stop"}]})
            if request.get("stream_options", {}).get("include_usage"):
                events.append({**base, "choices": [], "usage": usage})
            await _sse(send, [(None, json.dumps(e, ensure_ascii=False)) for e in events]
                       + [(None, "[DONE]")])
            return
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if tool_call is not None:
            message["tool_calls"] = [tool_call]
        await _json(send, 200, {"id": "chatcmpl-demo", "object": "chat.completion",
                                "created": 0, "model": model,
                                "choices": [{"index": 0, "message": message,
                                             "finish_reason": "stop"}], "usage": usage})

    async def _completions(self, request: dict[str, Any], send: Send) -> None:
        prompt = request.get("prompt", "")
        prompt = prompt if isinstance(prompt, str) else " ".join(map(str, prompt))
        model = str(request.get("model", "demo-echo"))
        text = _reply(prompt, model)
        if request.get("stream"):
            base = {"id": "cmpl-demo", "object": "text_completion", "created": 0,
                    "model": model}
            events = [{**base, "choices": [{"index": 0, "text": part, "finish_reason": None}]}
                      for part in self._split(text)]
            events.append({**base, "choices": [{"index": 0, "text": "",
                                                "finish_reason": "stop"}]})
            await _sse(send, [(None, json.dumps(e, ensure_ascii=False)) for e in events]
                       + [(None, "[DONE]")])
            return
        await _json(send, 200, {"id": "cmpl-demo", "object": "text_completion", "created": 0,
                                "model": model, "choices": [{"index": 0, "text": text,
                                                             "finish_reason": "stop"}]})

    async def _embeddings(self, request: dict[str, Any], send: Send) -> None:
        inputs = request.get("input", "")
        items = inputs if isinstance(inputs, list) else [inputs]
        data = []
        for i, item in enumerate(items):
            digest = hashlib.sha256(json.dumps(item, ensure_ascii=False).encode()).digest()
            data.append({"object": "embedding", "index": i,
                         "embedding": [round(b / 255, 4) for b in digest[:8]]})
        await _json(send, 200, {"object": "list", "data": data,
                                "model": request.get("model", "demo-embed"),
                                "usage": {"prompt_tokens": 1, "total_tokens": 1}})

    async def _responses(self, request: dict[str, Any], send: Send) -> None:
        raw = request.get("input", "")
        said = raw if isinstance(raw, str) else _last_user_text(raw)
        model = str(request.get("model", "demo-echo"))
        text = _reply(said, model)
        item = {"id": "msg_demo", "type": "message", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": []}]}
        final = {"id": "resp_demo", "object": "response", "status": "completed",
                 "model": model, "output": [item],
                 "usage": {"input_tokens": 11, "output_tokens": len(text.split()),
                           "total_tokens": 11 + len(text.split())}}
        if request.get("stream"):
            events: list[tuple[str | None, str]] = []
            created = {**final, "status": "in_progress", "output": []}
            events.append(("response.created", json.dumps(
                {"type": "response.created", "response": created}, ensure_ascii=False)))
            # the item and content-part events SDK stream helpers accumulate from
            empty_item = {**item, "status": "in_progress", "content": []}
            empty_part = {"type": "output_text", "text": "", "annotations": []}
            events.append(("response.output_item.added", json.dumps(
                {"type": "response.output_item.added", "output_index": 0,
                 "item": empty_item})))
            events.append(("response.content_part.added", json.dumps(
                {"type": "response.content_part.added", "item_id": "msg_demo",
                 "output_index": 0, "content_index": 0, "part": empty_part})))
            for part in self._split(text):
                events.append(("response.output_text.delta", json.dumps(
                    {"type": "response.output_text.delta", "item_id": "msg_demo",
                     "output_index": 0, "content_index": 0, "delta": part},
                    ensure_ascii=False)))
            events.append(("response.output_text.done", json.dumps(
                {"type": "response.output_text.done", "item_id": "msg_demo",
                 "output_index": 0, "content_index": 0, "text": text}, ensure_ascii=False)))
            events.append(("response.content_part.done", json.dumps(
                {"type": "response.content_part.done", "item_id": "msg_demo",
                 "output_index": 0, "content_index": 0,
                 "part": item["content"][0]}, ensure_ascii=False)))
            events.append(("response.output_item.done", json.dumps(
                {"type": "response.output_item.done", "output_index": 0, "item": item},
                ensure_ascii=False)))
            events.append(("response.completed", json.dumps(
                {"type": "response.completed", "response": final}, ensure_ascii=False)))
            await _sse(send, events)
            return
        await _json(send, 200, final)

    async def _messages(self, request: dict[str, Any], send: Send) -> None:
        model = str(request.get("model", "demo-echo"))
        text = _reply(_last_user_text(request.get("messages", [])), model)
        usage = {"input_tokens": 11, "output_tokens": len(text.split())}
        if request.get("stream"):
            message: dict[str, Any] = {"id": "msg_demo", "type": "message", "role": "assistant",
                       "model": model, "content": [], "stop_reason": None,
                       "usage": {"input_tokens": 11, "output_tokens": 0}}
            events: list[tuple[str | None, str]] = [
                ("message_start", json.dumps({"type": "message_start", "message": message})),
                ("content_block_start", json.dumps({
                    "type": "content_block_start", "index": 0,
                    "content_block": {"type": "text", "text": ""}})),
                ("ping", json.dumps({"type": "ping"})),
            ]
            for part in self._split(text):
                events.append(("content_block_delta", json.dumps({
                    "type": "content_block_delta", "index": 0,
                    "delta": {"type": "text_delta", "text": part}}, ensure_ascii=False)))
            events.append(("content_block_stop", json.dumps(
                {"type": "content_block_stop", "index": 0})))
            events.append(("message_delta", json.dumps({
                "type": "message_delta", "delta": {"stop_reason": "end_turn"},
                "usage": {"output_tokens": usage["output_tokens"]}})))
            events.append(("message_stop", json.dumps({"type": "message_stop"})))
            await _sse(send, events)
            return
        await _json(send, 200, {"id": "msg_demo", "type": "message", "role": "assistant",
                                "model": model, "content": [{"type": "text", "text": text}],
                                "stop_reason": "end_turn", "usage": usage})


def _reply(said: str, model: str) -> str:
    if model == "demo-short":
        return "Noted. I will follow up on this request shortly."
    text = f"You wrote: {said.strip()}\nI have noted it and will follow up."
    if model == "demo-leaky":
        text += "\n" + LEAK
    return text


def _last_user_text(messages: Any) -> str:
    if not isinstance(messages, list):
        return ""
    for message in reversed(messages):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return " ".join(str(p.get("text", "")) for p in content
                            if isinstance(p, dict) and p.get("type") in {"text", "input_text"})
    return ""


async def _json(send: Send, status: int, body: Any) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


async def _sse(send: Send, events: Sequence[tuple[str | None, str]]) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/event-stream"),
                            (b"cache-control", b"no-cache")]})
    async for chunk in _frames(events):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _frames(events: Sequence[tuple[str | None, str]]) -> AsyncIterator[bytes]:
    for name, data in events:
        frame = (f"event: {name}\n" if name else "") + f"data: {data}\n\n"
        yield frame.encode()


_ROUTES = {
    "chat/completions": DemoUpstream._chat,
    "completions": DemoUpstream._completions,
    "embeddings": DemoUpstream._embeddings,
    "responses": DemoUpstream._responses,
    "messages": DemoUpstream._messages,
}
