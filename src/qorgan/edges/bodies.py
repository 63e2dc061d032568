"""Reading a request body from an edge, refusing it as soon as it passes the limit: an
oversized body is never buffered past it."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable

import anyio

from qorgan.errors import PayloadError, PayloadTooLarge, RequestTimeout
from qorgan.types import Message, Scope


def check_framing(scope: Scope) -> None:
    """Refuse a request that gives its length two ways: a proxy in front and qorgan could
    read different bodies from it (request smuggling)."""
    names = {name.lower() for name, _ in scope.get("headers", [])}
    if b"content-length" in names and b"transfer-encoding" in names:
        raise PayloadError("a request gives both Content-Length and Transfer-Encoding",
                           code="ambiguous_length")


async def read_asgi_body(
    receive: Callable[[], Awaitable[Message]], limit: int, *, within: float | None = None
) -> bytes:
    """Read an ASGI request body, refusing it as soon as it passes ``limit`` bytes, or when
    it has not arrived whole ``within`` seconds (a slow client holds no worker)."""
    if within is None:
        return await _read(receive, limit)
    try:
        with anyio.fail_after(within):
            return await _read(receive, limit)
    except TimeoutError:
        raise RequestTimeout("the request body did not arrive in time") from None


async def _read(receive: Callable[[], Awaitable[Message]], limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise PayloadError("client disconnected", code="client_disconnected")
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def read_stream_body(stream: AsyncIterable[bytes], limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)

__all__ = ["check_framing", "read_asgi_body", "read_stream_body"]
