"""Consent decides the next request, on SQLite and on PostgreSQL (Law 94-V Art. 8, Art. 16).

The Guard runs policies/kz-pdl.yaml with a real registry; the upstream is a recording
callable. Granting consent lets the name through to a cross-border model while the IIN is
still pseudonymized; withdrawing it blocks the next request again.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest

from qorgan.audit.auditor import Auditor
from qorgan.consent.base import GrantRequest
from qorgan.consent.cache import CachedRegistry
from qorgan.consent.identifiers import identifier_keys
from qorgan.consent.registry import ConsentRegistry, open_registry
from qorgan.pipeline import Guard, GuardRequest, Runtime, UpstreamRequest, UpstreamResponse
from qorgan.policy.reload import PolicyHolder
from qorgan.settings import Settings
from qorgan.transform import MemoryVault
from qorgan.types import Principal

pytestmark = pytest.mark.anyio

NAME = "Aigerim Serikova"
IIN = "901123300258"
SUBJECT = "client-7731"


def _agent(headers: Mapping[str, str]) -> Principal:
    return Principal(id="agent-1", roles=frozenset({"support-agent"}), tenant="bank")


class Recorder:
    def __init__(self) -> None:
        self.bodies: list[str] = []

    async def __call__(self, request: UpstreamRequest) -> UpstreamResponse:
        body = request.body.decode()
        self.bodies.append(body)
        said = json.loads(body)["messages"][-1]["content"]
        reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": said},
                              "finish_reason": "stop"}]}
        return UpstreamResponse(200, [("content-type", "application/json")],
                                body=json.dumps(reply).encode())


@pytest.fixture(params=["sqlite", "postgres"])
async def registry(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ConsentRegistry]:
    url = schema = ""
    if request.param == "sqlite":
        inner = open_registry(f"sqlite:///{tmp_path / 'consent.db'}")
    else:
        url = request.getfixturevalue("postgres_url")
        schema = "qorgan_flow_" + secrets.token_hex(4)
        inner = open_registry(url, schema=schema)
    cached = CachedRegistry(inner, ttl=0.0)
    try:
        yield cached
    finally:
        await cached.close()
        if schema:
            await _drop_schema(url, schema)


async def _drop_schema(url: str, schema: str) -> None:
    import psycopg

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _guard(registry: ConsentRegistry) -> Guard:
    settings = Settings(policy="builtin:kz-pdl", master_key=secrets.token_bytes(32))
    runtime = Runtime(settings, policy=PolicyHolder("builtin:kz-pdl"), vault=MemoryVault(),
                      consent=registry, auditor=Auditor(), resolver=_agent)
    return Guard(runtime)


def _own(guard: Guard, *values: str) -> frozenset[str]:
    """The keyed hashes a consent records for the subject's own identifiers."""
    return frozenset(key for value in values
                     for key in identifier_keys(guard.runtime.hasher, value))


def _request(model: str, text: str = f"Customer {NAME}, IIN {IIN}, asks about her card.",
             ) -> GuardRequest:
    body = {"model": model, "messages": [{"role": "user", "content": text}]}
    return GuardRequest(method="POST", route="chat/completions", headers={
        "content-type": "application/json", "x-qorgan-purpose": "support",
        "x-qorgan-subject": SUBJECT}, body=json.dumps(body).encode())


