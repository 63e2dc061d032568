"""DemoUpstream: an OpenAI/Anthropic-compatible echo model that records what it receives."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from qorgan.demo.upstream import LEAK, DemoUpstream


async def _call(app: DemoUpstream, method: str, path: str, body: Any = None
                ) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app),
                                 base_url="http://demo") as client:
        if body is None:
            return await client.request(method, path)
        return await client.request(method, path, json=body)


def _events(raw: str) -> list[tuple[str | None, str]]:
    out = []
    for frame in raw.split("\n\n"):
        if not frame.strip():
            continue
        name = None
        data = ""
        for line in frame.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
        out.append((name, data))
    return out


USER = [{"role": "user", "content": "Hello from Astana"}]
CASES: list[tuple[str, dict[str, Any]]] = [
    ("/v1/chat/completions", {"model": "demo-echo", "messages": USER}),
    ("/v1/completions", {"model": "demo-echo", "prompt": ["Hello from", "Astana"]}),
    ("/v1/responses", {"model": "demo-echo", "input": "Hello from Astana"}),
    ("/v1/messages", {"model": "demo-echo", "max_tokens": 5, "messages": USER}),
]


def _text(path: str, doc: Any) -> str:
    if path.endswith("chat/completions"):
        return str(doc["choices"][0]["message"]["content"])
    if path.endswith("/completions"):
        return str(doc["choices"][0]["text"])
    if path.endswith("responses"):
        return str(doc["output"][0]["content"][0]["text"])
    return str(doc["content"][0]["text"])


def _stream_text(path: str, events: list[tuple[str | None, str]]) -> str:
    parts = []
    for name, data in events:
        if data == "[DONE]":
            continue
        doc = json.loads(data)
        if path.endswith("chat/completions"):
            parts += [c["delta"].get("content") or "" for c in doc["choices"]]
        elif path.endswith("/completions"):
            parts += [c["text"] for c in doc["choices"]]
        elif path.endswith("responses") and name == "response.output_text.delta":
            parts.append(doc["delta"])
        elif name == "content_block_delta":
            parts.append(doc["delta"]["text"])
    return "".join(parts)


@pytest.mark.anyio
@pytest.mark.parametrize(("path", "body"), CASES)
@pytest.mark.parametrize("model", ["demo-echo", "demo-leaky"])
async def test_routes_echo_whole_and_streamed_alike(path: str, body: dict[str, Any],
                                                    model: str) -> None:
    app = DemoUpstream()
    whole = await _call(app, "POST", path, {**body, "model": model})
    assert whole.status_code == 200
    text = _text(path, whole.json())
    assert "Hello from Astana" in text
    assert (LEAK in text) == (model == "demo-leaky")
    streamed = await _call(app, "POST", path, {**body, "model": model, "stream": True})
    assert streamed.headers["content-type"] == "text/event-stream"
    events = _events(streamed.text)
    assert _stream_text(path, events) == text
    assert len(events) > 5  # split over many uneven events
    assert [r.path for r in app.received] == [path, path]
    assert app.received[1].json()["stream"] is True


@pytest.mark.anyio
async def test_chat_with_tools_answers_with_a_tool_call() -> None:
    app = DemoUpstream()
    body = {"model": "demo-echo", "messages": USER,
            "tools": [{"type": "function", "function": {"name": "lookup"}}]}
    doc = (await _call(app, "POST", "/v1/chat/completions", body)).json()
    call = doc["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["name"] == "lookup"
    assert json.loads(call["function"]["arguments"]) == {"query": "Hello from Astana"}
    raw = (await _call(app, "POST", "/v1/chat/completions", {**body, "stream": True})).text
    args = "".join(
        tc["function"].get("arguments", "")
        for _, data in _events(raw) if data != "[DONE]"
        for c in json.loads(data)["choices"] for tc in c["delta"].get("tool_calls", []))
    assert json.loads(args) == {"query": "Hello from Astana"}


@pytest.mark.anyio
async def test_embeddings_are_deterministic() -> None:
    app = DemoUpstream()
    body = {"model": "demo-embed", "input": ["a", "b"]}
    first = (await _call(app, "POST", "/v1/embeddings", body)).json()
    second = (await _call(app, "POST", "/v1/embeddings", body)).json()
    assert first == second
    assert [d["index"] for d in first["data"]] == [0, 1]
    assert first["data"][0]["embedding"] != first["data"][1]["embedding"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "content", "status"),
    [("/v1/chat/completions", b"{nope", 400), ("/v1/chat/completions", b"[1]", 400),
     ("/v1/unknown", b"{}", 404)],
)
async def test_bad_requests(path: str, content: bytes, status: int) -> None:
    app = DemoUpstream()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app),
                                 base_url="http://demo") as client:
        response = await client.post(path, content=content)
    assert response.status_code == status
    assert "error" in response.json()


@pytest.mark.anyio
async def test_record_listing_clearing_and_bound() -> None:
    app = DemoUpstream(max_records=2)
    for i in range(3):
        await _call(app, "POST", "/v1/embeddings", {"input": str(i)})
    listed = (await _call(app, "GET", "/v1/_received")).json()
    assert [json.loads(r["body"])["input"] for r in listed] == ["1", "2"]
    assert listed[0]["headers"]["content-type"] == "application/json"
    assert (await _call(app, "DELETE", "/v1/_received")).json() == {"cleared": True}
    assert app.received == []


@pytest.mark.anyio
async def test_models_listing() -> None:
    doc = (await _call(DemoUpstream(), "GET", "/v1/models")).json()
    assert [m["id"] for m in doc["data"]] == ["demo-echo", "demo-leaky"]
    assert (await _call(DemoUpstream(), "HEAD", "/v1/models")).status_code == 200
