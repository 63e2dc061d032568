"""Consent admin API: admin-only, JSON errors that never echo input, records without subjects."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from qorgan.api.consent import consent_admin_app
from qorgan.consent.registry import ConsentRegistry, SubjectHasher, open_registry
from qorgan.identity import ApiKeyAuthenticator, ApiKeyEntry, hash_api_key

pytestmark = pytest.mark.anyio

ADMIN = {"x-qorgan-key": "qk_admin_key"}
AGENT = {"x-qorgan-key": "qk_agent_key"}
SUBJECT = "IIN-901123300258"
MARKER = "do-not-echo-7f3a"

AUTH = ApiKeyAuthenticator(
    [
        ApiKeyEntry(id="ops", sha256=hash_api_key("qk_admin_key"), roles=frozenset({"admin"})),
        ApiKeyEntry(id="bot", sha256=hash_api_key("qk_agent_key"), roles=frozenset({"agent"})),
    ]
)


@pytest.fixture
def hasher() -> SubjectHasher:
    return SubjectHasher(uuid.uuid4().bytes + uuid.uuid4().bytes)


@pytest.fixture
async def registry(tmp_path: Path) -> AsyncIterator[ConsentRegistry]:
    reg = open_registry(f"sqlite:///{tmp_path}/consent.db")
    yield reg
    await reg.close()


@pytest.fixture
async def client(
    registry: ConsentRegistry, hasher: SubjectHasher
) -> AsyncIterator[httpx.AsyncClient]:
    app = consent_admin_app(registry, hasher, AUTH.authenticate)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://qorgan") as c:
        yield c


async def test_grant_list_withdraw_round_trip(
    client: httpx.AsyncClient, hasher: SubjectHasher
) -> None:
    body = {
        "subject": SUBJECT,
        "purpose": "support",
        "categories": ["contact"],
        "cross_border": True,
        "valid_from": "2025-01-01T00:00:00+05:00",
        "valid_until": "2030-01-01T00:00:00Z",
        "evidence": "form-17",
    }
    created = await client.post("/", json=body, headers=ADMIN)
    assert created.status_code == 201
    record = created.json()
    assert record["subject_key"] == hasher(SUBJECT)
    assert record["categories"] == ["contact"]
    assert record["cross_border"] is True
    assert record["valid_from"] == "2024-12-31T19:00:00+00:00"
    assert record["status"] == "active"
    assert SUBJECT not in created.text

    await client.post("/", json={"subject": "other", "purpose": "analytics"}, headers=ADMIN)
    by_header = await client.get("/", headers=ADMIN | {"x-qorgan-subject": SUBJECT})
    by_query = await client.get("/", params={"subject": SUBJECT}, headers=ADMIN)
    by_key = await client.get("/", params={"subject_key": hasher(SUBJECT)}, headers=ADMIN)
    for listing in (by_header, by_query, by_key):
        assert listing.status_code == 200
        assert [r["id"] for r in listing.json()["records"]] == [record["id"]]
        assert SUBJECT not in listing.text
    everything = await client.get("/", params={"limit": "10"}, headers=ADMIN)
    assert len(everything.json()["records"]) == 2
    analytics = await client.get("/", params={"purpose": "analytics"}, headers=ADMIN)
    assert [r["purpose"] for r in analytics.json()["records"]] == ["analytics"]

    withdrawn = await client.post(
        "/withdraw", json={"subject": SUBJECT, "purpose": "support"}, headers=ADMIN
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json() == {"withdrawn": 1}
    after = await client.get("/", headers=ADMIN | {"x-qorgan-subject": SUBJECT})
    assert after.json()["records"][0]["status"] == "withdrawn"
    again = await client.post("/withdraw", json={"subject": SUBJECT}, headers=ADMIN)
    assert again.json() == {"withdrawn": 0}


ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/", {"subject": SUBJECT, "purpose": "support"}),
    ("POST", "/withdraw", {"subject": SUBJECT}),
    ("GET", "/", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthenticated"),
        ({"x-qorgan-key": f"qk_{MARKER}"}, 401, "unauthenticated"),
        ({"authorization": f"Bearer qk_{MARKER}"}, 401, "unauthenticated"),
        (AGENT, 403, "forbidden"),
    ],
)
async def test_admin_role_is_required(
    client: httpx.AsyncClient,
    registry: ConsentRegistry,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    response = await client.request(method, path, json=body, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert MARKER not in response.text
    assert await registry.list() == []  # nothing was written
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"


def _raw(content: bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {"content": content, "headers": ADMIN | {"content-type": content_type}}


@pytest.mark.parametrize(
    ("path", "request_kwargs", "status", "code", "field"),
    [
        ("/", _raw(b'{"subject": "' + MARKER.encode() + b'", '), 400, "invalid_json", None),
        ("/", _raw(b'["' + MARKER.encode() + b'"]'), 400, "not_an_object", None),
        ("/", {"json": {"subject": "s", "purpose": "p", MARKER: 1}}, 400, "unknown_field", None),
        ("/", {"json": {"purpose": MARKER}}, 400, "missing_field", "subject"),
        (
            "/",
            {"json": {"subject": "s", "purpose": "p", "categories": MARKER}},
            400,
            "invalid_value",
            "categories",
        ),
        (
            "/",
            {"json": {"subject": "s", "purpose": "p", "cross_border": MARKER}},
            400,
            "invalid_value",
            "cross_border",
        ),
        (
            "/",
            {"json": {"subject": "s", "purpose": "p", "valid_until": "2030-01-01T00:00:00"}},
            400,
            "invalid_value",
            "valid_until",
        ),
        (
            "/",
            {"json": {"subject": "s", "purpose": "p", "valid_until": MARKER}},
            400,
            "invalid_value",
            "valid_until",
        ),
        ("/", {"json": {"subject": 12345, "purpose": "p"}}, 400, "invalid_value", "subject"),
        ("/withdraw", {"json": {"subject": "s", "purpose": ""}}, 400, "invalid_value", "purpose"),
        ("/withdraw", {"json": {"subject": ["s"]}}, 400, "invalid_value", "subject"),
    ],
)
async def test_bad_payloads_get_stable_codes_and_no_echo(
    client: httpx.AsyncClient,
    path: str,
    request_kwargs: dict[str, Any],
    status: int,
    code: str,
    field: str | None,
) -> None:
    request_kwargs.setdefault("headers", ADMIN)
    response = await client.post(path, **request_kwargs)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error.get("field") == field
    assert MARKER not in response.text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"purpose": f"bad {MARKER}"}, "purpose"),
        ({"categories": [f"bad {MARKER}"]}, "category"),
        (
            {"valid_from": "2030-01-01T00:00:00Z", "valid_until": "2029-01-01T00:00:00Z"},
            "valid_until",
        ),
    ],
)
async def test_registry_validation_is_a_400(
    client: httpx.AsyncClient, body: dict[str, Any], message: str
) -> None:
    response = await client.post("/", json={"subject": "s", "purpose": "p"} | body, headers=ADMIN)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_value"
    assert message in response.json()["error"]["message"]
    assert MARKER not in response.text


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        (_raw(b"{}", "text/plain"), 415, "unsupported_media_type"),
        (_raw(b'{"subject": "' + b"x" * 70_000 + b'"}'), 413, "payload_too_large"),
    ],
)
async def test_media_type_and_size(
    client: httpx.AsyncClient, request_kwargs: dict[str, Any], status: int, code: str
) -> None:
    response = await client.post("/", **request_kwargs)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "10001"])
async def test_bad_limit(client: httpx.AsyncClient, limit: str) -> None:
    response = await client.get("/", params={"limit": limit}, headers=ADMIN)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "limit"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [("GET", "/nope", 404, "not_found"), ("DELETE", "/", 405, "method_not_allowed")],
)
async def test_unknown_routes_are_json(
    client: httpx.AsyncClient, method: str, path: str, status: int, code: str
) -> None:
    response = await client.request(method, path, headers=ADMIN)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


async def test_registry_down_is_503(client: httpx.AsyncClient, registry: ConsentRegistry) -> None:
    await registry.close()
    response = await client.post("/", json={"subject": "s", "purpose": "p"}, headers=ADMIN)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "consent_unavailable"


async def test_mounted_under_the_proxy_prefix(
    registry: ConsentRegistry, hasher: SubjectHasher
) -> None:
    outer = Starlette(
        routes=[
            Mount("/qorgan/consents", app=consent_admin_app(registry, hasher, AUTH.authenticate))
        ]
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=outer), base_url="http://qorgan"
    ) as c:
        created = await c.post(
            "/qorgan/consents/", json={"subject": "s", "purpose": "support"}, headers=ADMIN
        )
        assert created.status_code == 201
        withdrawn = await c.post("/qorgan/consents/withdraw", json={"subject": "s"}, headers=ADMIN)
        assert withdrawn.json() == {"withdrawn": 1}


def test_admin_role_must_not_be_empty(hasher: SubjectHasher) -> None:
    with pytest.raises(ValueError, match="admin_role"):
        consent_admin_app(
            open_registry("sqlite://:memory:"), hasher, AUTH.authenticate, admin_role=""
        )
