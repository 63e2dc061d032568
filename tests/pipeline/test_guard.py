"""Guard behaviour observed through the proxy on loopback: pseudonym scoping, policy
decisions (block, auth, purpose, monitor), consent changes taking effect, and what is
forwarded besides the body."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

import traffic_fixtures as tf
from qorgan.types import Principal

NAME, IIN, BIN, IBAN, EMAIL, PHONE, SECRET = tf.VALUES
KEYS = {"agent-a": "key-agent-a", "agent-b": "key-agent-b", "agent-c": "key-agent-c",
        "admin": "key-admin"}
JWT_SECRET = "jwt-secret-for-tests-only-0123456789abcdef"
JWT_ENV = "QORGAN_TEST_GUARD_JWT_SECRET"
UPSTREAM_KEY = "upstream-provider-key"

AUTH_POLICY = f"""
version: 1
name: t-auth
detection: {{languages: [en, ru, kk], threshold: 0.5}}
categories:
  identity: [PERSON]
  contact: [EMAIL_ADDRESS, PHONE_NUMBER]
  national_id: [KZ_IIN, KZ_BIN]
  financial: [IBAN_CODE]
  secret: [SECRET]
purposes:
  - {{id: support, roles: [support-agent, admin]}}
  - {{id: analytics, roles: [analyst]}}
  - {{id: social_scoring, denied: true, cite: "Law 230-VIII, prohibited practices"}}
default_purpose: support
auth:
  required: true
  api_keys:
    - {{id: agent-a, sha256: {hashlib.sha256(b"key-agent-a").hexdigest()}, roles: [support-agent], tenant: t1}}
    - {{id: agent-b, sha256: {hashlib.sha256(b"key-agent-b").hexdigest()}, roles: [support-agent], tenant: t1}}
    - {{id: agent-c, sha256: {hashlib.sha256(b"key-agent-c").hexdigest()}, roles: [support-agent], tenant: t2}}
    - {{id: admin, sha256: {hashlib.sha256(b"key-admin").hexdigest()}, roles: [admin], tenant: t1}}
  jwt: {{issuer: qorgan-test, audience: qorgan, algorithms: [HS256], secret_env: {JWT_ENV}}}
traffic: {{credentials: configured}}
rules:
  - {{id: no-national-id, categories: [national_id], action: block, cite: "Law 94-V Art. 16"}}
  - {{id: default, action: pseudonymize}}
