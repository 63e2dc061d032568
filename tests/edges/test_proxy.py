"""The proxy end to end on loopback: real OpenAI and Anthropic SDK clients -> ProxyApp under
uvicorn -> DemoUpstream under uvicorn. What the upstream recorded must hold no personal
value; what the client got back must hold its own values again (the demo model echoes)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx
import openai
import pytest

import traffic_fixtures as tf

MESSAGE: str = tf.MESSAGE
NAME, IIN, BIN, IBAN, EMAIL, PHONE, SECRET = tf.VALUES
# values placed in other fields than the echoed user text: never forwarded either
OTHER_EMAIL = "marat.akhmetov@mail.kz"
OTHER_PHONE = "+7 705 123 45 67"
OTHER_IIN = "850101300124"
OTHER = (OTHER_EMAIL, OTHER_PHONE, OTHER_IIN)


@dataclass
class Env:
    upstream: Any
    base: str
    oa: openai.OpenAI
    an: anthropic.Anthropic

    def mark(self) -> int:
        return len(self.upstream.received)

    def sent_since(self, mark: int) -> list[str]:
        records = self.upstream.received[mark:]
        if not records:
            raise AssertionError("nothing reached the upstream")
        return list(tf.bodies(records))


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    upstream, _ = tf.demo()
    _, server = tf.proxy()
    oa = openai.OpenAI(base_url=server.url + "/v1", api_key="client-key", max_retries=0)
    an = anthropic.Anthropic(base_url=server.url, api_key="client-key", max_retries=0)
    yield Env(upstream, server.url, oa, an)
    oa.close()
    an.close()


# -- non-streamed ---------------------------------------------------------------------------

def chat_string(e: Env) -> str:
    r = e.oa.chat.completions.create(model="demo-echo",
                                     messages=[{"role": "user", "content": MESSAGE}])
    return r.choices[0].message.content or ""


def chat_parts(e: Env) -> str:
    r = e.oa.chat.completions.create(model="demo-echo", messages=[{"role": "user", "content": [
        {"type": "text", "text": f"Reach me at {OTHER_EMAIL}."},
        {"type": "text", "text": MESSAGE}]}])
    return r.choices[0].message.content or ""


def chat_tools(e: Env) -> str:
    args = json.dumps({"customer_email": OTHER_EMAIL, "iin": OTHER_IIN})
    r = e.oa.chat.completions.create(
        model="demo-echo",
        messages=[
            {"role": "system", "content": f"Escalations go to {OTHER_PHONE}."},
            {"role": "user", "name": "agent_7", "content": f"Look up {OTHER_EMAIL}."},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "lookup", "arguments": args}}]},
            {"role": "tool", "tool_call_id": "call_1",
             "content": f"Found IIN {OTHER_IIN}, phone {OTHER_PHONE}."},
            {"role": "user", "content": MESSAGE},
        ],
        tools=[{"type": "function", "function": {
            "name": "lookup", "description": f"Customer lookup; owner {OTHER_EMAIL}.",
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}],
    )
    message = r.choices[0].message
    calls = message.tool_calls or []
    if not calls:
        raise AssertionError("the tool call was lost")
    arguments = json.loads(calls[0].function.arguments)  # type: ignore[union-attr]
    return (message.content or "") + "\n" + arguments["query"]


def completions_string(e: Env) -> str:
    r = e.oa.completions.create(model="demo-echo", prompt=MESSAGE)
    return r.choices[0].text


def completions_list(e: Env) -> str:
    r = e.oa.completions.create(model="demo-echo", prompt=[MESSAGE, f"Also {OTHER_EMAIL}."])
    return r.choices[0].text


def embeddings_string(e: Env) -> None:
    r = e.oa.embeddings.create(model="demo-embed", input=MESSAGE)
    if len(r.data) != 1:
        raise AssertionError("one embedding expected")


def embeddings_list(e: Env) -> None:
    r = e.oa.embeddings.create(model="demo-embed", input=[MESSAGE, f"Call {OTHER_PHONE}."])
    if len(r.data) != 2:
        raise AssertionError("two embeddings expected")


def responses_string(e: Env) -> str:
    r = e.oa.responses.create(model="demo-echo", input=MESSAGE,
                              instructions=f"The customer's backup email is {OTHER_EMAIL}.")
    return r.output_text


def responses_messages(e: Env) -> str:
    r = e.oa.responses.create(model="demo-echo", input=[
        {"role": "user", "content": f"My old phone was {OTHER_PHONE}."},
        {"role": "assistant", "content": "Noted."},
        {"role": "user", "content": MESSAGE}])
    return r.output_text


def _anthropic_text(message: Any) -> str:
    return "".join(b.text for b in message.content if b.type == "text")


def anthropic_system_string(e: Env) -> str:
    r = e.an.messages.create(model="demo-echo", max_tokens=100,
                             system=f"Escalate to {OTHER_EMAIL}.",
                             messages=[{"role": "user", "content": MESSAGE}])
    return _anthropic_text(r)


def anthropic_tools(e: Env) -> str:
    r = e.an.messages.create(
        model="demo-echo", max_tokens=100,
        system=[{"type": "text", "text": f"Escalate to {OTHER_PHONE}."}],
        tools=[{"name": "lookup", "description": f"Owner {OTHER_EMAIL}.",
                "input_schema": {"type": "object", "properties": {}}}],
        messages=[
            {"role": "user", "content": "Find the customer."},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "tu_1", "name": "lookup",
                 "input": {"iin": OTHER_IIN, "email": OTHER_EMAIL}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "tu_1",
                 "content": f"IIN {OTHER_IIN}, phone {OTHER_PHONE}"},
                {"type": "text", "text": MESSAGE}]},
        ])
    return _anthropic_text(r)


CASES: list[Callable[[Env], str | None]] = [
    chat_string, chat_parts, chat_tools, completions_string, completions_list,
    embeddings_string, embeddings_list, responses_string, responses_messages,
    anthropic_system_string, anthropic_tools,
]


@pytest.mark.parametrize("call", CASES, ids=lambda c: c.__name__)
def test_values_never_reach_the_upstream_and_come_back(env: Env, call: Callable[[Env], Any]
                                                       ) -> None:
    mark = env.mark()
    answer = call(env)
    sent = env.sent_since(mark)
    assert tf.leaked(sent, (*tf.FRAGMENTS, *OTHER)) == []
    if answer is not None:
        assert tf.missing(answer) == []


# -- streamed -------------------------------------------------------------------------------

def chat_stream(e: Env, model: str) -> tuple[str, list[str]]:
    events: list[str] = []
    text = []
    args = []
    done = False
    with e.oa.chat.completions.create(
        model=model, stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": MESSAGE}],
        tools=[{"type": "function", "function": {"name": "lookup", "parameters": {}}}],
    ) as stream:
        for chunk in stream:
            events.append(chunk.model_dump_json(warnings=False))
            for choice in chunk.choices:
                text.append(choice.delta.content or "")
                for call in choice.delta.tool_calls or []:
                    args.append(call.function.arguments or "" if call.function else "")
                done = done or choice.finish_reason == "stop"
    if not done:
        raise AssertionError("the stream ended without finish_reason")
    query = json.loads("".join(args))["query"]
    return "".join(text) + "\n" + query, events


def completions_stream(e: Env, model: str) -> tuple[str, list[str]]:
    events: list[str] = []
    text = []
    with e.oa.completions.create(model=model, prompt=MESSAGE, stream=True) as stream:
        for chunk in stream:
            events.append(chunk.model_dump_json(warnings=False))
            text.extend(c.text for c in chunk.choices)
    return "".join(text), events


def responses_stream(e: Env, model: str) -> tuple[str, list[str]]:
    events: list[str] = []
    deltas = []
    final = ""
    # the SDK's stream helper accumulates item, part and text events into a response
    with e.oa.responses.stream(model=model, input=MESSAGE) as stream:
        for event in stream:
            events.append(event.model_dump_json(warnings=False))
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
            elif event.type == "response.output_text.done":
                final = event.text
        accumulated = stream.get_final_response().output_text
    if not "".join(deltas) == final == accumulated:
        raise AssertionError("the deltas do not add up to the done and final texts")
    return final, events


def anthropic_stream(e: Env, model: str) -> tuple[str, list[str]]:
    events: list[str] = []
    with e.an.messages.stream(model=model, max_tokens=100,
                              messages=[{"role": "user", "content": MESSAGE}]) as stream:
        for event in stream:
            events.append(event.model_dump_json(warnings=False))
        final = stream.get_final_message()
    if final.stop_reason != "end_turn":
        raise AssertionError("the stream ended without its stop reason")
    return _anthropic_text(final), events


STREAMS = [chat_stream, completions_stream, responses_stream, anthropic_stream]


@pytest.mark.parametrize("call", STREAMS, ids=lambda c: c.__name__)
def test_streams_restore_values(env: Env, call: Callable[[Env, str], tuple[str, list[str]]]
                                ) -> None:
    mark = env.mark()
    text, _events = call(env, "demo-echo")
    assert tf.leaked(env.sent_since(mark)) == []
    assert tf.missing(text) == []
    assert "I have noted it" in text


@pytest.mark.parametrize("call", STREAMS, ids=lambda c: c.__name__)
def test_streams_never_reveal_memorized_data(
    env: Env, call: Callable[[Env, str], tuple[str, list[str]]]
) -> None:
    text, events = call(env, "demo-leaky")
    assert tf.missing(text) == []  # the caller's own values still come back
    assert "branch manager" in text
    assert tf.leaked([text, *events], tf.LEAK_FRAGMENTS) == []


def leaky_chat(e: Env) -> str:
    r = e.oa.chat.completions.create(model="demo-leaky",
                                     messages=[{"role": "user", "content": MESSAGE}])
    return r.choices[0].message.content or ""


def leaky_responses(e: Env) -> str:
    return e.oa.responses.create(model="demo-leaky", input=MESSAGE).output_text


def leaky_anthropic(e: Env) -> str:
    return _anthropic_text(e.an.messages.create(
        model="demo-leaky", max_tokens=100, messages=[{"role": "user", "content": MESSAGE}]))


@pytest.mark.parametrize("call", [leaky_chat, leaky_responses, leaky_anthropic],
                         ids=lambda c: c.__name__)
def test_whole_answers_never_reveal_memorized_data(env: Env, call: Callable[[Env], str]
                                                   ) -> None:
    text = call(env)
    assert "branch manager" in text
    assert tf.missing(text) == []
    assert tf.leaked([text], tf.LEAK_FRAGMENTS) == []


def test_raw_sse_is_well_formed(env: Env) -> None:
    with httpx.stream("POST", env.base + "/v1/chat/completions", json={
        "model": "demo-leaky", "stream": True,
        "messages": [{"role": "user", "content": MESSAGE}]}, timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-ai-generated"] == "true"
        raw = "".join(response.iter_text())
    frames = [f for f in raw.split("\n\n") if f.strip()]
    assert frames[-1] == "data: [DONE]"
    for frame in frames[:-1]:
        assert frame.startswith("data: ")
        json.loads(frame[len("data: "):])
    assert tf.leaked([raw], tf.LEAK_FRAGMENTS) == []


def test_health_and_readiness(env: Env) -> None:
    assert httpx.get(env.base + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(env.base + "/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["vault"] == "ok"
