"""The real OpenAI and Anthropic SDKs raise the exception class of each status qorgan
answers with, and expose qorgan's stable code; a streamed error event raises too.

A loopback server answers every request with ``error_response`` (the envelope of the
route's provider) for the error the test names, or with a stream ending in the rewriter's
error event, exactly as the guard sends them.
"""

from __future__ import annotations

import json
from typing import Any

import anthropic
import openai
import pytest

import traffic_fixtures as tf
from qorgan import errors
from qorgan.pipeline import error_response
from qorgan.protocols.sse import serialize
from qorgan.providers import REGISTRY
from qorgan.streaming.rewriter import error_event
from qorgan.types import Receive, Scope, Send

#: status -> (an error qorgan answers with, OpenAI SDK class, Anthropic SDK class)
CASES: dict[int, tuple[errors.QorganError, type[Exception], type[Exception]]] = {
    400: (errors.PayloadError("body is not valid JSON", code="invalid_json"),
          openai.BadRequestError, anthropic.BadRequestError),
    401: (errors.AuthError("credentials are required"),
          openai.AuthenticationError, anthropic.AuthenticationError),
    403: (errors.PolicyBlocked("blocked by policy", rules=["national-id-abroad"],
                               categories=["national_id"]),
          openai.PermissionDeniedError, anthropic.PermissionDeniedError),
    404: (errors.UnknownRoute("this route is not guarded"),
          openai.NotFoundError, anthropic.NotFoundError),
    413: (errors.PayloadTooLarge("body too large"),
          openai.APIStatusError, anthropic.ContentTooLargeError),
    415: (errors.UnsupportedMediaType("send JSON"),
          openai.APIStatusError, anthropic.APIStatusError),
    500: (errors.PolicyError("condition failed", code="policy_error"),
          openai.InternalServerError, anthropic.InternalServerError),
    502: (errors.UpstreamError("upstream is unreachable"),
          openai.InternalServerError, anthropic.InternalServerError),
    503: (errors.VaultError("vault unavailable"),
          openai.InternalServerError, anthropic.ServiceUnavailableError),
    504: (errors.UpstreamTimeout("upstream did not answer in time"),
          openai.InternalServerError, anthropic.GatewayTimeoutError),
}


class ErrorServer:
    """``x-test-status: N`` answers CASES[N] in the route's envelope; ``x-test-stream``
    answers 200 with one text event and then an error event."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        route = scope["path"].removeprefix("/v1/")
        endpoint = REGISTRY.endpoint(route)
        assert endpoint is not None
        if "x-test-stream" in headers:
            first: dict[str, Any]
            if endpoint.provider.name == "anthropic":
                first = {"type": "message_start", "message": {
                    "id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                    "content": [], "stop_reason": None, "stop_sequence": None,
                    "usage": {"input_tokens": 1, "output_tokens": 0}}}
                lead = f"event: message_start\ndata: {json.dumps(first)}\n\n"
            else:
                first = {"id": "c1", "object": "chat.completion.chunk", "created": 0,
                         "model": "m", "choices": [{"index": 0, "delta": {"content": "Hi"},
                                                    "finish_reason": None}]}
                lead = f"data: {json.dumps(first)}\n\n"
            body = (lead + serialize(error_event("upstream_error", "upstream stream failed")))
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/event-stream")]})
            await send({"type": "http.response.body", "body": body.encode()})
            return
        exc = CASES[int(headers["x-test-status"])][0]
        response = error_response(exc, "9f0c" * 8, endpoint.provider)
        await send({"type": "http.response.start", "status": response.status,
                    "headers": [(k.encode(), v.encode()) for k, v in response.headers]})
        await send({"type": "http.response.body", "body": response.body or b""})


_server: tf.Server | None = None


def _url() -> str:
    global _server
    if _server is None:
        _server = tf.serve(ErrorServer(), lifespan="off")
    return _server.url


@pytest.mark.parametrize("status", sorted(CASES))
def test_openai_sdk_raises_the_class_of_the_status_with_the_code(status: int) -> None:
    exc, expected, _ = CASES[status]
    client = openai.OpenAI(base_url=_url() + "/v1", api_key="k", max_retries=0,
                           default_headers={"x-test-status": str(status)})
    with pytest.raises(openai.APIStatusError) as raised:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    client.close()
    assert type(raised.value) is expected
    assert raised.value.status_code == status
    assert raised.value.code == exc.code
    assert raised.value.type is not None
    body = raised.value.body
    assert isinstance(body, dict)
    assert body["request_id"] == "9f0c" * 8
    if status == 403:
        assert body["rules"] == ["national-id-abroad"]


@pytest.mark.parametrize("status", sorted(CASES))
def test_anthropic_sdk_raises_the_class_of_the_status_with_the_code(status: int) -> None:
    exc, _, expected = CASES[status]
    client = anthropic.Anthropic(base_url=_url(), api_key="k", max_retries=0,
                                 default_headers={"x-test-status": str(status)})
    with pytest.raises(anthropic.APIStatusError) as raised:
        client.messages.create(model="m", max_tokens=8,
                               messages=[{"role": "user", "content": "x"}])
    client.close()
    assert type(raised.value) is expected
    assert raised.value.status_code == status
    assert raised.value.error_code == exc.code
    assert raised.value.type == CASES_TYPES.get(status, raised.value.type)
    body = raised.value.body
    assert isinstance(body, dict)
    assert body["type"] == "error"
    assert body["error"]["code"] == exc.code


#: the Anthropic ``error.type`` of the statuses whose name differs from the shared table
CASES_TYPES = {413: "request_too_large", 401: "authentication_error",
               403: "permission_error", 502: "api_error"}


def test_a_streamed_error_event_raises_in_the_openai_sdk_with_the_code() -> None:
    client = openai.OpenAI(base_url=_url() + "/v1", api_key="k", max_retries=0,
                           default_headers={"x-test-stream": "1"})
    stream = client.chat.completions.create(model="m", stream=True,
                                            messages=[{"role": "user", "content": "x"}])
    first = next(stream)
    assert first.choices[0].delta.content == "Hi"
    with pytest.raises(openai.APIError) as raised:
        next(stream)
    client.close()
    assert raised.value.code == "upstream_error"


def test_a_streamed_error_event_raises_in_the_anthropic_sdk_with_the_code() -> None:
    client = anthropic.Anthropic(base_url=_url(), api_key="k", max_retries=0,
                                 default_headers={"x-test-stream": "1"})
    with client.messages.stream(model="m", max_tokens=8,
                                messages=[{"role": "user", "content": "x"}]) as stream:
        events = iter(stream)
        assert next(events).type == "message_start"
        with pytest.raises(anthropic.APIStatusError) as raised:
            next(events)
    client.close()
    assert raised.value.error_code == "upstream_error"
    assert raised.value.type == "api_error"
