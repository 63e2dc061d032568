"""GuardTransport under the real OpenAI and Anthropic SDKs: async over an in-process
DemoUpstream (httpx.ASGITransport) and sync over a real HTTP transport to DemoUpstream on
loopback. The upstream's record must hold no personal value; the answer holds them again.

The Anthropic SDK 2.x is built on ``httpx2`` and refuses an ``httpx`` client: it is
exercised through ``Httpx2GuardTransport`` in test_transport_httpx2.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import openai
import pytest

import traffic_fixtures as tf
from qorgan.demo.upstream import DemoUpstream
from qorgan.settings import Settings
from qorgan.transport import GuardTransport

MESSAGE: str = tf.MESSAGE
USER = [{"role": "user", "content": MESSAGE}]


@pytest.fixture(scope="module")
def sync_client() -> Iterator[tuple[DemoUpstream, openai.OpenAI]]:
    upstream, server = tf.demo()
    transport = GuardTransport(runtime=tf.runtime(), transport=httpx.AsyncHTTPTransport())
    http = httpx.Client(transport=transport, timeout=30)
    oa = openai.OpenAI(base_url=server.url + "/v1", api_key="k", http_client=http,
                       max_retries=0)
    yield upstream, oa
    http.close()


def _check(upstream: DemoUpstream, mark: int, answer: str) -> None:
    records = upstream.received[mark:]
    assert records, "nothing reached the upstream"
    assert tf.leaked(tf.bodies(records)) == []
    assert tf.missing(answer) == []


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
async def test_async_openai_over_asgi_upstream(stream: bool) -> None:
    upstream = DemoUpstream()
    transport = GuardTransport(runtime=tf.runtime(upstream=None),
                               transport=httpx.ASGITransport(upstream))
    async with httpx.AsyncClient(transport=transport, timeout=30) as http:
        client = openai.AsyncOpenAI(base_url="http://model.test/v1", api_key="k",
                                    http_client=http, max_retries=0)
        if stream:
            parts = []
            async with await client.chat.completions.create(
                    model="demo-leaky", messages=USER, stream=True) as events:
                async for chunk in events:
                    parts.extend(c.delta.content or "" for c in chunk.choices)
            answer = "".join(parts)
        else:
            r = await client.chat.completions.create(model="demo-leaky", messages=USER)
            answer = r.choices[0].message.content or ""
    _check(upstream, 0, answer)
    assert "branch manager" in answer
    assert tf.leaked([answer], tf.LEAK_FRAGMENTS) == []
    assert transport.runtime is not None


@pytest.mark.anyio
async def test_async_transport_built_from_a_policy() -> None:
    upstream = DemoUpstream()
    transport = GuardTransport(policy="builtin:default",
                               settings=Settings(master_key=tf.MASTER_KEY),
                               transport=httpx.ASGITransport(upstream))
    async with httpx.AsyncClient(transport=transport, timeout=30) as http:
        client = openai.AsyncOpenAI(base_url="http://model.test/v1", api_key="k",
                                    http_client=http, max_retries=0)
        r = await client.embeddings.create(model="demo-embed", input=[MESSAGE, "plain"])
        assert len(r.data) == 2
    assert tf.leaked(tf.bodies(upstream.received)) == []


@pytest.mark.anyio
async def test_routes_outside_the_prefix_are_refused() -> None:
    upstream = DemoUpstream()
    transport = GuardTransport(runtime=tf.runtime(upstream=None),
                               transport=httpx.ASGITransport(upstream))
    async with httpx.AsyncClient(transport=transport) as http:
        response = await http.post("http://model.test/other", json={"a": MESSAGE})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_route"
    assert upstream.received == []


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
def test_sync_openai_over_loopback(
    sync_client: tuple[DemoUpstream, openai.OpenAI], stream: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    upstream, oa = sync_client
    mark = len(upstream.received)
    if stream:
        with oa.chat.completions.create(model="demo-echo", messages=USER,
                                        stream=True) as events:
            answer = "".join(c.delta.content or "" for chunk in events for c in chunk.choices)
    else:
        r = oa.chat.completions.create(model="demo-echo", messages=USER)
        answer = r.choices[0].message.content or ""
    _check(upstream, mark, answer)
    # the request's trace context is detached in the task that attached it
    assert [r.getMessage() for r in caplog.records if r.name == "opentelemetry.context"] == []


def test_sync_responses_stream(
    sync_client: tuple[DemoUpstream, openai.OpenAI]
) -> None:
    upstream, oa = sync_client
    mark = len(upstream.received)
    with oa.responses.create(model="demo-echo", input=MESSAGE, stream=True) as events:
        answer = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    _check(upstream, mark, answer)


@pytest.mark.anyio
@pytest.mark.parametrize("owned", [True, False], ids=["built-here", "shared"])
async def test_aclose_closes_only_an_owned_runtime(owned: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from qorgan.pipeline import Runtime

    closed: list[Runtime] = []

    async def aclose(self: Runtime) -> None:
        closed.append(self)

    monkeypatch.setattr(Runtime, "aclose", aclose)
    inner = httpx.ASGITransport(DemoUpstream())
    if owned:
        transport = GuardTransport(settings=Settings(master_key=tf.MASTER_KEY), transport=inner)
    else:
        transport = GuardTransport(runtime=tf.runtime(upstream=None), transport=inner)
    await transport.aclose()
    assert closed == ([transport.runtime] if owned else [])


def test_sync_transport_maps_a_refused_upstream_to_502() -> None:
    transport = GuardTransport(runtime=tf.runtime(upstream=None),
                               transport=httpx.AsyncHTTPTransport())
    with httpx.Client(transport=transport, timeout=10) as http:
        response = http.post(f"http://127.0.0.1:{tf.free_port()}/v1/chat/completions",
                             json={"model": "demo-echo", "messages": USER})
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "upstream_error"
    assert tf.leaked([response.text]) == []


def test_sync_stream_closed_early_does_not_hang(
    sync_client: tuple[DemoUpstream, openai.OpenAI]
) -> None:
    _, oa = sync_client
    with oa.chat.completions.create(model="demo-leaky", messages=USER, stream=True) as events:
        first = next(iter(events))
    assert first.choices[0].delta.role == "assistant"
    # the transport still serves the next request after the early close
    r = oa.chat.completions.create(model="demo-echo", messages=USER)
    assert tf.missing(r.choices[0].message.content or "") == []


@pytest.mark.anyio
async def test_an_oversized_streamed_body_is_refused_while_reading() -> None:
    demo = DemoUpstream()
    transport = GuardTransport(policy="builtin:default",
                               transport=httpx.ASGITransport(app=demo),
                               runtime=tf.runtime())
    limit = transport.runtime.policy().traffic.max_body_bytes
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(4 * limit // 65536):
            sent += 65536
            yield b"x" * 65536

    async with httpx.AsyncClient(transport=transport, base_url="http://model.test") as client:
        response = await client.post("/v1/chat/completions", content=body(),
                                     headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert sent <= limit + 65536  # reading stopped at the limit
    assert demo.received == []
