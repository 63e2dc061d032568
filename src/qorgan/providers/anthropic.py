"""Anthropic's Messages API.

Errors come in Anthropic's envelope, ``{"type": "error", "error": {"type", "message"}}``,
which the Anthropic SDKs raise as the exception class of the HTTP status; qorgan's stable
code is ``error.code`` and ``error.details.error_code``, where the SDK reads a stable code
(``APIStatusError.error_code``). The configured upstream key goes in ``x-api-key``.
"""

from __future__ import annotations

import re
from typing import Any

from qorgan.errors import QorganError
from qorgan.protocols.anthropic import MessagesAdapter
from qorgan.providers.base import Provider, error_type, qorgan_error_fields
from qorgan.streaming import AnthropicHandler

#: where Anthropic's error ``type`` differs from the common one
_TYPES = {413: "request_too_large", 529: "overloaded_error"}


def anthropic_error(exc: QorganError, request_id: str | None) -> dict[str, Any]:
    error = qorgan_error_fields(exc, request_id)
    error["type"] = error_type(exc.status, server="api_error", overrides=_TYPES)
    error["details"] = {"error_code": exc.code}
    body: dict[str, Any] = {"type": "error", "error": error}
    if request_id:
        body["request_id"] = request_id
    return body


ANTHROPIC = Provider(
    name="anthropic",
    genai_name="anthropic",
    errors=anthropic_error,
    credential="x-api-key",
    marker_headers=("anthropic-version",),
    headers={
        "anthropic-version": re.compile(r"\d{4}-\d{2}-\d{2}"),
        "anthropic-beta": re.compile(r"[a-z0-9_.,-]{1,512}"),
    },
    routes=(("messages", MessagesAdapter(), AnthropicHandler),),
)

__all__ = ["ANTHROPIC", "anthropic_error"]
