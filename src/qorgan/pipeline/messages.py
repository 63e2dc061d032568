"""What crosses the boundary between an HTTP edge and the Guard.

An edge (proxy, middleware, transport) hands the Guard a :class:`GuardRequest` and an
:data:`Upstream` callable, and gets a :class:`GuardResponse` back; the Guard hands the
upstream an :class:`UpstreamRequest` and reads its :class:`UpstreamResponse`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from qorgan.errors import QorganError
from qorgan.providers import REGISTRY, Provider


@dataclass(frozen=True, slots=True)
class GuardRequest:
    method: str
    route: str  #: the path after the API prefix, without a leading slash
    headers: Mapping[str, str]  #: lower-case names
    body: bytes = b""
    query: str = ""


@dataclass(slots=True)
class UpstreamRequest:
    method: str
    route: str
    headers: dict[str, str]
    body: bytes
    stream: bool
    query: str = ""


@dataclass(slots=True)
class UpstreamResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes | None = None
    chunks: AsyncIterator[bytes] | None = None


Upstream = Callable[[UpstreamRequest], Awaitable[UpstreamResponse]]


@dataclass(slots=True)
class GuardResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    chunks: AsyncIterator[bytes] | None = None


def error_response(
    exc: QorganError, request_id: str | None = None, provider: Provider | None = None
) -> GuardResponse:
    """``exc`` in the envelope of ``provider``'s SDKs (OpenAI's when no provider is known
    yet), with the request id in the body and a header."""
    body = (provider or REGISTRY.default).error_body(exc, request_id)
    headers = [("content-type", "application/json")]
    if exc.status == 401:
        headers.append(("www-authenticate", 'Bearer realm="qorgan"'))
    if request_id:
        headers.append(("x-request-id", request_id))
    return GuardResponse(exc.status, headers, json.dumps(body).encode())


__all__ = [
    "GuardRequest",
    "GuardResponse",
    "Upstream",
    "UpstreamRequest",
    "UpstreamResponse",
    "error_response",
]
