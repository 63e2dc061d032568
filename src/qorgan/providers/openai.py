"""OpenAI and every OpenAI-compatible API: Chat Completions, legacy Completions, Embeddings
and Responses.

Errors come in OpenAI's envelope, ``{"error": {"message", "type", "param", "code"}}``, which
the OpenAI SDKs raise as the exception class of the HTTP status (``BadRequestError``,
``PermissionDeniedError``, ...); qorgan's stable code is ``code``.
"""

from __future__ import annotations

import re
from typing import Any

from qorgan.errors import QorganError
from qorgan.protocols.openai import ChatAdapter, CompletionsAdapter, EmbeddingsAdapter
from qorgan.protocols.openai_responses import ResponsesAdapter
from qorgan.providers.base import Provider, error_type, qorgan_error_fields
from qorgan.streaming import ChatHandler, CompletionsHandler, ResponsesHandler


def openai_error(exc: QorganError, request_id: str | None) -> dict[str, Any]:
    error = qorgan_error_fields(exc, request_id)
    error["type"] = error_type(exc.status, server="server_error",
                               overrides={409: "conflict_error"})
    error["param"] = exc.details.get("field")
    return {"error": error}


OPENAI = Provider(
    name="openai",
    genai_name="openai",
    errors=openai_error,
    headers={
        "openai-organization": re.compile(r"org-[A-Za-z0-9]{1,64}"),
        "openai-project": re.compile(r"proj_[A-Za-z0-9]{1,64}"),
        "openai-beta": re.compile(r"[a-z0-9_.=,-]{1,128}"),
    },
    routes=(
        ("chat/completions", ChatAdapter(), ChatHandler),
        ("completions", CompletionsAdapter(), CompletionsHandler),
        ("embeddings", EmbeddingsAdapter(), None),
        ("responses", ResponsesAdapter(), ResponsesHandler),
    ),
)

__all__ = ["OPENAI", "openai_error"]
