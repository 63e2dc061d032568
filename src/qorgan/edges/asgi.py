"""Small pure-ASGI helpers shared by the proxy and the middleware."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio

from qorgan._aio import aclose
from qorgan.edges.bodies import check_framing, read_asgi_body
from qorgan.errors import QorganError
from qorgan.pipeline import GuardRequest, GuardResponse, Runtime, error_response
from qorgan.types import Receive, Scope, Send


def request_headers(scope: Scope) -> dict[str, str]:
    """Lower-case header names; repeated headers joined with ", " (RFC 9110)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


async def read_request(scope: Scope, receive: Receive, send: Send, runtime: Runtime,
                       route: str) -> GuardRequest | None:
    """The request to guard, its body read under the policy's limit and the body timeout;
    None when it was refused (answered here) or the client went away."""
    try:
        check_framing(scope)
        body = await read_asgi_body(receive, runtime.policy().traffic.max_body_bytes,
                                    within=runtime.settings.body_timeout)
    except QorganError as exc:
        if exc.code != "client_disconnected":
            await send_response(send, error_response(exc))
        return None
    return GuardRequest(method=scope["method"], route=route, headers=request_headers(scope),
                        body=body, query=scope.get("query_string", b"").decode("latin-1"))


async def send_json(send: Send, status: int, body: Any,
                    headers: list[tuple[str, str]] | None = None) -> None:
    payload = json.dumps(body).encode()
    await send_response(send, GuardResponse(
        status, [("content-type", "application/json"), *(headers or [])], payload))


async def send_response(send: Send, response: GuardResponse,
                        receive: Receive | None = None) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers
               if k.lower() != "content-length"]
    if response.chunks is None:
        body = response.body or b""
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": response.status,
                    "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
        return
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await _stream(send, response.chunks, receive)


async def _stream(send: Send, chunks: AsyncIterator[bytes], receive: Receive | None) -> None:
    """Send chunks until done; a client disconnect cancels the stream, which closes the
    upstream response (nothing keeps being read for a client that left)."""
    async with anyio.create_task_group() as tg:
        if receive is not None:
            async def watch() -> None:
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        tg.cancel_scope.cancel()
                        return

            tg.start_soon(watch)
        try:
            async for chunk in chunks:
                if chunk:
                    await send({"type": "http.response.body", "body": chunk,
                                "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            with anyio.CancelScope(shield=True):
                await aclose(chunks)
            tg.cancel_scope.cancel()
