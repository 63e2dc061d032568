"""The provider registry: one entry per provider, every route owned by one of them, and
every registered provider held to the shared contract."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qorgan.errors as errors
from qorgan.errors import PayloadError, QorganError
from qorgan.protocols import (
    ChatAdapter,
    CompletionsAdapter,
    EmbeddingsAdapter,
    GenericAdapter,
    MessagesAdapter,
    ResponsesAdapter,
    apply_slots,
)
from qorgan.protocols.jsonpath import get_at
from qorgan.providers import GENERIC_PROVIDER, REGISTRY, Provider, Registry
from qorgan.streaming import Handler, StreamRewriter

PROVIDERS = [*REGISTRY, GENERIC_PROVIDER]
ENDPOINTS = [e for p in PROVIDERS for e in p.endpoints]
#: every error class of the tree, raised the way qorgan raises it
ERRORS = [cls("a message qorgan wrote") for cls in vars(errors).values()
          if isinstance(cls, type) and issubclass(cls, QorganError)]
SECRET = "aigerim.serikova@mail.kz"


@pytest.mark.parametrize(
    ("route", "generic", "expected"),
    [
        ("chat/completions", False, ChatAdapter),
        ("/v1/chat/completions", False, ChatAdapter),
        ("completions", False, CompletionsAdapter),
        ("embeddings", False, EmbeddingsAdapter),
        ("responses", False, ResponsesAdapter),
        ("messages", False, MessagesAdapter),
        ("v1/messages/", False, MessagesAdapter),
        ("images/generations", False, None),
        ("images/generations", True, GenericAdapter),
    ],
)
def test_endpoint_of_a_route(route: str, generic: bool, expected: type | None) -> None:
    endpoint = REGISTRY.endpoint(route, generic=generic)
    if expected is None:
        assert endpoint is None
    else:
        assert endpoint is not None
        assert type(endpoint.adapter) is expected
def test_a_route_is_owned_by_one_provider() -> None:
    twin = Provider(name="twin", genai_name="twin", errors=REGISTRY.default.errors,
                    routes=(("chat/completions", ChatAdapter(), None),))
    with pytest.raises(ValueError, match="registered twice"):
        Registry((*REGISTRY, twin), default=REGISTRY.default)


@pytest.mark.parametrize(
    ("headers", "name"),
    [({"anthropic-version": "2023-06-01"}, "anthropic"), ({}, "openai"),
     ({"openai-beta": "assistants=v2"}, "openai")],
)
def test_provider_for_routes_no_endpoint_names(headers: dict[str, str], name: str) -> None:
    assert REGISTRY.provider_for(headers).name == name


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.name)
def test_provider_identity(provider: Provider) -> None:
    assert provider.name
    assert provider.name == provider.name.lower()
    assert provider.genai_name
    assert provider.endpoints
    for endpoint in provider.endpoints:
        assert endpoint.provider is provider
        assert endpoint.adapter.provider == provider.name
        assert endpoint.adapter.operation
        assert endpoint.name.startswith(provider.name)
        assert endpoint.stream is None or issubclass(endpoint.stream, Handler)


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.name)
def test_the_configured_key_goes_in_one_header(provider: Provider) -> None:
    name, value = provider.credential_header("sk-configured")
    assert name == name.lower()
    assert "sk-configured" in value


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.name)
@pytest.mark.parametrize("exc", ERRORS, ids=lambda e: type(e).__name__)
def test_error_envelopes_carry_the_code_and_nothing_else(provider: Provider,
                                                         exc: QorganError) -> None:
    body = provider.error_body(exc, "req-1")
    json.dumps(body)  # serialisable as is
    error = body["error"]
    assert error["code"] == exc.code
    assert error["message"] == exc.message
    assert error["request_id"] == "req-1"
    assert isinstance(error["type"], str)
    assert error["type"]
    assert SECRET not in json.dumps(body)


def test_each_sdk_shape() -> None:
    exc = PayloadError("bad field", field="messages[0]")
    openai = REGISTRY.endpoint("chat/completions")
    anthropic = REGISTRY.endpoint("messages")
    assert openai is not None
    assert anthropic is not None
    body = openai.provider.error_body(exc)
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["param"] == "messages[0]"
    body = anthropic.provider.error_body(exc, "req-2")
    assert body["type"] == "error"
    assert body["error"]["type"] == "invalid_request_error"
    assert body["request_id"] == "req-2"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["messages", "content", "role", "text", "input", "prompt",
                                       "system", "model", "type", "tools", "x"]),
                      children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(body=st.dictionaries(st.sampled_from(["messages", "input", "prompt", "system", "model",
                                             "stream", "tools", "x"]), _json, max_size=5))
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_adapters_read_any_json_or_refuse_it(endpoint: Any, body: dict[str, Any]) -> None:
    try:
        slots = endpoint.adapter.request_slots(body)
    except PayloadError:
        return
    for slot in slots:
        if slot.embedded is None:
            assert get_at(body, slot.path) == slot.text
    assert apply_slots(body, slots, [s.text for s in slots]) == body


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""


async def _identity(text: str, context: str = "") -> str:
    return text


@pytest.mark.anyio
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.stream is not None],
                         ids=lambda e: e.name)
async def test_stream_handlers_close_an_empty_stream(endpoint: Any) -> None:
    rewriter = StreamRewriter(endpoint.stream, lambda: _identity)
    out = b"".join([chunk async for chunk in rewriter.rewrite(_nothing())])
    assert b"error" not in out
    assert rewriter.stats.error is None
