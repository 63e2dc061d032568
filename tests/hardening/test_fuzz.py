"""Property tests over request shapes for every adapter, through the proxy and the middleware:
whatever the body, the guard answers (never a 5xx of its own, never an unhandled exception),
refusals are ``{"error": {"code", "message"}}``, and no seeded value reaches the model raw."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qorgan.demo.upstream import DemoUpstream
from qorgan.types import Receive, Scope, Send

SEEDS = ["fuzz.person@example.kz", "901123300258", "+77015551234", "4111 1111 1111 1111"]
EXAMPLES = 40

scalars = (st.none() | st.booleans() | st.integers(-(2**40), 2**40)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
anything = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
texts = st.text(max_size=30) | st.sampled_from(SEEDS).map(lambda v: f"note {v} end")
part = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "input_text", "image_url", "tool_result"]) | anything},
    optional={"text": texts | anything, "content": texts | anything},
)
content = texts | st.lists(part, max_size=3) | anything
call = st.fixed_dictionaries({
    "id": st.text(max_size=5), "type": st.just("function"),
    "function": st.fixed_dictionaries({"name": st.text(max_size=8),
                                       "arguments": texts.map(lambda t: json.dumps({"q": t}))
                                       | texts | anything}),
})
message = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", "tool", "developer"]) | anything,
     "content": content},
    optional={"name": texts | anything, "tool_calls": st.lists(call, max_size=2) | anything,
              "extra": anything},
)
common = {"stream": st.booleans() | anything, "metadata": anything, "user": texts | anything,
          "x_vendor": anything}
BODIES: dict[str, st.SearchStrategy[Any]] = {
    "chat/completions": st.fixed_dictionaries(
        {"model": st.just("demo-echo") | anything,
         "messages": st.lists(message, max_size=3) | anything},
        optional={**common, "tools": anything}),
    "completions": st.fixed_dictionaries(
        {"model": st.just("demo-echo"), "prompt": texts | st.lists(texts, max_size=3) | anything},
        optional=common),
    "embeddings": st.fixed_dictionaries(
        {"model": st.just("demo-embed"), "input": texts | st.lists(texts, max_size=3) | anything},
        optional=common),
    "responses": st.fixed_dictionaries(
        {"model": st.just("demo-echo"),
         "input": texts | st.lists(message, max_size=3) | anything},
        optional={**common, "instructions": texts | anything}),
    "messages": st.fixed_dictionaries(
        {"model": st.just("demo-echo"), "max_tokens": st.integers(1, 50) | anything,
         "messages": st.lists(message, max_size=3) | anything},
        optional={**common, "system": texts | st.lists(part, max_size=2) | anything}),
    "not/a/route": anything,
}


class SturdyDemo:
    """The demo model, answering a plain reply when a fuzzed body confuses it: the fuzz is
    aimed at the guard, not at the demo."""

    def __init__(self) -> None:
        self.demo = DemoUpstream()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def guarded_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.demo(scope, receive, guarded_send)
        except Exception:
            if started:
                raise
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": b'{"ok": true}'})


async def check(stack: Any, demo: DemoUpstream, route: str, body: Any) -> None:
    demo.received.clear()
    response = await stack.post(route, content=json.dumps(body).encode(),
                                headers={"content-type": "application/json"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400 and not demo.received:  # refused by the guard itself
        error = response.json()["error"]
        assert error["code"]
        assert error["message"]
    for record in demo.received:
        sent = json.dumps(json.loads(record.body), ensure_ascii=False)
        for seed in SEEDS:
            assert seed not in sent


@pytest.mark.parametrize("route", list(BODIES))
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.data())
def test_fuzzed_bodies_never_break_the_guard(
    make_stack: Any, route: str, body: st.DataObject
) -> None:
    drawn = body.draw(BODIES[route])

    async def run() -> None:
        # a fresh stack per example (cheap): hypothesis and one long-lived event loop
        # across examples do not mix well
        for kind in ("proxy", "middleware"):
            upstream = SturdyDemo()
            async with make_stack(kind, upstream=upstream) as stack:
                await check(stack, upstream.demo, route, drawn)

    anyio.run(run)