async def test_grant_and_withdraw_flip_the_next_cross_border_decision(
    registry: ConsentRegistry,
) -> None:
    guard = _guard(registry)
    upstream = Recorder()
    subject_key = guard.runtime.hasher(SUBJECT)

    # no consent: an IIN may not leave Kazakhstan -> blocked, nothing forwarded
    response = await guard.handle(_request("gpt-4o"), upstream)
    assert response.status == 403
    assert json.loads(response.body or b"")["error"]["rules"] == ["national-id-abroad"]
    assert upstream.bodies == []

    await registry.grant(GrantRequest(subject_key=subject_key, purpose="support",
                                      cross_border=True, identifiers=_own(guard, NAME, IIN),
                                      categories=frozenset({"identity", "national_id"})))
    response = await guard.handle(_request("gpt-4o"), upstream)
    assert response.status == 200
    (sent,) = upstream.bodies
    assert NAME in sent  # consented identity may cross the border in the clear
    assert IIN not in sent  # the national id still goes only as a pseudonym
    answer = json.loads(response.body or b"")["choices"][0]["message"]["content"]
    assert IIN in answer
    assert NAME in answer

    assert await registry.withdraw(subject_key=subject_key, purpose="support") == 1
    response = await guard.handle(_request("gpt-4o"), upstream)
    assert response.status == 403
    assert len(upstream.bodies) == 1


async def test_consent_at_home_allows_clear_text_and_withdrawal_pseudonymizes(
    registry: ConsentRegistry,
) -> None:
    guard = _guard(registry)
    upstream = Recorder()
    subject_key = guard.runtime.hasher(SUBJECT)

    response = await guard.handle(_request("llama-3-70b"), upstream)
    assert response.status == 200
    assert NAME not in upstream.bodies[-1]
    assert IIN not in upstream.bodies[-1]

    await registry.grant(GrantRequest(subject_key=subject_key, purpose="support",
                                      identifiers=_own(guard, NAME, IIN)))
    await guard.handle(_request("llama-3-70b"), upstream)
    assert NAME in upstream.bodies[-1]
    assert IIN in upstream.bodies[-1]

    await registry.withdraw(subject_key=subject_key)
    await guard.handle(_request("llama-3-70b"), upstream)
    assert NAME not in upstream.bodies[-1]
    assert IIN not in upstream.bodies[-1]


async def test_a_denied_purpose_is_403_before_anything_is_forwarded(
    registry: ConsentRegistry,
) -> None:
    guard = _guard(registry)
    upstream = Recorder()
    request = _request("llama-3-70b")
    headers = {**request.headers, "x-qorgan-purpose": "social_scoring"}
    response = await guard.handle(
        GuardRequest(request.method, request.route, headers, request.body), upstream)
    assert response.status == 403
    assert upstream.bodies == []
    assert SUBJECT not in (response.body or b"").decode()


async def test_the_subjects_consent_never_releases_a_third_persons_data(
    registry: ConsentRegistry,
) -> None:
    guard = _guard(registry)
    upstream = Recorder()
    await registry.grant(GrantRequest(subject_key=guard.runtime.hasher(SUBJECT),
                                      purpose="support", identifiers=_own(guard, NAME, IIN)))
    other_name, other_iin = "Dana Ospanova", "850101300124"
    text = (f"Customer {NAME}, IIN {IIN}, wants to add her sister {other_name}, "
            f"IIN {other_iin}, to the card.")
    response = await guard.handle(_request("llama-3-70b", text), upstream)
    assert response.status == 200
    sent = upstream.bodies[-1]
    assert NAME in sent  # the subject's own data, under her consent
    assert IIN in sent
    assert other_name not in sent  # a third person's: no consent of the subject covers it
    assert other_iin not in sent
    answer = json.loads(response.body or b"")["choices"][0]["message"]["content"]
    assert other_name in answer  # the caller still gets the value back


async def test_the_subject_id_is_its_own_identifier(registry: ConsentRegistry) -> None:
    """A subject named by its IIN needs no identifiers recorded for the IIN itself."""
    guard = _guard(registry)
    upstream = Recorder()
    await registry.grant(GrantRequest(subject_key=guard.runtime.hasher(IIN), purpose="support"))
    request = _request("llama-3-70b", f"Customer {NAME}, IIN {IIN}.")
    headers = {**request.headers, "x-qorgan-subject": IIN}
    await guard.handle(GuardRequest(request.method, request.route, headers, request.body),
                       upstream)
    sent = upstream.bodies[-1]
    assert IIN in sent  # the subject's id, consented
    assert NAME not in sent  # not recorded as hers: treated as a third person's