"""  # noqa: E501


@dataclass
class Proxy:
    upstream: Any
    url: str
    client: httpx.Client

    def post(self, route: str, body: Any, **headers: str) -> httpx.Response:
        return self.client.post(self.url + "/v1/" + route, json=body,
                                headers={k.replace("_", "-"): v for k, v in headers.items()})

    def chat(self, text: str, **headers: str) -> httpx.Response:
        return self.post("chat/completions", {
            "model": "demo-echo", "messages": [{"role": "user", "content": text}]}, **headers)

    def last(self) -> Any:
        return self.upstream.received[-1]


def _answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    content: str = response.json()["choices"][0]["message"]["content"]
    return content


def _sent_text(record: Any) -> str:
    body = record.json()
    return str(body["messages"][-1]["content"])


@pytest.fixture(scope="module")
def plain() -> Iterator[Proxy]:
    upstream, _ = tf.demo()
    _, server = tf.proxy()
    with httpx.Client(timeout=30) as client:
        yield Proxy(upstream, server.url, client)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    mp = pytest.MonkeyPatch()
    mp.setenv(JWT_ENV, JWT_SECRET)
    path = tf.write_policy(tmp_path_factory.mktemp("auth") / "auth.yaml", AUTH_POLICY)
    upstream, _ = tf.demo()
    _, server = tf.proxy(path, upstream_api_key=UPSTREAM_KEY)
    with httpx.Client(timeout=30) as client:
        yield Proxy(upstream, server.url, client)
    mp.undo()


# -- scoping --------------------------------------------------------------------------------

def test_same_value_same_placeholder_within_a_conversation(plain: Proxy) -> None:
    conv = {"x_qorgan_conversation": "conv-same-1"}
    first = plain.chat(f"I am {NAME}.", **conv)
    sent_first = _sent_text(plain.last())
    second = plain.chat(f"Email {EMAIL}; again, I am {NAME}.", **conv)
    sent_second = _sent_text(plain.last())
    token = sent_first.removeprefix("I am ").removesuffix(".")
    assert token.startswith("<PERSON_")
    assert token in sent_second
    assert NAME in _answer(first)
    assert NAME in _answer(second)


def test_conversations_do_not_share_pseudonyms(plain: Proxy) -> None:
    plain.chat(f"I am {NAME}.", x_qorgan_conversation="conv-own-1")
    token = _sent_text(plain.last()).removeprefix("I am ").removesuffix(".")
    answer = _answer(plain.chat(f"Who is {token}?", x_qorgan_conversation="conv-other-2"))
    assert NAME not in answer
    assert token in answer


def test_placeholder_literal_typed_by_the_user_comes_back_unchanged(plain: Proxy) -> None:
    answer = _answer(plain.chat(f"The template says <PERSON_1>; my name is {NAME}.",
                                x_qorgan_conversation="conv-literal-1"))
    sent = _sent_text(plain.last())
    assert NAME not in sent
    assert sent.count("<PERSON_1>") == 1  # the literal; the name got another placeholder
    assert "The template says <PERSON_1>; my name is " + NAME in answer


@pytest.mark.parametrize("other", ["agent-b", "agent-c"], ids=["same-tenant", "other-tenant"])
def test_callers_never_reach_each_others_values(guarded: Proxy, other: str) -> None:
    conv = "conv-shared-id"
    answer_a = _answer(guarded.chat(f"I am {NAME}.", x_qorgan_key=KEYS["agent-a"],
                                    x_qorgan_conversation=conv))
    token = _sent_text(guarded.last()).removeprefix("I am ").removesuffix(".")
    assert NAME in answer_a
    assert token.startswith("<PERSON_")
    answer = _answer(guarded.chat(f"Tell me about {token}.", x_qorgan_key=KEYS[other],
                                  x_qorgan_conversation=conv))
    assert NAME not in answer
    assert token in answer


# -- policy decisions -----------------------------------------------------------------------

def test_block_names_rules_and_categories_never_values(guarded: Proxy) -> None:
    mark = len(guarded.upstream.received)
    response = guarded.chat(f"Customer {NAME}, IIN {IIN}.", x_qorgan_key=KEYS["agent-a"])
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "policy_blocked"
    assert error["rules"] == ["no-national-id"]
    assert error["categories"] == ["national_id"]
    assert tf.leaked([response.text]) == []
    assert len(guarded.upstream.received) == mark


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthenticated"),
        ({"x_qorgan_key": "not-a-key"}, 401, "unauthenticated"),
        ({"x_qorgan_key": KEYS["agent-a"], "x_qorgan_purpose": "analytics"}, 403,
         "policy_blocked"),
        ({"x_qorgan_key": KEYS["agent-a"], "x_qorgan_purpose": "social_scoring"}, 403,
         "policy_blocked"),
    ],
    ids=["no-credentials", "bad-key", "purpose-not-for-role", "prohibited-purpose"],
)
def test_auth_and_purpose(guarded: Proxy, headers: dict[str, str], status: int, code: str
                          ) -> None:
    mark = len(guarded.upstream.received)
    response = guarded.chat(f"Hello, I am {NAME}.", **headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert tf.leaked([response.text]) == []
    assert len(guarded.upstream.received) == mark
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_jwt_principal_is_accepted(guarded: Proxy) -> None:
    token = jwt.encode({"iss": "qorgan-test", "aud": "qorgan", "sub": "agent-jwt",
                        "roles": ["support-agent"], "exp": int(time.time()) + 300},
                       JWT_SECRET, algorithm="HS256")
    response = guarded.chat(f"I am {NAME}.", authorization=f"Bearer {token}")
    assert NAME in _answer(response)
    forwarded = guarded.last().headers
    assert forwarded["authorization"] == f"Bearer {UPSTREAM_KEY}"


@pytest.mark.parametrize(
    ("route", "body", "header"),
    [
        ("chat/completions", {"model": "demo-echo",
                              "messages": [{"role": "user", "content": "hi"}]}, "authorization"),
        ("messages", {"model": "demo-echo", "max_tokens": 10,
                      "messages": [{"role": "user", "content": "hi"}]}, "x-api-key"),
    ],
)
def test_configured_credentials_replace_the_clients(guarded: Proxy, route: str,
                                                    body: dict[str, Any], header: str) -> None:
    response = guarded.post(route, body, x_qorgan_key=KEYS["agent-a"],
                            authorization="Bearer client-provider-key",
                            x_api_key="client-provider-key")
    assert response.status_code == 200, response.text
    forwarded = guarded.last().headers
    assert "client-provider-key" not in json.dumps(forwarded)
    expected = f"Bearer {UPSTREAM_KEY}" if header == "authorization" else UPSTREAM_KEY
    assert forwarded[header] == expected


def test_own_and_hop_by_hop_headers_are_not_forwarded(plain: Proxy) -> None:
    response = plain.chat("hello", x_qorgan_subject=f"{NAME}", x_qorgan_purpose="support",
                          x_qorgan_conversation="conv-headers", x_qorgan_key="k",
                          x_qorgan_anything="x", proxy_authorization="Basic abc",
                          keep_alive="timeout=5", te="trailers", cookie="session=1",
                          x_custom_header="kept")
    assert response.status_code == 200
    forwarded = plain.last().headers
    for name in forwarded:
        assert not name.startswith("x-qorgan-")
    for name in ("proxy-authorization", "keep-alive", "te", "cookie"):
        assert name not in forwarded
    assert NAME not in json.dumps(forwarded)
    assert forwarded["x-custom-header"] == "kept"


def test_label_and_request_id_headers(plain: Proxy) -> None:
    response = plain.chat("hello")
    assert response.headers["x-ai-generated"] == "true"
    assert len(response.headers["x-request-id"]) == 32


def test_traceparent_continues_to_the_upstream(plain: Proxy) -> None:
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    assert plain.chat("hello", traceparent=parent).status_code == 200
    forwarded = plain.last().headers["traceparent"]
    assert forwarded.split("-")[1] == "0af7651916cd43dd8448eb211c80319c"


@pytest.mark.parametrize(
    ("route", "content", "content_type", "status", "code"),
    [
        ("unknown/thing", b"{}", "application/json", 404, "unknown_route"),
        ("chat/completions", b"hello", "text/plain", 415, "unsupported_media_type"),
        ("chat/completions", b"{not json", "application/json", 400, "invalid_json"),
        ("chat/completions", b'{"a":1,"a":2}', "application/json", 400, "duplicate_key"),
        ("chat/completions", b"[]", "application/json", 400, "not_an_object"),
    ],
)
def test_refused_requests_are_json(plain: Proxy, route: str, content: bytes,
                                   content_type: str, status: int, code: str) -> None:
    mark = len(plain.upstream.received)
    response = plain.client.post(plain.url + "/v1/" + route, content=content,
                                 headers={"content-type": content_type})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert len(plain.upstream.received) == mark


def test_paths_outside_the_prefix_are_404(plain: Proxy) -> None:
    response = plain.client.get(plain.url + "/nowhere")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_models_listing_passes(plain: Proxy) -> None:
    response = plain.client.get(plain.url + "/v1/models")
    assert response.status_code == 200
    assert {m["id"] for m in response.json()["data"]} == {"demo-echo", "demo-leaky"}


# -- monitor mode ---------------------------------------------------------------------------

def test_monitor_mode_forwards_unchanged_and_audits(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "src/qorgan/policies/default.yaml").read_text()
    policy = tf.write_policy(tmp_path / "monitor.yaml",
                             text.replace("mode: enforce", "mode: monitor"))
    log = tmp_path / "audit.jsonl"
    upstream, _ = tf.demo()
    _app, server = tf.proxy(policy, audit_log=str(log))
    try:
        response = httpx.post(server.url + "/v1/chat/completions", timeout=30, json={
            "model": "demo-echo", "messages": [{"role": "user", "content": tf.MESSAGE}]})
        assert response.status_code == 200
        assert tf.leaked(tf.bodies([upstream.received[-1]])) == list(tf.FRAGMENTS)
        assert tf.missing(_answer(response)) == []
    finally:
        server.stop()
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert records, "monitor mode must still audit"
    assert records[-1]["mode"] == "monitor"
    assert tf.leaked([log.read_text()]) == []


# -- consent end to end ---------------------------------------------------------------------

def _resolver(headers: Mapping[str, str]) -> Principal | None:
    who = headers.get("x-test-user")
    if who == "admin":
        return Principal(id="admin", roles=frozenset({"admin"}), tenant="t1")
    if who == "agent":
        return Principal(id="agent", roles=frozenset({"support-agent"}), tenant="t1")
    return None


@pytest.fixture(scope="module")
def consent_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    from qorgan.edges.proxy import ProxyApp
    from qorgan.pipeline import Runtime
    from qorgan.settings import Settings

    db = tmp_path_factory.mktemp("consent") / "consent.db"
    upstream, demo_server = tf.demo()
    settings = Settings(policy="builtin:kz-pdl", upstream=demo_server.url + "/v1",
                        master_key=tf.MASTER_KEY, consent_url=f"sqlite:///{db}",
                        consent_cache_ttl=0.2)
    runtime = Runtime.from_settings(settings, resolver=_resolver,
                                    detector_factory=tf.shared_detector)
    server = tf.serve(ProxyApp(runtime))
    with httpx.Client(timeout=30) as client:
        yield Proxy(upstream, server.url, client)


def _consent_chat(p: Proxy, model: str, text: str) -> httpx.Response:
    return p.client.post(p.url + "/v1/chat/completions", json={
        "model": model, "messages": [{"role": "user", "content": text}]}, headers={
        "x-test-user": "agent", "x-qorgan-subject": "subject-1",
        "x-qorgan-purpose": "support"})


def test_consent_admin_requires_the_admin_role(consent_proxy: Proxy) -> None:
    body = {"subject": "subject-x", "purpose": "support"}
    url = consent_proxy.url + "/qorgan/consents/"
    assert consent_proxy.client.post(url, json=body).status_code == 401
    assert consent_proxy.client.post(url, json=body,
                                     headers={"x-test-user": "agent"}).status_code == 403
    assert consent_proxy.client.post(url, json=body,
                                     headers={"x-test-user": "admin"}).status_code == 201


def test_consent_grant_and_withdraw_flip_the_decision(consent_proxy: Proxy) -> None:
    p = consent_proxy
    admin = {"x-test-user": "admin"}
    text = f"Customer {NAME}, email {EMAIL}."

    def forwarded() -> str:
        response = _consent_chat(p, "llama-3", text)
        assert tf.missing(_answer(response), (NAME, EMAIL)) == []
        return _sent_text(p.last())

    assert tf.leaked([forwarded()], (NAME, EMAIL)) == []  # no consent: pseudonymized
    grant = p.client.post(p.url + "/qorgan/consents/", headers=admin, json={
        "subject": "subject-1", "purpose": "support"})
    assert grant.status_code == 201
    assert "subject-1" not in grant.text
    assert tf.leaked([forwarded()], (NAME, EMAIL)) == [NAME, EMAIL]  # consent: in the clear
    withdraw = p.client.post(p.url + "/qorgan/consents/withdraw", headers=admin, json={
        "subject": "subject-1", "purpose": "support"})
    assert withdraw.status_code == 200
    time.sleep(0.25)  # past the cache TTL, whatever path the withdrawal took
    assert tf.leaked([forwarded()], (NAME, EMAIL)) == []


def test_national_id_abroad_needs_cross_border_consent(consent_proxy: Proxy) -> None:
    p = consent_proxy
    response = _consent_chat(p, "gpt-4o", f"IIN {IIN}.")
    assert response.status_code == 403
    assert response.json()["error"]["rules"] == ["national-id-abroad"]
    assert IIN not in response.text


def test_model_listing_follows_auth_and_credentials(guarded: Proxy) -> None:
    assert guarded.client.get(guarded.url + "/v1/models").status_code == 401
    response = guarded.client.get(guarded.url + "/v1/models",
                                  headers={"authorization": f"Bearer {KEYS['agent-a']}"})
    assert response.status_code == 200
    forwarded = guarded.last().headers
    assert KEYS["agent-a"] not in json.dumps(forwarded)
    assert forwarded["authorization"] == f"Bearer {UPSTREAM_KEY}"


def test_resolver_callers_keep_their_provider_key(consent_proxy: Proxy) -> None:
    response = consent_proxy.client.post(
        consent_proxy.url + "/v1/chat/completions",
        json={"model": "llama-3", "messages": [{"role": "user", "content": "hello"}]},
        headers={"x-test-user": "agent", "x-qorgan-purpose": "support",
                 "authorization": "Bearer provider-key"})
    assert response.status_code == 200, response.text
    assert consent_proxy.last().headers["authorization"] == "Bearer provider-key"


def test_qorgan_key_in_authorization_is_never_forwarded(guarded: Proxy) -> None:
    response = guarded.chat("hello", authorization=f"Bearer {KEYS['agent-a']}")
    assert response.status_code == 200
    assert KEYS["agent-a"] not in json.dumps(guarded.last().headers)


@pytest.fixture(scope="module")
def generic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    text = (Path(__file__).parents[2] / "src/qorgan/policies/default.yaml").read_text()
    policy = tf.write_policy(tmp_path_factory.mktemp("generic") / "generic.yaml",
                             text + "traffic: {unknown_routes: generic}\n")
    upstream, _ = tf.demo()
    _, server = tf.proxy(policy)
    with httpx.Client(timeout=30) as client:
        yield Proxy(upstream, server.url, client)


def _raw_post(url: str, path: bytes, body: bytes) -> int:
    import socket
    from urllib.parse import urlsplit

    port = urlsplit(url).port or 80
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: proxy\r\n"
                     b"Content-Type: application/json\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        head = sock.recv(64)
    return int(head.split(b" ")[1])


@pytest.mark.parametrize("path", [b"/v1/../admin", b"/v1/%2e%2e/admin",
                                  b"/v1/x/..%2f..%2fadmin", b"/v1/x/../chat/completions",
                                  b"/v1/models/../chat/completions", b"/v1/chat//completions",
                                  b"/v1/chat%3Fx=1/completions", b"/v1/a%25b"])
def test_routes_cannot_leave_the_upstream_base(generic: Proxy, path: bytes) -> None:
    mark = len(generic.upstream.received)
    body = json.dumps({"model": "demo-echo", "note": tf.MESSAGE}).encode()
    assert _raw_post(generic.url, path, body) == 404
    assert len(generic.upstream.received) == mark


def test_generic_routes_are_guarded(generic: Proxy) -> None:
    response = generic.post("custom/endpoint", {"note": tf.MESSAGE, "nested": [tf.EMAIL]})
    assert response.status_code == 404  # the demo model does not know it; it was forwarded
    record = generic.last()
    assert record.path == "/v1/custom/endpoint"
    assert tf.leaked(tf.bodies([record])) == []
