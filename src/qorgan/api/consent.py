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
listing: query strings end up in access logs. The routes are a FastAPI router, so they
appear in qorgan's OpenAPI document (``qorgan.api.app``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from qorgan.api.body import error_responses, install_error_handlers, json_body, read_json
from qorgan.api.credentials import API_KEY, BEARER, require_role
from qorgan.consent.base import MAX_LIST_LIMIT, ConsentRegistry, GrantRequest, utcnow
from qorgan.consent.identifiers import identifier_keys
from qorgan.consent.registry import SubjectHasher
from qorgan.consent.serialize import record_to_dict
from qorgan.consent.validate import Vocabulary, check_grant, check_purpose
from qorgan.errors import PayloadError
from qorgan.types import ASGIApp, Principal

Authenticate = Callable[[Mapping[str, str]], Awaitable[Principal | None]]

#: A consent is a few hundred bytes; anything much larger is not one.
MAX_BODY = 64 * 1024
SUBJECT_HEADER = "x-qorgan-subject"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class GrantBody(_Body):
    subject: str = Field(min_length=1, max_length=256,
                         description="the data subject's id; stored only as a keyed hash")
    purpose: str = Field(min_length=1, max_length=128)
    categories: list[str] = Field(default_factory=list, max_length=64)
    cross_border: bool = False
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    evidence: str | None = Field(default=None, max_length=512,
                                 description="a reference to the signed form or record")
    identifiers: list[Annotated[str, Field(min_length=1, max_length=256)]] = Field(
        default_factory=list, max_length=256,
        description="the subject's own identifiers (name, e-mail, phone, IIN, ...), stored "
                    "only as keyed hashes: the personal data this consent covers besides "
                    "the subject id; anything else in a request is a third person's")


class WithdrawBody(_Body):
    subject: str = Field(min_length=1, max_length=256)
    purpose: str | None = Field(default=None, min_length=1, max_length=128,
                                description="omitted: every purpose")
    at: AwareDatetime | None = None


class ConsentRecordOut(BaseModel):
    id: str
    subject_key: str
    purpose: str
    categories: list[str]
    cross_border: bool
    valid_from: str
    valid_until: str | None
    withdrawn_at: str | None
    identifiers: int = Field(description="how many identifier hashes the consent records")
    evidence: str | None
    created_at: str | None = None
    status: Literal["active", "withdrawn", "expired", "not_yet_valid"]


class ConsentList(BaseModel):
    records: list[ConsentRecordOut]


class Withdrawn(BaseModel):
    withdrawn: int = Field(description="how many consents were withdrawn")


def admin_dependency(authenticate: Authenticate, admin_role: str, what: str) -> Any:
    """A FastAPI dependency: the caller must authenticate and hold ``admin_role``."""

    async def require_admin(
        request: Request,
        _key: Annotated[Any, Depends(API_KEY)],
        _bearer: Annotated[Any, Depends(BEARER)],
    ) -> Principal:
        return require_role(await authenticate(request.headers), admin_role, what)

    return Depends(require_admin)


def consent_router(
    registry: ConsentRegistry,
    hasher: SubjectHasher,
    authenticate: Authenticate,
    *,
    admin_role: str = "admin",
    vocabulary: Callable[[], Vocabulary] | None = None,
) -> APIRouter:
    """The admin routes over ``registry``; ``authenticate`` maps headers to a principal;
    ``vocabulary`` gives the active policy's purposes and categories, which a grant (and a
    withdrawal's purpose) must name."""
    if not admin_role:
        raise ValueError("admin_role must not be empty")
    router = APIRouter(tags=["consent"],
                       dependencies=[admin_dependency(authenticate, admin_role, "consent API")],
                       responses=error_responses(401, 403, 503))

    @router.post("/", status_code=201, response_model=ConsentRecordOut,
                 summary="Grant a consent", operation_id="grantConsent",
                 openapi_extra=json_body(GrantBody), responses=error_responses(400, 413, 415))
    async def grant(request: Request) -> Response:
        body = await read_json(request, GrantBody, MAX_BODY)
        if vocabulary is not None:
            check_grant(vocabulary(), purpose=body.purpose, categories=body.categories)
        record = await registry.grant(GrantRequest(
            subject_key=hasher(body.subject),
            purpose=body.purpose,
            categories=frozenset(body.categories),
            cross_border=body.cross_border,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            evidence=body.evidence,
            identifiers=frozenset(key for value in body.identifiers
                                  for key in identifier_keys(hasher, value)),
        ))
        return JSONResponse(record_to_dict(record, utcnow()), status_code=201)

    @router.post("/withdraw", response_model=Withdrawn, summary="Withdraw consents",
                 operation_id="withdrawConsent", openapi_extra=json_body(WithdrawBody),
                 responses=error_responses(400, 413, 415))
    async def withdraw(request: Request) -> Response:
        body = await read_json(request, WithdrawBody, MAX_BODY)
        if vocabulary is not None and body.purpose is not None:
            check_purpose(vocabulary(), body.purpose)
        count = await registry.withdraw(
            subject_key=hasher(body.subject), purpose=body.purpose, at=body.at
        )
        return JSONResponse({"withdrawn": count})

    @router.get("/", response_model=ConsentList, summary="List consents",
                operation_id="listConsents", responses=error_responses(400))
    async def list_records(
        x_qorgan_subject: str | None = Header(
            None, description="the data subject (better than ?subject=: query strings are "
                              "logged)"),
        subject: str | None = Query(None),
        subject_key: str | None = Query(None, description="the subject's keyed hash"),
        purpose: str | None = Query(None),
        limit: str = Query("100", description=f"1 to {MAX_LIST_LIMIT}"),
    ) -> Response:
        named = x_qorgan_subject or subject
        key = hasher(named) if named else subject_key or None
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIST_LIMIT:
            raise PayloadError(
                f"limit must be an integer between 1 and {MAX_LIST_LIMIT}",
                code="invalid_value",
                field="limit",
            )
        records = await registry.list(subject_key=key, purpose=purpose or None,
                                      limit=int(limit))
        now = utcnow()
        return JSONResponse({"records": [record_to_dict(r, now) for r in records]})

    return router


def consent_admin_app(
    registry: ConsentRegistry,
    hasher: SubjectHasher,
    authenticate: Authenticate,
    *,
    admin_role: str = "admin",
) -> ASGIApp:
    """The admin routes as an application of their own (mounted at any prefix)."""
    router = consent_router(registry, hasher, authenticate, admin_role=admin_role)
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, redirect_slashes=False)
    app.include_router(router)
    install_error_handlers(app, what="consent route")
    return app
