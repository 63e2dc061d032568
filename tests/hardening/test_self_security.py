"""The guard's own surface: the consent admin API, API-key comparison, where requests go,
and request ids."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import pytest

from qorgan.consent.sqlite import SqliteRegistry
from qorgan.errors import AuthError
from qorgan.identity.apikeys import ApiKeyAuthenticator, ApiKeyEntry

pytestmark = pytest.mark.anyio

ADMIN_KEY = "admin-key-0123456789"
AGENT_KEY = "agent-key-0123456789"
AUTH = {"auth": {"api_keys": [
    {"id": "admin", "sha256": hashlib.sha256(ADMIN_KEY.encode()).hexdigest(),
     "roles": ["admin"]},
    {"id": "agent", "sha256": hashlib.sha256(AGENT_KEY.encode()).hexdigest(),
     "roles": ["support-agent"]},
]}}
GRANT = {"subject": "subject-1", "purpose": "support", "categories": ["contact"]}


@pytest.mark.parametrize(("headers", "status", "code"), [
    ({}, 401, "unauthenticated"),
    ({"x-qorgan-key": "wrong-key"}, 401, "unauthenticated"),
    ({"authorization": f"Bearer {AGENT_KEY}"}, 403, "forbidden"),
    ({"x-qorgan-key": AGENT_KEY}, 403, "forbidden"),
    ({"x-qorgan-key": ADMIN_KEY}, 201, None),
])
async def test_consent_admin_api_requires_the_admin_role(
    make_stack: Any, tmp_path: Any, headers: dict[str, str], status: int, code: str | None
) -> None:
    registry = SqliteRegistry(str(tmp_path / "consent.db"))
    async with make_stack("proxy", policy=AUTH, consent=registry) as stack:
        response = await stack.client.post("/qorgan/consents", json=GRANT, headers=headers)
        assert response.status_code == status, response.text
        if code is not None:
            assert response.json()["error"]["code"] == code
            assert "subject-1" not in response.text
        listing = await stack.client.get("/qorgan/consents", headers=headers)
        assert listing.status_code == (200 if status == 201 else status)
        assert stack.forwarded == []


async def test_api_keys_are_compared_against_every_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [ApiKeyEntry(id=f"k{i}", sha256=hashlib.sha256(f"key-{i}".encode()).hexdigest(),
                           roles=frozenset()) for i in range(5)]
    auth = ApiKeyAuthenticator(entries)
    calls: list[bytes] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append(b)
        return real(a, b)

    monkeypatch.setattr("qorgan.identity.apikeys.hmac.compare_digest", counting)
    for presented in ("key-0", "key-4", "nope"):
        calls.clear()
        try:
            principal = await auth.authenticate({"x-qorgan-key": presented})
        except AuthError:
            principal = None
        # constant work: every digest compared, whether the first, the last or none matched
        assert len(calls) == len(entries)
        assert (principal is not None) is (presented != "nope")


UNTRUSTED = [
    ("absolute-form", "http://evil.example/v1/chat/completions", {}),
    ("host-header", "/v1/chat/completions", {"host": "evil.example"}),
    ("x-forwarded-host", "/v1/chat/completions",
     {"x-forwarded-host": "evil.example", "x-forwarded-proto": "https",
      "forwarded": "host=evil.example"}),
    ("dot-dot", "/v1/../../evil/chat/completions", {}),
    ("encoded-dot-dot", "/v1/%2e%2e/%2e%2e/evil/chat/completions", {}),
    ("double-slash", "/v1//evil.example/chat/completions", {}),
]


@pytest.mark.parametrize(("case", "target", "headers"), UNTRUSTED, ids=[u[0] for u in UNTRUSTED])
async def test_the_client_never_chooses_the_upstream(
    make_stack: Any, case: str, target: str, headers: dict[str, str]
) -> None:
    body = {"model": "demo-echo", "messages": [{"role": "user", "content": "hi"}]}
    async with make_stack("proxy") as stack:
        urls: list[str] = []
        original = stack.runtime  # the upstream base URL comes from settings only
        client = stack.app.client

        async def record(request: Any) -> None:
            urls.append(str(request.url))

        client.event_hooks["request"].append(record)
        await stack.client.post(target, json=body, headers=headers)
        assert original.settings.upstream == "http://upstream.invalid/v1"
        for url in urls:
            assert url.startswith("http://upstream.invalid/v1/")
            assert "evil" not in url
            assert ".." not in url
        for record_ in stack.demo.received:
            assert "evil" not in record_.path
            assert record_.headers.get("host") == "upstream.invalid"


async def test_request_ids_are_random_128_bit_hex(make_stack: Any) -> None:
    body = {"model": "demo-echo", "messages": [{"role": "user", "content": "hi"}]}
    ids = set()
    async with make_stack("proxy") as stack:
        for _ in range(20):
            response = await stack.post("chat/completions", body)
            rid = response.headers["x-request-id"]
            assert re.fullmatch(r"[0-9a-f]{32}", rid)
            ids.add(rid)
        refused = await stack.post("chat/completions", content=b"{", headers={
            "content-type": "application/json"})
        assert re.fullmatch(r"[0-9a-f]{32}", refused.json()["error"]["request_id"])
    assert len(ids) == 20
    # 128 random bits: every hex digit position varies across 20 ids
    assert all(len({i[pos] for i in ids}) > 1 for pos in range(32))
