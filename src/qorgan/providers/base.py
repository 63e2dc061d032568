"""What a provider is: its endpoints (route, adapter, stream handler), its GenAI name, how
it takes the configured upstream credential, and the envelope its SDKs expect errors in.

A provider is one object, registered once (``qorgan.providers.REGISTRY``). The request
path asks the registry for the :class:`Endpoint` of a route and never names a provider.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qorgan.errors import QorganError
from qorgan.protocols.base import Adapter
from qorgan.streaming import Handler

#: ``(error, request id) -> JSON body``: an error in the shape the provider's SDKs parse
ErrorEnvelope = Callable[[QorganError, "str | None"], dict[str, Any]]


#: error ``type`` by HTTP status in the OpenAI and Anthropic envelopes alike; a provider
#: passes the few it names differently to :func:`error_type`
ERROR_TYPES: Mapping[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}


def error_type(status: int, *, server: str, overrides: Mapping[int, str] | None = None) -> str:
    """The envelope's error ``type`` for ``status``; ``server`` names every 5xx not listed."""
    if overrides and status in overrides:
        return overrides[status]
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return server if status >= 500 else "invalid_request_error"


def qorgan_error_fields(exc: QorganError, request_id: str | None) -> dict[str, Any]:
    """The fields every envelope carries: qorgan's stable code, its message, the details
    the error was raised with (rule ids, categories, the offending field's path) and the
    request id. Never request content: messages and details are qorgan's own."""
    fields: dict[str, Any] = {"code": exc.code, "message": exc.message, **exc.details}
    if request_id:
        fields["request_id"] = request_id
    return fields


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One guarded API of a provider: the route it answers (the path after the API prefix,
    e.g. ``chat/completions``), where the texts are in its bodies, and how its event stream
    is rewritten (``None``: it cannot be streamed through the guard)."""

    route: str
    adapter: Adapter
    stream: type[Handler] | None
    provider: Provider = field(compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.adapter.name


@dataclass(frozen=True, slots=True)
class Provider:
    """A model API family (OpenAI-compatible, Anthropic, ...).

    ``genai_name`` is the OpenTelemetry ``gen_ai.provider.name`` value. ``credential``
    names the header the configured upstream key goes in and how (``bearer``: an
    ``Authorization: Bearer`` header; any other value is a header name taking the key as
    is). ``marker_headers`` are request headers only this provider's clients send; they pick
    the provider for routes no endpoint names (``models``).
    """

    name: str
    genai_name: str
    errors: ErrorEnvelope
    credential: str = "bearer"
    marker_headers: tuple[str, ...] = ()
    #: the request headers this provider documents for its clients, each with the shape
    #: its value must have to be forwarded (``qorgan.pipeline.forward``)
    headers: Mapping[str, re.Pattern[str]] = field(default_factory=dict)
    routes: tuple[tuple[str, Adapter, type[Handler] | None], ...] = ()
    endpoints: tuple[Endpoint, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        endpoints = tuple(Endpoint(route, adapter, stream, self)
                          for route, adapter, stream in self.routes)
        object.__setattr__(self, "endpoints", endpoints)

    def credential_header(self, key: str) -> tuple[str, str]:
        """The header carrying the configured upstream key to this provider."""
        if self.credential == "bearer":
            return "authorization", f"Bearer {key}"
        return self.credential, key

    def error_body(self, exc: QorganError, request_id: str | None = None) -> dict[str, Any]:
        return self.errors(exc, request_id)

    def claims(self, headers: Mapping[str, str]) -> bool:
        return any(name in headers for name in self.marker_headers)


__all__ = ["ERROR_TYPES", "Endpoint", "ErrorEnvelope", "Provider", "error_type",
           "qorgan_error_fields"]
