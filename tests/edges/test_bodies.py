"""Request bodies read at the edges: refused as soon as they pass the limit."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qorgan.edges.bodies import check_framing, read_asgi_body, read_stream_body
from qorgan.errors import PayloadError, PayloadTooLarge
from qorgan.types import Message


def _receiver(messages: list[Message]):  # type: ignore[no-untyped-def]
    it = iter(messages)

    async def receive() -> Message:
        return next(it)

    return receive


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([{"type": "http.request", "body": b"abc"}], b"abc"),
        ([{"type": "http.request", "body": b"ab", "more_body": True},
          {"type": "http.request", "body": b"c", "more_body": False}], b"abc"),
        ([{"type": "http.request"}], b""),
    ],
)
async def test_read_asgi_body(messages: list[Message], expected: bytes) -> None:
    assert await read_asgi_body(_receiver(messages), 10) == expected


@pytest.mark.anyio
async def test_read_asgi_body_stops_at_the_limit() -> None:
    messages: list[Message] = [{"type": "http.request", "body": b"x" * 6, "more_body": True},
                               {"type": "http.request", "body": b"x" * 6, "more_body": True}]
    with pytest.raises(PayloadTooLarge):
        await read_asgi_body(_receiver(messages), 10)


@pytest.mark.anyio
async def test_read_asgi_body_disconnect() -> None:
    with pytest.raises(PayloadError) as info:
        await read_asgi_body(_receiver([{"type": "http.disconnect"}]), 10)
    assert info.value.code == "client_disconnected"


@pytest.mark.anyio
@pytest.mark.parametrize(("limit", "ok"), [(6, True), (5, False)])
async def test_read_stream_body(limit: int, ok: bool) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"abc"
        yield b"def"

    if ok:
        assert await read_stream_body(chunks(), limit) == b"abcdef"
    else:
        with pytest.raises(PayloadTooLarge):
            await read_stream_body(chunks(), limit)


@pytest.mark.parametrize("names", [
    [b"content-length", b"transfer-encoding"],
    [b"Transfer-Encoding", b"Content-Length"],
])
def test_check_framing_refuses_two_lengths(names: list[bytes]) -> None:
    scope = {"type": "http", "headers": [(name, b"7") for name in names]}
    with pytest.raises(PayloadError) as caught:
        check_framing(scope)
    assert caught.value.code == "ambiguous_length"


@pytest.mark.parametrize("name", [b"content-length", b"transfer-encoding"])
def test_check_framing_accepts_one_length(name: bytes) -> None:
    check_framing({"type": "http", "headers": [(name, b"7")]})
