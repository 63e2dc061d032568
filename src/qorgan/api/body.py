"""Request bodies and errors for qorgan's HTTP API, in one shape for every route.

A body is read under a size limit while it arrives (413), must be ``application/json``
(415) and is validated by a pydantic model from the raw JSON. Every error is qorgan's
envelope ``{"error": {"code", "message", ...}}`` and never echoes the request: a pydantic
error becomes ``invalid_json``, ``not_an_object``, ``unknown_field``, ``missing_field`` or
``invalid_value``, with ``field`` when it names a field of the model.

Routes declare their body with :func:`json_body` so the OpenAPI document shows the model
while the body is still read here, under the limit, rather than by FastAPI.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from qorgan.errors import (
    AuthError,
    PayloadError,
    PayloadTooLarge,
    QorganError,
    UnsupportedMediaType,
)

log = logging.getLogger("qorgan.api")

M = TypeVar("M", bound=BaseModel)

#: models named by :func:`json_body`, added to the document's components
BODY_MODELS: dict[str, type[BaseModel]] = {}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "stable error code (docs/errors.md)"},
                "message": {"type": "string", "description": "written by qorgan; never "
                                                            "quotes the request"},
                "field": {"type": "string", "description": "the field at fault, when known"},
            },
            "additionalProperties": True,
        }
    },
}


def json_body(model: type[BaseModel], *, description: str = "") -> dict[str, Any]:
    """``openapi_extra`` for a route that reads ``model`` with :func:`read_json`."""
    BODY_MODELS[model.__name__] = model
    body: dict[str, Any] = {
        "required": True,
        "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
    }
    if description:
        body["description"] = description
    return {"requestBody": body}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entries of a route's error statuses, all in the error envelope."""
    text = {400: "invalid request", 401: "credentials required or invalid",
            403: "the caller lacks the role", 413: "body over the size limit",
            415: "body is not application/json", 503: "a protective step failed (fail closed)"}
    return {s: {"description": text.get(s, "error"),
                "content": {"application/json": {"schema": {"$ref":
                                                            "#/components/schemas/Error"}}}}
            for s in statuses}


async def read_body(request: Request, limit: int) -> bytes:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType("request body must be application/json")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body exceeds {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, model: type[M], limit: int) -> M:
    raw = await read_body(request, limit)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_error(exc, model) from None


def validation_error(exc: ValidationError, model: type[BaseModel] | None) -> PayloadError:
    """A 400 naming the field and what is wrong, never the value (or an unknown key)."""
    first = exc.errors(include_url=False, include_input=False, include_context=False)[0]
    return _error_for(first["type"], tuple(first["loc"]), model)


def _error_for(kind: str, loc: tuple[Any, ...], model: type[BaseModel] | None) -> PayloadError:
    known = set(model.model_fields) if model is not None else set()
    if kind == "json_invalid":
        return PayloadError("request body is not valid JSON", code="invalid_json")
    if kind in {"model_type", "model_attributes_type", "dict_type"} and len(loc) <= 1:
        return PayloadError("request body must be a JSON object", code="not_an_object")
    if kind == "extra_forbidden" and len(loc) <= 1:
        return PayloadError("request body has an unknown field", code="unknown_field",
                            fields=sorted(known))
    head = loc[0] if loc else None
    # only a field the model declares is named back: anything else came from the caller
    field = head if isinstance(head, str) and head in known else None
    if kind == "missing" and len(loc) <= 1:
        return PayloadError("a required field is missing", code="missing_field", field=field)
    return PayloadError("a field has an invalid value", code="invalid_value", field=field)


def error_json(exc: QorganError, *, bearer: str = "Bearer") -> JSONResponse:
    headers = {"www-authenticate": bearer} if isinstance(exc, AuthError) and exc.status == 401 \
        else None
    return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)


def install_error_handlers(app: FastAPI, *, what: str = "route") -> None:
    """Every failure of ``app`` answers in qorgan's envelope."""

    async def qorgan_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, QorganError)
        return error_json(exc)

    async def request_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {"type": "value_error", "loc": ()}
        loc = tuple(first.get("loc", ()))
        # FastAPI prefixes where the value came from: query, header, path, body
        where = loc[1:] if loc and loc[0] in {"query", "header", "path", "body"} else loc
        field = where[0] if where and isinstance(where[0], str) else None
        error = PayloadError("a parameter has an invalid value", code="invalid_value",
                             **({"field": field} if field else {}))
        return error_json(error)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
        return JSONResponse({"error": {"code": code, "message": f"no such {what} or method"}},
                            status_code=status)

    async def internal(request: Request, exc: Exception) -> Response:
        log.error("%s failed: %s", request.url.path, type(exc).__name__)
        return error_json(QorganError("internal error"))

    app.add_exception_handler(QorganError, qorgan_error)
    app.add_exception_handler(Exception, internal)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(HTTPException, http_error)
