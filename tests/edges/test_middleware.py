"""GuardMiddleware around DemoUpstream (the model app itself), served on loopback, with the
OpenAI and Anthropic SDKs: the wrapped app sees pseudonyms only, clients get their values."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx
import openai
import pytest

import traffic_fixtures as tf
from qorgan.demo.upstream import DemoUpstream
from qorgan.middleware import GuardMiddleware

USER = [{"role": "user", "content": tf.MESSAGE}]


@dataclass
class Env:
    app: DemoUpstream
    url: str
    oa: openai.OpenAI
    an: anthropic.Anthropic


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    app = DemoUpstream()
    server = tf.serve(GuardMiddleware(app, runtime=tf.runtime(upstream=None)), lifespan="off")
    oa = openai.OpenAI(base_url=server.url + "/v1", api_key="k", max_retries=0)
    an = anthropic.Anthropic(base_url=server.url, api_key="k", max_retries=0)
    yield Env(app, server.url, oa, an)
    oa.close()
    an.close()
    server.stop()


def openai_chat(e: Env, model: str, stream: bool) -> str:
    if stream:
        with e.oa.chat.completions.create(model=model, messages=USER, stream=True) as events:
            return "".join(c.delta.content or "" for chunk in events for c in chunk.choices)
    r = e.oa.chat.completions.create(model=model, messages=USER)
    return r.choices[0].message.content or ""


def openai_responses(e: Env, model: str, stream: bool) -> str:
    if stream:
        with e.oa.responses.create(model=model, input=tf.MESSAGE, stream=True) as events:
            return "".join(ev.delta for ev in events if ev.type == "response.output_text.delta")
    return e.oa.responses.create(model=model, input=tf.MESSAGE).output_text


def anthropic_messages(e: Env, model: str, stream: bool) -> str:
    if stream:
        with e.an.messages.stream(model=model, max_tokens=50, messages=USER) as events:
            return "".join(events.text_stream)
    r = e.an.messages.create(model=model, max_tokens=50, messages=USER)
    return "".join(b.text for b in r.content if b.type == "text")


@pytest.mark.parametrize("call", [openai_chat, openai_responses, anthropic_messages],
                         ids=lambda c: c.__name__)
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
@pytest.mark.parametrize("model", ["demo-echo", "demo-leaky"])
def test_wrapped_app_sees_pseudonyms_only(env: Env, call: Any, stream: bool, model: str
                                          ) -> None:
    mark = len(env.app.received)
    answer = call(env, model, stream)
    records = env.app.received[mark:]
    assert records, "the app was not called"
    assert tf.leaked(tf.bodies(records)) == []
    assert tf.missing(answer) == []
    assert tf.leaked([answer], tf.LEAK_FRAGMENTS) == []


def test_other_paths_pass_through(env: Env) -> None:
    mark = len(env.app.received)
    response = httpx.post(env.url + "/other/chat/completions", timeout=10,
                          json={"model": "demo-echo", "messages": USER})
    assert response.status_code == 200
    assert "x-ai-generated" not in response.headers
    assert tf.missing(env.app.received[mark].body.decode()) == []


def test_oversized_body_is_refused_before_the_app(env: Env) -> None:
    mark = len(env.app.received)
    response = httpx.post(env.url + "/v1/chat/completions", timeout=10,
                          content=b'{"model":"x","messages":"' + b"a" * (2 << 20) + b'"}',
                          headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert len(env.app.received) == mark


class FailingApp:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError(f"boom {tf.NAME}")


class SilentApp:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        return None


@pytest.mark.anyio
@pytest.mark.parametrize("app", [FailingApp(), SilentApp()], ids=["raises", "silent"])
async def test_app_failure_is_a_json_502(app: Any) -> None:
    middleware = GuardMiddleware(app, runtime=tf.runtime(upstream=None))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(middleware),
                                 base_url="http://app") as client:
        response = await client.post("/v1/chat/completions", json={
            "model": "demo-echo", "messages": USER})
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "application_error"
    assert tf.leaked([response.text]) == []


@pytest.mark.parametrize("routes", [(), ("v1/*",), ("/v1/chat",)])
def test_route_patterns_are_validated(routes: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="route"):
        GuardMiddleware(DemoUpstream(), routes=routes, runtime=tf.runtime(upstream=None))


class LifespanApp:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return


@pytest.mark.anyio
@pytest.mark.parametrize("owned", [True, False], ids=["built-here", "shared"])
async def test_lifespan_shutdown_closes_an_owned_runtime(owned: bool,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from qorgan.pipeline import Runtime
    from qorgan.settings import Settings

    closed: list[Runtime] = []

    async def aclose(self: Runtime) -> None:
        closed.append(self)

    monkeypatch.setattr(Runtime, "aclose", aclose)
    if owned:
        middleware = GuardMiddleware(LifespanApp(), settings=Settings(master_key=tf.MASTER_KEY))
    else:
        middleware = GuardMiddleware(LifespanApp(), runtime=tf.runtime(upstream=None))
    inbox = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> Any:
        return next(inbox)

    async def send(message: Any) -> None:
        sent.append(message["type"])

    await middleware({"type": "lifespan"}, receive, send)
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert closed == ([middleware.runtime] if owned else [])


def test_the_app_keeps_its_host_and_cookie_but_not_qorgan_headers(env: Env) -> None:
    mark = len(env.app.received)
    response = httpx.post(env.url + "/v1/chat/completions", timeout=10,
                          json={"model": "demo-echo", "messages": USER},
                          headers={"cookie": "session=abc", "x-qorgan-subject": tf.NAME})
    assert response.status_code == 200
    seen = env.app.received[mark].headers
    assert seen["cookie"] == "session=abc"
    assert seen["host"].startswith("127.0.0.1:")
    assert "x-qorgan-subject" not in seen
