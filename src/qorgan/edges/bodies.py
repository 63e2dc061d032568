"""Reading a request body from an edge, refusing it as soon as it passes the limit: an
oversized body is never buffered past it."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable

from qorgan.errors import PayloadError, PayloadTooLarge
from qorgan.types import Message


async def read_asgi_body(receive: Callable[[], Awaitable[Message]], limit: int) -> bytes:
    """Read an ASGI request body, refusing it as soon as it passes ``limit`` bytes."""
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

__all__ = ["read_asgi_body", "read_stream_body"]
