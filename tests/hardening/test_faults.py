"""Failures of protective steps and of the upstream: the guard fails closed with a code and
forwards nothing, unless the policy says ``on_error: allow`` (then the request goes through
unchanged, as documented)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from qorgan.consent.postgres import PostgresRegistry
from qorgan.consent.sqlite import SqliteRegistry
from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector
from qorgan.transform import Keyring, RedisVault
from qorgan.types import Receive, Scope, Send

pytestmark = pytest.mark.anyio

KINDS = ("proxy", "middleware")
EMAIL = "fault.victim@example.kz"
IIN = "901123300258"
TEXT = f"Contact {EMAIL}, IIN {IIN}, about the refund."
CHAT = {"model": "demo-echo", "messages": [{"role": "user", "content": TEXT}]}
CONSENT_POLICY = {
    "purposes": ["support"],
    "rules": [
        {"id": "contact-with-consent", "categories": ["contact", "national_id"],
         "require_consent": True, "action": "allow", "consent_fallback": "pseudonymize"},
        {"id": "default", "action": "pseudonymize"},
    ],
}
CONSENT_HEADERS = {"x-qorgan-subject": "customer-77", "x-qorgan-purpose": "support"}


class FailingDetector(Detector):
    def analyze_batch(self, texts: Any) -> list[list[Any]]:
        raise RuntimeError(f"boom {texts}")  # the text must not escape into any response


class StuckDetector(Detector):
    release = threading.Event()

    def analyze_batch(self, texts: Any) -> list[list[Any]]:
        self.release.wait(5)
        return [[] for _ in texts]


def failing(config: DetectionConfig) -> Detector:
    return FailingDetector(config, ner_backends=[])


def stuck(config: DetectionConfig) -> Detector:
    return StuckDetector(config, ner_backends=[])


def assert_nothing_raw(stack: Any, response: httpx.Response) -> None:
    for raw in (EMAIL, IIN):
        assert raw not in response.text
        assert all(raw not in seen for seen in stack.forwarded)


@pytest.fixture
def release_stuck() -> Any:
    StuckDetector.release.clear()
    yield
    StuckDetector.release.set()


# -- protective steps ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("factory", "settings", "code"), [
    (failing, {}, "detection_failed"),
    (stuck, {"detect_timeout": 0.2}, "detection_timeout"),
], ids=["exception", "timeout"])
async def test_detector_failure_fails_closed(
    make_stack: Any, error_of: Any, release_stuck: Any, kind: str,
    factory: Callable[[DetectionConfig], Detector], settings: dict[str, Any], code: str,
) -> None:
    async with make_stack(kind, detector_factory=factory, settings=settings) as stack:
        response = await stack.post("chat/completions", CHAT)
        assert response.status_code == 503
        assert error_of(response)[0] == code
        assert stack.forwarded == []
        assert_nothing_raw(stack, response)


@pytest.mark.parametrize("kind", KINDS)
async def test_on_error_allow_forwards_unchanged(make_stack: Any, kind: str) -> None:
    """Documented: ``on_error: allow`` trades protection for availability."""
    async with make_stack(kind, detector_factory=failing,
                          policy={"on_error": "allow"}) as stack:
        response = await stack.post("chat/completions", CHAT)
        assert response.status_code == 200
        assert len(stack.demo.received) == 1
        assert stack.demo.received[0].json()["messages"][0]["content"] == TEXT


async def _closed_sqlite(tmp_path: Path) -> SqliteRegistry:
    registry = SqliteRegistry(str(tmp_path / "consent.db"))
    await registry.ping()
    await registry.close()
    return registry


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("registry", ["postgres-port-1", "closed-sqlite"])
async def test_consent_registry_down_fails_closed(
    make_stack: Any, error_of: Any, tmp_path: Path, kind: str, registry: str
) -> None:
    consent: Any
    if registry == "postgres-port-1":
        consent = PostgresRegistry("postgresql://postgres@127.0.0.1:1/test", timeout=1.0)
    else:
        consent = await _closed_sqlite(tmp_path)
    async with make_stack(kind, policy=CONSENT_POLICY, consent=consent) as stack:
        response = await stack.post("chat/completions", CHAT, headers=CONSENT_HEADERS)
        assert response.status_code == 503
        assert error_of(response)[0] == "consent_unavailable"
        assert stack.forwarded == []
        assert_nothing_raw(stack, response)


@pytest.mark.parametrize("kind", KINDS)
async def test_consent_registry_down_with_on_error_allow(
    make_stack: Any, tmp_path: Path, kind: str
) -> None:
    consent = await _closed_sqlite(tmp_path)
    async with make_stack(kind, policy={**CONSENT_POLICY, "on_error": "allow"},
                          consent=consent) as stack:
        response = await stack.post("chat/completions", CHAT, headers=CONSENT_HEADERS)
        assert response.status_code == 200
        assert stack.demo.received[0].json()["messages"][0]["content"] == TEXT


@pytest.mark.parametrize("kind", KINDS)
async def test_redis_vault_down_fails_closed(make_stack: Any, error_of: Any, kind: str) -> None:
    vault = RedisVault("redis://127.0.0.1:1/15", Keyring(b"k" * 32), connect_timeout=0.5,
                       timeout=0.5, prefix="qorgan:hardening:")
    async with make_stack(kind, vault=vault) as stack:
        # a conversation is kept in the configured vault (a one-shot request needs none)
        response = await stack.post("chat/completions", CHAT,
                                    headers={"x-qorgan-conversation": "new"})
        assert response.status_code == 503
        assert error_of(response)[0] == "vault_unavailable"
        assert stack.forwarded == []
        assert_nothing_raw(stack, response)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("broken", [
    "version: 1\nname: broken\nrules: [\n",
    "version: 1\nname: broken\nrules:\n  - {id: x, action: explode}\n",
    "version: 2\nname: other\nrules: [{id: d, action: allow}]\n",
    "",
], ids=["yaml-syntax", "bad-action", "bad-version", "empty"])
async def test_policy_reload_error_keeps_the_old_policy(
    make_stack: Any, kind: str, broken: str
) -> None:
    async with make_stack(kind) as stack:
        before = stack.runtime.policy().version
        stack.policy_path.write_text(broken, "utf-8")
        assert stack.runtime.holder.reload() is False
        assert stack.runtime.policy().version == before
        response = await stack.post("chat/completions", CHAT)
        assert response.status_code == 200
        assert all(EMAIL not in seen for seen in stack.forwarded)
        assert EMAIL in response.text  # restored to the caller by the old policy


# -- the upstream misbehaving ------------------------------------------------------------------

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(handler: Handler) -> AsyncIterator[str]:
    """A bare TCP server on loopback: the upstream does exactly what the handler writes."""
    received: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            received.append(head + await reader.readexactly(length))
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.close()
        await server.wait_closed()


def sse_chunk(data: dict[str, Any]) -> bytes:
    frame = f"data: {json.dumps(data)}\n\n".encode()
    return f"{len(frame):x}\r\n".encode() + frame + b"\r\n"


def delta(text: str) -> dict[str, Any]:
    return {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [{"index": 0, "delta": {"content": text}}]}


async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(3)


async def cut_mid_stream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                 b"transfer-encoding: chunked\r\n\r\n")
    writer.write(sse_chunk(delta("Sure, write to leaked.")))
    writer.write(sse_chunk(delta("person@exam")))
    writer.write(sse_chunk(delta("ple.kz and also 8 701")))
    writer.write(b"40\r\ndata: {\"choices\":[{\"delta\":{\"content\":\" 555")  # cut mid-chunk
    await writer.drain()


async def short_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    body = b'{"choices":[{"message":{"content":"leaked.person@example.kz"}}]}'
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                 b"content-length: %d\r\n\r\n" % (len(body) + 50) + body)
    await writer.drain()


def real_upstream_stack(make_stack: Any, url: str, seconds: float) -> Any:
    client = httpx.AsyncClient(timeout=seconds, trust_env=False)
    return make_stack("proxy", upstream_client=client, settings={"upstream": url}), client


async def test_slow_upstream_is_a_504(make_stack: Any, error_of: Any) -> None:
    async with raw_server(slow) as url:
        ctx, client = real_upstream_stack(make_stack, url, 0.3)
        async with client, ctx as stack:
            response = await stack.post("chat/completions", CHAT)
            assert response.status_code == 504
            assert error_of(response)[0] == "upstream_timeout"
            assert_nothing_raw(stack, response)


async def test_upstream_closing_mid_stream_ends_with_an_error_event(make_stack: Any) -> None:
    async with raw_server(cut_mid_stream) as url:
        ctx, client = real_upstream_stack(make_stack, url, 2.0)
        async with client, ctx as stack:
            response = await stack.post("chat/completions", {**CHAT, "stream": True})
            assert response.status_code == 200
            text = response.text
            assert "event: error" in text
            assert '"upstream_error"' in text
            # the model's own value, split across events, never goes out raw or in part
            assert "leaked.person@exam" not in text
            assert "person@example.kz" not in text
            assert "8 701 555" not in text
            assert text.rstrip().endswith("}")  # the error event closes the stream


async def test_upstream_short_body_is_a_502(make_stack: Any, error_of: Any) -> None:
    async with raw_server(short_body) as url:
        ctx, client = real_upstream_stack(make_stack, url, 2.0)
        async with client, ctx as stack:
            response = await stack.post("chat/completions", CHAT)
            assert response.status_code == 502
            assert error_of(response)[0] == "upstream_error"
            assert "leaked.person" not in response.text


async def test_unreachable_upstream_is_a_502(make_stack: Any, error_of: Any) -> None:
    client = httpx.AsyncClient(timeout=1.0, trust_env=False)
    async with client, make_stack("proxy", upstream_client=client,
                                  settings={"upstream": "http://127.0.0.1:1/v1"}) as stack:
        response = await stack.post("chat/completions", CHAT)
        assert response.status_code == 502
        assert error_of(response)[0] == "upstream_error"
        assert_nothing_raw(stack, response)


def fixed_app(content_type: str, body: bytes) -> Callable[[Scope, Receive, Send],
                                                             Awaitable[None]]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type.encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("content_type", "body", "code"), [
    ("application/json", b'{"choices": [{"message": {"content": "leaked.person@example.kz"',
     "invalid_upstream_response"),
    ("application/json", b'{"a": "leaked.person@example.kz \xff"}', "invalid_upstream_response"),
    ("application/octet-stream", b"leaked.person@example.kz", "uninspectable_upstream_response"),
], ids=["truncated-json", "bad-utf8", "binary"])
async def test_uninspectable_upstream_body_is_a_502(
    make_stack: Any, error_of: Any, kind: str, content_type: str, body: bytes, code: str
) -> None:
    async with make_stack(kind, upstream=fixed_app(content_type, body)) as stack:
        response = await stack.post("chat/completions", CHAT)
        assert response.status_code == 502
        assert error_of(response)[0] == code
        assert "leaked.person" not in response.text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("body", [
    b'data: {"choices": [{"delta": {"content": "leaked.person@example.kz"\n\n',
    b"data: [1, 2, 3]\n\n",
    b'data: {"choices": [{"delta": {"content": "hi leaked.person@example.kz"}}]}\n\n'
    b"data: {bad\n\n",
], ids=["invalid-json", "not-an-object", "second-event-broken"])
async def test_invalid_upstream_stream_ends_with_an_error_event(
    make_stack: Any, kind: str, body: bytes
) -> None:
    async with make_stack(kind, upstream=fixed_app("text/event-stream", body)) as stack:
        response = await stack.post("chat/completions", {**CHAT, "stream": True})
        assert response.status_code == 200
        assert "event: error" in response.text
        assert "invalid_upstream_stream" in response.text
        assert "leaked.person" not in response.text
