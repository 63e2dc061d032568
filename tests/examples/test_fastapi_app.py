"""The FastAPI example behind GuardMiddleware, served on loopback, with the OpenAI SDK:
forwarding to DemoUpstream (streamed and not) and with its own echo model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import fastapi_app as example
import httpx
import openai
import pytest

import traffic_fixtures as tf

USER = [{"role": "user", "content": tf.MESSAGE}]


@pytest.fixture(scope="module")
def forwarding() -> Iterator[tuple[Any, openai.OpenAI, str]]:
    upstream, demo = tf.demo()
    app = example.create_app(upstream=demo.url + "/v1", runtime=tf.runtime())
    server = tf.serve(app)
    client = openai.OpenAI(base_url=server.url + "/v1", api_key="k", max_retries=0)
    yield upstream, client, server.url
    client.close()
    server.stop()


@pytest.mark.parametrize("model", ["demo-echo", "demo-leaky"])
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
def test_forwarding_app_is_guarded(forwarding: tuple[Any, openai.OpenAI, str], stream: bool,
                                   model: str) -> None:
    upstream, client, _ = forwarding
    mark = len(upstream.received)
    if stream:
        with client.chat.completions.create(model=model, messages=USER,
                                            stream=True) as events:
            answer = "".join(c.delta.content or "" for chunk in events for c in chunk.choices)
    else:
        r = client.chat.completions.create(model=model, messages=USER)
        answer = r.choices[0].message.content or ""
    assert tf.leaked(tf.bodies(upstream.received[mark:])) == []
    assert tf.missing(answer) == []
    assert tf.leaked([answer], tf.LEAK_FRAGMENTS) == []


def test_routes_outside_the_pattern_are_untouched(forwarding: tuple[Any, openai.OpenAI, str]
                                                  ) -> None:
    _, _, url = forwarding
    response = httpx.get(url + "/openapi.json")
    assert response.status_code == 200
    assert "x-ai-generated" not in response.headers


def test_echo_app_round_trip() -> None:
    app = example.create_app(runtime=tf.runtime(upstream=None))
    server = tf.serve(app)
    try:
        with httpx.stream("POST", server.url + "/v1/chat/completions", timeout=30, json={
                "model": "echo", "stream": True, "messages": USER}) as response:
            raw = "".join(response.iter_text())
        text = "".join(
            json.loads(line[6:])["choices"][0]["delta"]["content"]
            for line in raw.splitlines() if line.startswith("data: {"))
        assert tf.missing(text) == []
        whole = httpx.post(server.url + "/v1/chat/completions", timeout=30,
                           json={"model": "echo", "messages": USER})
        assert tf.missing(whole.json()["choices"][0]["message"]["content"]) == []
        assert whole.headers["x-ai-generated"] == "true"
    finally:
        server.stop()
