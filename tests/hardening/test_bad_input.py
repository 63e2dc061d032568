"""Bad input to the proxy and the middleware: a stable 4xx JSON error, no stack trace, no
echo of the content, and nothing forwarded to the model."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

KINDS = ("proxy", "middleware")
CANARY = "canary.zq81x@example.kz"
LIMITS = {"traffic": {"max_body_bytes": 8192, "max_json_depth": 16, "max_array_length": 50}}
JSON_CT = {"content-type": "application/json"}


def chat(content: Any = CANARY, **extra: Any) -> dict[str, Any]:
    return {"model": "demo-echo", "messages": [{"role": "user", "content": content}], **extra}


def raw(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def nested(depth: int) -> bytes:
    inner: Any = CANARY
    for _ in range(depth):
        inner = {"x": inner}
    return raw(chat(extra=inner))


BOMB = gzip.compress(raw(chat("x" * 1_000_000)))  # 1 MB in about 1 KB

# (id, route, body, headers, status, code)
BAD: list[tuple[str, str, bytes, dict[str, str], int, str]] = [
    ("malformed", "chat/completions", raw(chat())[:-3], JSON_CT, 400, "invalid_json"),
    ("trailing-garbage", "chat/completions", raw(chat()) + b"}", JSON_CT, 400, "invalid_json"),
    ("nan", "chat/completions", raw(chat())[:-1] + b',"temperature":NaN}', JSON_CT, 400,
     "invalid_json"),
    ("array-body", "chat/completions", raw([CANARY]), JSON_CT, 400, "not_an_object"),
    ("string-body", "chat/completions", raw(CANARY), JSON_CT, 400, "not_an_object"),
    ("empty-body", "chat/completions", b"", JSON_CT, 400, "invalid_json"),
    ("text-plain", "chat/completions", raw(chat()), {"content-type": "text/plain"}, 415,
     "unsupported_media_type"),
    ("form", "chat/completions", raw(chat()),
     {"content-type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
    ("no-content-type", "chat/completions", raw(chat()), {}, 415, "unsupported_media_type"),
    ("invalid-utf8", "chat/completions", raw(chat())[:-4] + b"\xff\xfe" + raw(chat())[-4:],
     JSON_CT, 400, "invalid_utf8"),
    ("latin1-declared", "chat/completions", raw(chat("Ä " + CANARY)).replace(
        b"\\u00c4", b"\xc4"), JSON_CT, 400, "invalid_utf8"),
    ("too-large", "chat/completions", raw(chat(CANARY + "y" * 9000)), JSON_CT, 413,
     "payload_too_large"),
    ("too-deep", "chat/completions", nested(20), JSON_CT, 400, "too_deep"),
    ("array-too-long", "chat/completions",
     raw({"model": "m", "messages": [{"role": "user", "content": CANARY}] * 60}), JSON_CT,
     400, "array_too_long"),
    ("gzip-bomb", "chat/completions", BOMB, {**JSON_CT, "content-encoding": "gzip"}, 413,
     "decompressed_too_large"),
    ("gzip-truncated", "chat/completions", gzip.compress(raw(chat()))[:-12],
     {**JSON_CT, "content-encoding": "gzip"}, 400, "invalid_encoding"),
    ("gzip-not-gzip", "chat/completions", raw(chat()), {**JSON_CT, "content-encoding": "gzip"},
     400, "invalid_encoding"),
    ("compress", "chat/completions", raw(chat()), {**JSON_CT, "content-encoding": "compress"},
     415, "unsupported_encoding"),
    ("zstd", "chat/completions", raw(chat()), {**JSON_CT, "content-encoding": "zstd"}, 415,
     "unsupported_encoding"),
    ("stacked", "chat/completions", gzip.compress(gzip.compress(raw(chat()))),
     {**JSON_CT, "content-encoding": "gzip, gzip"}, 415, "unsupported_encoding"),
    ("duplicate-key", "chat/completions",
     b'{"model":"demo-echo","messages":[{"role":"user","content":"hi","content":"'
     + CANARY.encode() + b'"}]}', JSON_CT, 400, "duplicate_key"),
    ("duplicate-top", "chat/completions",
     b'{"model":"demo-echo","messages":[],"messages":[{"role":"user","content":"'
     + CANARY.encode() + b'"}]}', JSON_CT, 400, "duplicate_key"),
    ("content-int", "chat/completions", raw({"model": "m", "messages": [
        {"role": "system", "content": CANARY}, {"role": "user", "content": 5}]}), JSON_CT,
     400, "invalid_payload"),
    ("messages-object", "chat/completions", raw({"model": "m", "messages": {"c": CANARY}}),
     JSON_CT, 400, "invalid_payload"),
    ("message-string", "chat/completions", raw({"model": "m", "messages": [CANARY]}),
     JSON_CT, 400, "invalid_payload"),
    ("part-text-int", "chat/completions", raw({"model": "m", "messages": [
        {"role": "user", "content": [{"type": "text", "text": 7}, CANARY]}]}), JSON_CT, 400,
     "invalid_payload"),
    ("anthropic-messages-str", "messages", raw({"model": "m", "max_tokens": 5,
                                               "messages": CANARY}), JSON_CT, 400,
     "invalid_payload"),
    ("anthropic-system-int", "messages", raw({"model": "m", "max_tokens": 5, "system": 3,
                                             "messages": [{"role": "user",
                                                           "content": CANARY}]}),
     JSON_CT, 400, "invalid_payload"),
    ("responses-input-int", "responses", raw({"model": "m", "input": 12,
                                             "instructions": CANARY}), JSON_CT, 400,
     "invalid_payload"),
    ("embeddings-input-obj", "embeddings", raw({"model": "m", "input": {"a": CANARY}}),
     JSON_CT, 400, "invalid_payload"),
    ("unknown-route", "fine_tuning/jobs", raw(chat()), JSON_CT, 404, "unknown_route"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "route", "body", "headers", "status", "code"), BAD,
                         ids=[b[0] for b in BAD])
async def test_bad_input_is_refused_without_echo_or_forwarding(
    make_stack: Any, error_of: Any, kind: str, case: str, route: str, body: bytes,
    headers: dict[str, str], status: int, code: str,
) -> None:
    async with make_stack(kind, policy=LIMITS) as stack:
        response = await stack.post(route, content=body, headers=headers)
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/json")
        got, message = error_of(response)
        assert got == code
        assert CANARY not in response.text
        assert "canary" not in message
        assert stack.forwarded == []


@pytest.mark.parametrize("kind", KINDS)
async def test_gzip_bomb_is_refused_by_ratio_below_the_size_limit(
    make_stack: Any, error_of: Any, kind: str
) -> None:
    bomb = gzip.compress(raw(chat(CANARY + " " * 400_000)), 9)
    assert len(bomb) * 100 < 400_000 < 1 << 20  # under the size limit, over the ratio
    async with make_stack(kind) as stack:
        response = await stack.post("chat/completions", content=bomb,
                                    headers={**JSON_CT, "content-encoding": "gzip"})
        assert response.status_code == 413
        assert error_of(response)[0] == "decompressed_too_large"
        assert stack.forwarded == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
async def test_guarded_routes_take_post_only(
    make_stack: Any, error_of: Any, kind: str, method: str
) -> None:
    async with make_stack(kind) as stack:
        response = await stack.client.request(method, "/v1/chat/completions",
                                              content=raw(chat()), headers=JSON_CT)
        assert response.status_code == 400
        assert error_of(response)[0] == "method_not_allowed"
        assert stack.forwarded == []


ACCEPTED: list[tuple[str, bytes, dict[str, str]]] = [
    ("gzip", gzip.compress(raw(chat())), {**JSON_CT, "content-encoding": "gzip"}),
    ("x-gzip", gzip.compress(raw(chat())), {**JSON_CT, "content-encoding": "x-gzip"}),
    ("deflate-zlib", zlib.compress(raw(chat())), {**JSON_CT, "content-encoding": "deflate"}),
    ("deflate-raw", zlib.compress(raw(chat()))[2:-4],
     {**JSON_CT, "content-encoding": "deflate"}),
    ("identity", raw(chat()), {**JSON_CT, "content-encoding": "identity"}),
    ("charset-param", raw(chat()), {"content-type": "application/json; charset=utf-8"}),
    ("bom", b"\xef\xbb\xbf" + raw(chat()), JSON_CT),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "body", "headers"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
async def test_encoded_bodies_under_the_limits_are_guarded_and_forwarded(
    make_stack: Any, kind: str, case: str, body: bytes, headers: dict[str, str]
) -> None:
    async with make_stack(kind, policy=LIMITS) as stack:
        response = await stack.post("chat/completions", content=body, headers=headers)
        assert response.status_code == 200, response.text
        assert len(stack.demo.received) == 1
        sent = stack.demo.received[0]
        # forwarded decoded, as plain JSON, with the value pseudonymized
        assert "content-encoding" not in {k.lower() for k in sent.headers}
        assert CANARY.encode() not in sent.body
        assert sent.json()["messages"][0]["content"] != CANARY
        # and the caller gets its own value back
        assert CANARY in response.json()["choices"][0]["message"]["content"]


class Chunks:
    """A request body in many small chunks, no Content-Length; counts what was read."""

    def __init__(self, payload: bytes, size: int) -> None:
        self.payload = payload
        self.size = size
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for i in range(0, len(self.payload), self.size):
            self.sent += 1
            yield self.payload[i:i + self.size]


@pytest.mark.parametrize("kind", KINDS)
async def test_oversized_chunked_body_is_refused_while_reading(
    make_stack: Any, error_of: Any, kind: str
) -> None:
    payload = raw(chat(CANARY + "z" * 200_000))  # 25x the limit
    body = Chunks(payload, 512)
    async with make_stack(kind, policy=LIMITS) as stack:
        response = await stack.post("chat/completions", content=body, headers=JSON_CT)
        assert response.status_code == 413
        assert error_of(response)[0] == "payload_too_large"
        assert CANARY not in response.text
        assert stack.forwarded == []
    total = -(-len(payload) // 512)
    # 8192 / 512 = 16 chunks fill the limit; the 17th passes it and reading stops there
    assert body.sent <= 8192 // 512 + 1
    assert body.sent < total // 10


@pytest.mark.parametrize("kind", KINDS)
async def test_chunked_body_within_the_limit_is_guarded(make_stack: Any, kind: str) -> None:
    body = Chunks(raw(chat()), 7)
    async with make_stack(kind, policy=LIMITS) as stack:
        response = await stack.post("chat/completions", content=body, headers=JSON_CT)
        assert response.status_code == 200, response.text
        assert CANARY.encode() not in stack.demo.received[0].body
        assert body.sent == -(-len(raw(chat())) // 7)
