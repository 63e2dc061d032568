"""Every string the upstream receives was scanned or proven not to be text: data URLs,
values cut into many texts, structural fields and object keys, through ``qorgan serve``
(the real proxy under uvicorn on loopback, recording DemoUpstream, the deployed detector)
and through ``GuardMiddleware``."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio

_spec = importlib.util.spec_from_file_location(
    "traffic_fixtures", Path(__file__).parents[1] / "traffic_fixtures.py")
assert _spec is not None
assert _spec.loader is not None
tf = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("traffic_fixtures", tf)
_spec.loader.exec_module(tf)

EMAIL, IIN, IBAN, PHONE = tf.EMAIL, tf.IIN, tf.IBAN, tf.PHONE
RAW = (EMAIL, IIN, IBAN, PHONE, "aigerim.serikova")
PROSE = f"Client {EMAIL}, IIN {IIN}, account {IBAN}."
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def b64(data: str | bytes, encoding: str = "utf-8") -> str:
    raw = data.encode(encoding) if isinstance(data, str) else data
    return base64.b64encode(raw).decode()


def data_url(media: str, data: str | bytes, encoding: str = "utf-8") -> str:
    return f"data:{media};base64,{b64(data, encoding)}"


def user(*content: Any) -> list[dict[str, Any]]:
    """One user message: a string, or the parts given."""
    if len(content) == 1 and isinstance(content[0], str):
        return [{"role": "user", "content": content[0]}]
    return [{"role": "user", "content": list(content)}]


def chat(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"model": "demo-echo", "messages": messages, **extra}


def text_part(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def anthropic(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"model": "demo-echo", "max_tokens": 16, "messages": messages, **extra}


def call(call_id: str, arguments: str = "{}") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": "f", "arguments": arguments}}


# -- what the upstream saw ---------------------------------------------------------------


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


_B64 = re.compile(r"[A-Za-z0-9+/_\-]{8,}={0,2}")


def readable(body: bytes) -> str:
    """Everything in a forwarded body a reader could get at: the strings as sent, every
    base64 payload decoded (as UTF-8 and as UTF-16), and tool-call arguments parsed."""
    doc = json.loads(body)
    out: list[str] = []
    for value in _strings(doc):
        out.append(value)
        payload = value.partition(";base64,")[2] if value.startswith("data:") else value
        for run in _B64.findall(payload):
            try:
                raw = base64.b64decode(run + "=" * (-len(run) % 4))
            except ValueError:
                continue
            out.extend(raw.decode(enc, "ignore") for enc in ("utf-8", "utf-16-le"))
    return "\n".join(out)


def glued(body: bytes) -> str:
    """The texts of a forwarded body glued end to end, as a model may read them."""
    doc = json.loads(body)

    def texts(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("content", "text") and isinstance(value, str):
                    yield value
                else:
                    yield from texts(value)
        elif isinstance(node, list):
            for value in node:
                yield from texts(value)

    return "".join(texts(doc))


# -- one stack per kind --------------------------------------------------------------------


@dataclass
class Guarded:
    client: httpx.AsyncClient
    received: list[Any]


_PROXY: Any = None


@asynccontextmanager
async def guarded(kind: str, make_stack: Any) -> AsyncIterator[Guarded]:
    global _PROXY
    if kind == "proxy":
        if _PROXY is None:
            _PROXY = tf.proxy()
        _, server = _PROXY
        upstream, _ = tf.demo()
        async with httpx.AsyncClient(base_url=server.url, timeout=60.0) as client:
            since = len(upstream.received)

            class View(list[Any]):
                def __iter__(self) -> Iterator[Any]:
                    return iter(upstream.received[since:])

                def __len__(self) -> int:
                    return len(upstream.received) - since

            yield Guarded(client, View())
    else:
        async with make_stack(kind) as stack:
            yield Guarded(stack.client, stack.demo.received)


KINDS = ("proxy", "middleware")

# (case, route, body, expected: "scrubbed" | an error code)
SCRUBBED = "scrubbed"
CASES: list[tuple[str, str, dict[str, Any], str]] = [
    # 1. data URLs: only a payload of the declared binary type is skipped
    ("data-url-text-in-chat", "chat/completions",
     chat(user(text_part("see"), {"type": "image_url", "image_url": {
         "url": data_url("image/png", PROSE)}})), SCRUBBED),
    ("data-url-plain-in-content", "chat/completions",
     chat(user(data_url("text/plain", PROSE))), SCRUBBED),
    ("data-url-json-in-file", "chat/completions",
     chat(user({"type": "file", "file": {"filename": "a.json", "file_data": data_url(
         "application/json", json.dumps({"email": EMAIL, "iin": IIN}))}})), SCRUBBED),
    ("data-url-utf16-prose", "chat/completions",
     chat(user(data_url("image/png", PROSE, "utf-16-le"))), SCRUBBED),
    ("data-url-in-tool-arguments", "chat/completions",
     chat([*user("hi"), {"role": "assistant", "tool_calls": [
         call("call_1", json.dumps({"doc": data_url("text/plain", PROSE)}))]},
         {"role": "tool", "tool_call_id": "call_1", "content": data_url("x/y", PROSE)}]),
     SCRUBBED),
    ("data-url-anthropic-system", "messages",
     anthropic(user("hi"), system=[{"type": "text", "text": data_url("text/plain", PROSE)}]),
     SCRUBBED),
    ("data-url-responses-input", "responses",
     {"model": "demo-echo", "input": [{"role": "user", "content": [
         {"type": "input_text", "text": data_url("x/y", PROSE)}]}]}, SCRUBBED),
    ("data-url-embeddings", "embeddings",
     {"model": "demo-embed", "input": [data_url("text/plain", PROSE)]}, SCRUBBED),
    # arrays of numbers are skipped whole: text beside or among them is still read
    ("text-beside-token-ids", "embeddings",
     {"model": "demo-embed", "input": [[101, 2023, 102], PROSE]}, SCRUBBED),
    ("text-among-token-ids", "embeddings",
     {"model": "demo-embed", "input": [101, 2023, PROSE, 102]}, SCRUBBED),
    ("data-url-legacy-encoding", "chat/completions",
     chat(user(data_url("image/png", f"ИИН {IIN} Айгерим", "cp1251"))),
     "unverifiable_binary"),
    # 2. values cut into three or more pieces
    ("iin-in-three-parts", "chat/completions",
     chat(user(text_part("IIN 9011"), text_part("2330"), text_part("0258"))), SCRUBBED),
    ("iin-as-twelve-messages", "chat/completions",
     chat([{"role": "user", "content": d} for d in IIN]), SCRUBBED),
    ("email-in-five-messages", "chat/completions",
     chat([{"role": "user", "content": p} for p in
           ("aige", "rim.se", "rikova@", "mail.", "kz")]), SCRUBBED),
    ("card-in-four-parts", "chat/completions",
     chat(user(*(text_part(p) for p in ("card 4111", " 1111 ", "1111", " 1111")))), SCRUBBED),
    ("iin-around-a-space", "chat/completions",
     chat(user(text_part("IIN 901123"), text_part(" "), text_part("300258"))), SCRUBBED),
    # 3. structural fields: checked against their shape
    ("audio-data-holding-text", "chat/completions",
     chat(user({"type": "input_audio", "input_audio": {"data": b64(PROSE), "format": "wav"}})),
     SCRUBBED),
    ("file-data-plain-text", "chat/completions",
     chat(user({"type": "file", "file": {"file_data": PROSE}})), SCRUBBED),
    ("file-id-email", "chat/completions",
     chat(user({"type": "file", "file": {"file_id": f"file-{EMAIL}"}})), SCRUBBED),
    ("file-id-iin", "chat/completions",
     chat(user({"type": "file", "file": {"file_id": IIN}})), "personal_data_in_id"),
    ("role-sentence", "chat/completions",
     chat([{"role": f"user {EMAIL}", "content": "hi"}]), SCRUBBED),
    ("tool-call-id-iin", "chat/completions",
     chat([*user("hi"), {"role": "assistant", "tool_calls": [call(f"call_{IIN}")]},
           {"role": "tool", "tool_call_id": f"call_{IIN}", "content": "ok"}]),
     "personal_data_in_id"),
    ("tool-choice-text", "chat/completions", chat(user("hi"), tool_choice=EMAIL), SCRUBBED),
    ("function-call-text", "chat/completions", chat(user("hi"), function_call=IIN), SCRUBBED),
    ("model-email", "chat/completions", {**chat(user("hi")), "model": EMAIL},
     "personal_data_in_id"),
    ("stream-options", "chat/completions",
     chat(user("hi"), stream_options={"note": EMAIL}), SCRUBBED),
    ("audio-voice", "chat/completions",
     chat(user("hi"), audio={"voice": f"IIN {IIN}", "format": "wav"}), SCRUBBED),
    ("modalities", "chat/completions", chat(user("hi"), modalities=[IIN]), SCRUBBED),
    ("reasoning-effort", "chat/completions", chat(user("hi"), reasoning_effort=IBAN),
     SCRUBBED),
    ("service-tier", "chat/completions", chat(user("hi"), service_tier=EMAIL), SCRUBBED),
    ("schema-name", "chat/completions",
     chat(user("hi"), response_format={"type": "json_schema", "json_schema": {
         "name": IBAN, "schema": {"type": "object"}}}), "personal_data_in_id"),
    ("schema-required-id-format", "chat/completions",
     chat(user("hi"), tools=[{"type": "function", "function": {"name": "f", "parameters": {
         "$id": f"https://x.example/{EMAIL}", "type": "object", "format": EMAIL,
         "required": [EMAIL]}}}]), SCRUBBED),
    ("responses-call-id", "responses",
     {"model": "demo-echo", "input": [{"type": "function_call_output",
                                       "call_id": f"call_{IIN}", "output": "ok"}]},
     "personal_data_in_id"),
    ("responses-item-id", "responses",
     {"model": "demo-echo", "input": [{"type": "message", "id": IBAN, "role": "user",
                                       "content": "hi"}]}, "personal_data_in_id"),
    ("responses-status-include-truncation", "responses",
     {"model": "demo-echo", "input": [{"type": "message", "role": "user", "content": "hi",
                                       "status": EMAIL}],
      "include": [EMAIL], "truncation": IIN}, SCRUBBED),
    ("responses-previous-and-prompt", "responses",
     {"model": "demo-echo", "input": "hi", "previous_response_id": f"resp_{EMAIL}",
      "prompt": {"id": f"pmpt_{IIN}"}}, "personal_data_in_id"),
    ("anthropic-block-id", "messages",
     anthropic([*user("hi"), {"role": "assistant", "content": [
         {"type": "tool_use", "id": EMAIL, "name": "f", "input": {}}]}]), SCRUBBED),
    ("anthropic-tool-use-id", "messages",
     anthropic([{"role": "user", "content": [
         {"type": "tool_result", "tool_use_id": f"toolu_{IIN}", "content": "ok"}]}]),
     "personal_data_in_id"),
    ("anthropic-signature", "messages",
     anthropic([*user("hi"), {"role": "assistant", "content": [
         {"type": "thinking", "thinking": "hm", "signature": IIN}]}]), "personal_data_in_id"),
    ("anthropic-source-holding-text", "messages",
     anthropic([{"role": "user", "content": [{"type": "image", "source": {
         "type": "base64", "media_type": "image/png", "data": b64(PROSE)}}]}]), SCRUBBED),
    ("anthropic-redacted-thinking", "messages",
     anthropic([*user("hi"), {"role": "assistant", "content": [
         {"type": "redacted_thinking", "data": b64(PROSE)}]}]), SCRUBBED),
    ("anthropic-mcp-server-name", "messages",
     anthropic(user("hi"), mcp_servers=[{"type": "url", "url": "https://mcp.example",
                                         "name": EMAIL}]), SCRUBBED),
    # JSON keys: identifier-shaped ones too
    ("iban-key", "chat/completions", chat(user("hi"), metadata={IBAN: "x"}),
     "personal_data_in_key"),
    ("token-key", "chat/completions",
     chat(user("hi"), metadata={"ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2: "x"}),
     "personal_data_in_key"),
    ("iin-key-in-tool-arguments", "chat/completions",
     chat([*user("hi"), {"role": "assistant", "tool_calls": [
         call("call_1", json.dumps({f"iin_{IIN}": 1}))]}]), "personal_data_in_key"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "route", "body", "expected"), CASES,
                         ids=[c[0] for c in CASES])
async def test_no_raw_value_reaches_the_upstream(
    make_stack: Any, error_of: Any, kind: str, case: str, route: str, body: dict[str, Any],
    expected: str,
) -> None:
    async with guarded(kind, make_stack) as guard:
        response = await guard.client.post(f"/v1/{route}", json=body)
        if expected != SCRUBBED:
            assert 400 <= response.status_code < 500, response.text
            assert error_of(response)[0] == expected
            assert len(guard.received) == 0
            assert not tf.leaked([response.text], RAW)
            return
        assert response.status_code == 200, response.text
        (record,) = list(guard.received)
        seen = readable(record.body)
        assert not tf.leaked([seen, glued(record.body)], RAW), case


@pytest.mark.parametrize("kind", KINDS)
async def test_a_joint_replaces_only_the_value(make_stack: Any, kind: str) -> None:
    body = chat(user(text_part("You are a helpful assistant"),
                     text_part(f"{EMAIL} wrote to us")))
    async with guarded(kind, make_stack) as guard:
        response = await guard.client.post("/v1/chat/completions", json=body)
        assert response.status_code == 200, response.text
        (record,) = list(guard.received)
        parts = [p["text"] for p in record.json()["messages"][0]["content"]]
        assert parts == ["You are a helpful assistant", "<EMAIL_ADDRESS_1> wrote to us"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "url"), [
    ("png", data_url("image/png", PNG)),
    ("jpeg", data_url("image/jpeg", bytes.fromhex("ffd8ffe000104a46494600010100"))),
    ("pdf", data_url("application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")),
])
async def test_binary_of_the_declared_type_is_forwarded_as_sent(
    make_stack: Any, kind: str, case: str, url: str
) -> None:
    body = chat(user(text_part("describe"), {"type": "image_url", "image_url": {"url": url}}))
    async with guarded(kind, make_stack) as guard:
        response = await guard.client.post("/v1/chat/completions", json=body)
        assert response.status_code == 200, response.text
        (record,) = list(guard.received)
        assert record.json()["messages"][0]["content"][1]["image_url"]["url"] == url


@pytest.mark.parametrize("kind", KINDS)
async def test_a_text_payload_is_transformed_inside_and_encoded_again(
    make_stack: Any, kind: str
) -> None:
    body = chat(user(data_url("text/plain;charset=utf-8", PROSE)))
    async with guarded(kind, make_stack) as guard:
        response = await guard.client.post("/v1/chat/completions", json=body)
        assert response.status_code == 200, response.text
        (record,) = list(guard.received)
        sent = record.json()["messages"][0]["content"]
        head, _, payload = sent.partition(",")
        assert head == "data:text/plain;charset=utf-8;base64"
        text = base64.b64decode(payload).decode()
        assert "<EMAIL_ADDRESS_1>" in text
        assert "<KZ_IIN_1>" in text
        assert not tf.leaked([text], RAW)
