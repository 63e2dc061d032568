"""Consent administration over HTTP (mounted by the proxy under ``/qorgan/consents``).

    POST /           grant     {subject, purpose, categories?, cross_border?, valid_from?,
                                valid_until?, evidence?}                       -> 201 record
    POST /withdraw   withdraw  {subject, purpose?, at?}                        -> 200 {withdrawn}
    GET  /           list      ?purpose=&limit=, subject from the X-Qorgan-Subject header,
                               ?subject= or ?subject_key=                      -> 200 {records}

Every route needs a principal holding the admin role (401 without credentials, 403
without the role). Errors are ``{"error": {"code", "message", ...}}`` and never echo
input; a bad body has code ``invalid_json``, ``not_an_object``, ``unknown_field``,
``missing_field`` or ``invalid_value`` (with ``field`` when it names a known field).

Records show the subject key only. The header is the better way to name a subject when
listing: query strings end up in access logs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from qorgan.consent.base import MAX_LIST_LIMIT, ConsentRegistry, GrantRequest, utcnow
from qorgan.consent.registry import SubjectHasher
from qorgan.consent.serialize import record_to_dict
from qorgan.errors import (
    AuthError,
    ForbiddenError,
    PayloadError,
    PayloadTooLarge,
    QorganError,
    UnsupportedMediaType,
)
from qorgan.types import ASGIApp, Principal

Authenticate = Callable[[Mapping[str, str]], Awaitable[Principal | None]]

#: A consent is a few hundred bytes; anything much larger is not one.
MAX_BODY = 64 * 1024
SUBJECT_HEADER = "x-qorgan-subject"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class GrantBody(_Body):
    subject: str = Field(min_length=1, max_length=256)
    purpose: str = Field(min_length=1, max_length=128)
    categories: list[str] = Field(default_factory=list, max_length=64)
    cross_border: bool = False
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    evidence: str | None = Field(default=None, max_length=512)


class WithdrawBody(_Body):
    subject: str = Field(min_length=1, max_length=256)
    purpose: str | None = Field(default=None, min_length=1, max_length=128)
    at: AwareDatetime | None = None


def _validation_error(exc: ValidationError, model: type[_Body]) -> PayloadError:
    """A 400 naming the field and what is wrong, never the value (or an unknown key)."""
    first = exc.errors(include_url=False, include_input=False, include_context=False)[0]
    kind, loc = first["type"], first["loc"]
    if kind == "json_invalid":
        return PayloadError("request body is not valid JSON", code="invalid_json")
    if kind == "model_type" or not loc:
        return PayloadError("request body must be a JSON object", code="not_an_object")
    if kind == "extra_forbidden":
        return PayloadError(
            "request body has an unknown field",
            code="unknown_field",
            fields=sorted(model.model_fields),
        )
    field = loc[0] if isinstance(loc[0], str) and loc[0] in model.model_fields else None
    if kind == "missing":
        return PayloadError("a required field is missing", code="missing_field", field=field)
    return PayloadError("a field has an invalid value", code="invalid_value", field=field)


async def _read_json(request: Request, model: type[_Body]) -> Any:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise UnsupportedMediaType("request body must be application/json")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise PayloadTooLarge(f"request body exceeds {MAX_BODY} bytes")
        chunks.append(chunk)
    try:
        return model.model_validate_json(b"".join(chunks))
    except ValidationError as exc:
        raise _validation_error(exc, model) from None


def _error(exc: QorganError) -> JSONResponse:
    headers = {"www-authenticate": "Bearer"} if type(exc) is AuthError else None
    return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)


def consent_admin_app(
    registry: ConsentRegistry,
    hasher: SubjectHasher,
    authenticate: Authenticate,
    *,
    admin_role: str = "admin",
) -> ASGIApp:
    """The admin routes over ``registry``; ``authenticate`` maps headers to a principal."""
    if not admin_role:
        raise ValueError("admin_role must not be empty")

    async def authorize(request: Request) -> None:
        principal = await authenticate(request.headers)
        if principal is None:
            raise AuthError("authentication required")
        if admin_role not in principal.roles:
            raise ForbiddenError("the consent API needs the admin role")

    def endpoint(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                await authorize(request)
                return await handler(request)
            except QorganError as exc:
                return _error(exc)

        return run

    async def grant(request: Request) -> Response:
        body: GrantBody = await _read_json(request, GrantBody)
        record = await registry.grant(GrantRequest(
            subject_key=hasher(body.subject),
            purpose=body.purpose,
            categories=frozenset(body.categories),
            cross_border=body.cross_border,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            evidence=body.evidence,
        ))
        return JSONResponse(record_to_dict(record, utcnow()), status_code=201)

    async def withdraw(request: Request) -> Response:
        body: WithdrawBody = await _read_json(request, WithdrawBody)
        count = await registry.withdraw(
            subject_key=hasher(body.subject), purpose=body.purpose, at=body.at
        )
        return JSONResponse({"withdrawn": count})

    async def list_records(request: Request) -> Response:
        query = request.query_params
        subject = request.headers.get(SUBJECT_HEADER) or query.get("subject")
        subject_key = hasher(subject) if subject else query.get("subject_key") or None
        raw_limit = query.get("limit", "100")
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIST_LIMIT:
            raise PayloadError(
                f"limit must be an integer between 1 and {MAX_LIST_LIMIT}",
                code="invalid_value",
                field="limit",
            )
        records = await registry.list(
            subject_key=subject_key, purpose=query.get("purpose") or None, limit=int(raw_limit)
        )
        now = utcnow()
        return JSONResponse({"records": [record_to_dict(r, now) for r in records]})

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
        return JSONResponse(
            {"error": {"code": code, "message": "no such consent route or method"}},
            status_code=status,
        )

    return Starlette(
        routes=[
            Route("/", endpoint(grant), methods=["POST"]),
            Route("/", endpoint(list_records), methods=["GET"]),
            Route("/withdraw", endpoint(withdraw), methods=["POST"]),
        ],
        exception_handlers={HTTPException: http_error},
    )
