"""Consent changes taking effect through the proxy: the admin API's role check, a grant and
a withdrawal flipping the decision, cross-border consent, a resolver's callers keeping
their provider key."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import httpx
import pytest

import traffic_fixtures as tf
from qorgan.types import Principal

NAME, IIN, BIN, IBAN, EMAIL, PHONE, SECRET = tf.VALUES


def _resolver(headers: Mapping[str, str]) -> Principal | None:
    who = headers.get("x-test-user")
    if who == "admin":
        return Principal(id="admin", roles=frozenset({"admin"}), tenant="t1")
    if who == "agent":
        return Principal(id="agent", roles=frozenset({"support-agent"}), tenant="t1")
    return None


class Clock:
    """The consent cache's clock, moved by the test instead of sleeping past its TTL."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


CONSENT_CLOCK = Clock()


@pytest.fixture(scope="module")
def consent_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tf.ProxyClient]:
    from qorgan.audit.auditor import Auditor
    from qorgan.consent.cache import CachedRegistry
    from qorgan.consent.registry import open_registry
    from qorgan.edges.proxy import ProxyApp
    from qorgan.pipeline import Runtime
    from qorgan.policy.reload import PolicyHolder
    from qorgan.settings import Settings
    from qorgan.transform import MemoryVault

    db = tmp_path_factory.mktemp("consent") / "consent.db"
    upstream, demo_server = tf.demo()
    settings = Settings(policy="builtin:kz-pdl", upstream=demo_server.url + "/v1",
                        master_key=tf.MASTER_KEY)
    registry = CachedRegistry(open_registry(f"sqlite:///{db}"), ttl=0.2, clock=CONSENT_CLOCK)
    runtime = Runtime(settings, policy=PolicyHolder(settings.policy), vault=MemoryVault(),
                      consent=registry, auditor=Auditor(), resolver=_resolver,
                      detector_factory=tf.shared_detector)
    server = tf.serve(ProxyApp(runtime))
    with httpx.Client(timeout=30) as client:
        yield tf.ProxyClient(upstream, server.url, client)


def _consent_chat(p: tf.ProxyClient, model: str, text: str) -> httpx.Response:
    return p.client.post(p.url + "/v1/chat/completions", json={
        "model": model, "messages": [{"role": "user", "content": text}]}, headers={
        "x-test-user": "agent", "x-qorgan-subject": "subject-1",
        "x-qorgan-purpose": "support"})


def test_consent_admin_requires_the_admin_role(consent_proxy: tf.ProxyClient) -> None:
    body = {"subject": "subject-x", "purpose": "support"}
    url = consent_proxy.url + "/qorgan/consents/"
    assert consent_proxy.client.post(url, json=body).status_code == 401
    assert consent_proxy.client.post(url, json=body,
                                     headers={"x-test-user": "agent"}).status_code == 403
    assert consent_proxy.client.post(url, json=body,
                                     headers={"x-test-user": "admin"}).status_code == 201


def test_consent_grant_and_withdraw_flip_the_decision(consent_proxy: tf.ProxyClient) -> None:
    p = consent_proxy
    admin = {"x-test-user": "admin"}
    text = f"Customer {NAME}, email {EMAIL}."

    def forwarded() -> str:
        response = _consent_chat(p, "llama-3", text)
        assert tf.missing(tf.answer(response), (NAME, EMAIL)) == []
        return tf.sent_text(p.last())

    assert tf.leaked([forwarded()], (NAME, EMAIL)) == []  # no consent: pseudonymized
    grant = p.client.post(p.url + "/qorgan/consents/", headers=admin, json={
        "subject": "subject-1", "purpose": "support", "identifiers": [NAME, EMAIL]})
    assert grant.status_code == 201
    assert "subject-1" not in grant.text
    assert NAME not in grant.text
    assert grant.json()["identifiers"] > 0
    assert tf.leaked([forwarded()], (NAME, EMAIL)) == [NAME, EMAIL]  # consent: in the clear
    withdraw = p.client.post(p.url + "/qorgan/consents/withdraw", headers=admin, json={
        "subject": "subject-1", "purpose": "support"})
    assert withdraw.status_code == 200
    CONSENT_CLOCK.now += 1.0  # past the cache TTL, whatever path the withdrawal took
    assert tf.leaked([forwarded()], (NAME, EMAIL)) == []


def test_national_id_abroad_needs_cross_border_consent(consent_proxy: tf.ProxyClient) -> None:
    p = consent_proxy
    response = _consent_chat(p, "gpt-4o", f"IIN {IIN}.")
    assert response.status_code == 403
    assert response.json()["error"]["rules"] == ["national-id-abroad"]
    assert IIN not in response.text


def test_resolver_callers_keep_their_provider_key(consent_proxy: tf.ProxyClient) -> None:
    response = consent_proxy.client.post(
        consent_proxy.url + "/v1/chat/completions",
        json={"model": "llama-3", "messages": [{"role": "user", "content": "hello"}]},
        headers={"x-test-user": "agent", "x-qorgan-purpose": "support",
                 "authorization": "Bearer provider-key"})
    assert response.status_code == 200, response.text
    assert consent_proxy.last().headers["authorization"] == "Bearer provider-key"


@pytest.mark.parametrize(("body", "field"), [
    ({"subject": "s-1", "purpose": "supprt"}, "purpose"),
    ({"subject": "s-1", "purpose": "support", "categories": ["identiti"]}, "categories"),
])
def test_the_admin_api_refuses_what_the_policy_does_not_declare(
    consent_proxy: tf.ProxyClient, body: dict[str, object], field: str,
) -> None:
    response = consent_proxy.client.post(consent_proxy.url + "/qorgan/consents/", json=body,
                                         headers={"x-test-user": "admin"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_value"
    assert error["field"] == field
    assert "supprt" not in response.text
    assert "identiti" not in response.text
