"""The proxy's operations on loopback: readiness with its vault down, upstream timeouts
and refusals, a client leaving a stream, an upstream answer too large to guard."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest

import traffic_fixtures as tf


class SlowUpstream:
    """Answers after ``delay`` seconds: the proxy's upstream timeout must fire first."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        import anyio

        if scope["type"] != "http":
            return
        await anyio.sleep(self.delay)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"{}"})


@pytest.mark.anyio
async def test_readiness_fails_when_the_redis_vault_is_down() -> None:
    from qorgan.audit.auditor import Auditor
    from qorgan.edges.proxy import ProxyApp
    from qorgan.pipeline import Runtime
    from qorgan.policy.reload import PolicyHolder
    from qorgan.settings import Settings
    from qorgan.transform import Keyring, RedisVault

    settings = Settings(upstream="http://127.0.0.1:9/v1", master_key=tf.MASTER_KEY)
    runtime = Runtime(settings, policy=PolicyHolder("builtin:default"),
                      vault=RedisVault("redis://127.0.0.1:1/0", Keyring(tf.MASTER_KEY)),
                      consent=None, auditor=Auditor(), detector_factory=tf.shared_detector)
    app = ProxyApp(runtime, warm_up=False)
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["vault"] != "ok"
        # and a guarded request fails closed instead of forwarding
        response = await client.post("/v1/chat/completions", json={
            "model": "demo-echo", "messages": [{"role": "user", "content": tf.MESSAGE}]},
            headers={"x-qorgan-conversation": "new"})  # kept in the vault that is down
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "vault_unavailable"
        assert tf.leaked([response.text]) == []
    await app.aclose()


def test_upstream_timeout_is_504() -> None:
    slow = tf.serve(SlowUpstream(1.0))
    _, server = tf.proxy(upstream=slow.url + "/v1", upstream_timeout=0.2)
    try:
        response = httpx.post(server.url + "/v1/chat/completions", timeout=10, json={
            "model": "demo-echo", "messages": [{"role": "user", "content": "hi"}]})
        assert response.status_code == 504
        assert response.json()["error"]["code"] == "upstream_timeout"
    finally:
        server.stop()
        slow.stop()


def test_upstream_refused_is_502() -> None:
    _, server = tf.proxy(upstream=f"http://127.0.0.1:{tf.free_port()}/v1")
    try:
        response = httpx.post(server.url + "/v1/chat/completions", timeout=10, json={
            "model": "demo-echo", "messages": [{"role": "user", "content": tf.MESSAGE}]})
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "upstream_error"
        assert tf.leaked([response.text]) == []
    finally:
        server.stop()


class EndlessUpstream:
    """Streams chat chunks until the proxy goes away; records that it noticed."""

    def __init__(self) -> None:
        self.gone = threading.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        import anyio

        if scope["type"] != "http":
            return
        while (await receive()).get("more_body", False):
            pass
        chunk = json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 0,
                            "model": "m", "choices": [{"index": 0,
                                                       "delta": {"content": "tick "}}]})
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            self.gone.set()
            tg.cancel_scope.cancel()

        async with anyio.create_task_group() as tg:
            tg.start_soon(watch)
            for _ in range(400):
                await send({"type": "http.response.body", "more_body": True,
                            "body": f"data: {chunk}\n\n".encode()})
                await anyio.sleep(0.05)


def test_client_leaving_a_stream_closes_the_upstream() -> None:
    endless = EndlessUpstream()
    upstream = tf.serve(endless)
    _, server = tf.proxy(upstream=upstream.url + "/v1")
    try:
        with httpx.stream("POST", server.url + "/v1/chat/completions", timeout=10, json={
                "model": "demo-echo", "stream": True,
                "messages": [{"role": "user", "content": "hi"}]}) as response:
            seen = 0
            for line in response.iter_lines():
                seen += line.startswith("data: ")
                if seen == 3:
                    break
        assert endless.gone.wait(5), "the upstream kept streaming for a client that left"
    finally:
        server.stop()
        upstream.stop()


class HugeUpstream:
    """A whole (not streamed) JSON answer far beyond any sensible size."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body", False):
            pass
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"pad": "', "more_body": True})
        for _ in range(20):
            await send({"type": "http.response.body", "body": b"x" * (1 << 20),
                        "more_body": True})
        await send({"type": "http.response.body", "body": b'"}'})


def test_oversized_upstream_answer_is_refused() -> None:
    huge = tf.serve(HugeUpstream())
    _, server = tf.proxy(upstream=huge.url + "/v1")
    try:
        response = httpx.post(server.url + "/v1/chat/completions", timeout=30, json={
            "model": "demo-echo", "messages": [{"role": "user", "content": "hi"}]})
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "upstream_too_large"
    finally:
        server.stop()
        huge.stop()
