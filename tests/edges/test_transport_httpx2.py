"""Httpx2GuardTransport under the real Anthropic SDK (built on httpx2): async over an
in-process DemoUpstream (httpx2.ASGITransport) and sync over a real HTTP transport to
DemoUpstream on loopback, whole and streamed, tool use included. The upstream's record
must hold no personal value; the answer holds them again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import pytest

import traffic_fixtures as tf
from qorgan.demo.upstream import DemoUpstream
from qorgan.transport_httpx2 import Httpx2GuardTransport

MESSAGE: str = tf.MESSAGE
USER = [{"role": "user", "content": MESSAGE}]
TOOL_TURNS: list[Any] = [
    {"role": "user", "content": "Find the customer."},
    {"role": "assistant", "content": [
        {"type": "tool_use", "id": "tu_1", "name": "lookup",
         "input": {"iin": tf.IIN, "email": tf.EMAIL}}]},
    {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "tu_1", "content": f"phone {tf.PHONE}"},
        {"type": "text", "text": MESSAGE}]},
]


def _text(message: Any) -> str:
    return "".join(b.text for b in message.content if b.type == "text")


def _check(upstream: DemoUpstream, mark: int, answer: str) -> None:
    records = upstream.received[mark:]
    assert records, "nothing reached the upstream"
    assert tf.leaked(tf.bodies(records)) == []
    assert tf.missing(answer) == []


@pytest.fixture(scope="module")
def sync_client() -> Iterator[tuple[DemoUpstream, anthropic.Anthropic]]:
    upstream, server = tf.demo()
    transport = Httpx2GuardTransport(runtime=tf.runtime(),
                                     transport=httpx2.AsyncHTTPTransport())
    http = httpx2.Client(transport=transport, timeout=30)
    client = anthropic.Anthropic(base_url=server.url, api_key="k", http_client=http,
                                 max_retries=0)
    yield upstream, client
    http.close()


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
async def test_async_anthropic_over_asgi_upstream(stream: bool) -> None:
    upstream = DemoUpstream()
    transport = Httpx2GuardTransport(runtime=tf.runtime(upstream=None),
                                     transport=httpx2.ASGITransport(upstream))
    async with httpx2.AsyncClient(transport=transport, timeout=30) as http:
        client = anthropic.AsyncAnthropic(base_url="http://model.test", api_key="k",
                                          http_client=http, max_retries=0)
        if stream:
            async with client.messages.stream(model="demo-leaky", max_tokens=200,
                                              messages=USER) as events:
                answer = "".join([text async for text in events.text_stream])
        else:
            r = await client.messages.create(model="demo-leaky", max_tokens=200,
                                             messages=USER)
            answer = _text(r)
    _check(upstream, 0, answer)
    # what the model "remembered" on its own is handled by the policy on the way back
    assert tf.leaked([answer], tf.LEAK_FRAGMENTS) == []


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
def test_sync_anthropic_with_tool_use_over_loopback(
    sync_client: tuple[DemoUpstream, anthropic.Anthropic], stream: bool
) -> None:
    upstream, client = sync_client
    mark = len(upstream.received)
    if stream:
        with client.messages.stream(model="demo-echo", max_tokens=200,
                                    messages=TOOL_TURNS) as events:
            answer = "".join(events.text_stream)
    else:
        answer = _text(client.messages.create(model="demo-echo", max_tokens=200,
                                              messages=TOOL_TURNS))
    _check(upstream, mark, answer)


@pytest.mark.anyio
async def test_routes_outside_the_prefix_are_refused() -> None:
    upstream = DemoUpstream()
    transport = Httpx2GuardTransport(runtime=tf.runtime(upstream=None),
                                     transport=httpx2.ASGITransport(upstream))
    async with httpx2.AsyncClient(transport=transport) as http:
        response = await http.post("http://model.test/other", json={"a": MESSAGE})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_route"
    assert upstream.received == []


def test_sync_transport_maps_a_refused_upstream_to_502() -> None:
    transport = Httpx2GuardTransport(runtime=tf.runtime(),
                                     transport=httpx2.AsyncHTTPTransport())
    with httpx2.Client(transport=transport, timeout=5) as http:
        response = http.post(f"http://127.0.0.1:{tf.free_port()}/v1/messages",
                             json={"model": "demo-echo", "max_tokens": 10, "messages": USER})
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "upstream_error"
    assert tf.leaked([response.text]) == []
