"""Guard behaviour observed through the proxy on loopback: pseudonym scoping, policy
decisions (block, auth, purpose, monitor), consent changes taking effect, and what is
forwarded besides the body."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

import traffic_fixtures as tf

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


@pytest.fixture(scope="module")
def plain() -> Iterator[tf.ProxyClient]:
    upstream, _ = tf.demo()
    _, server = tf.proxy()
    with httpx.Client(timeout=30) as client:
        yield tf.ProxyClient(upstream, server.url, client)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tf.ProxyClient]:
    mp = pytest.MonkeyPatch()
    mp.setenv(JWT_ENV, JWT_SECRET)
    path = tf.write_policy(tmp_path_factory.mktemp("auth") / "auth.yaml", AUTH_POLICY)
    upstream, _ = tf.demo()
    _, server = tf.proxy(path, upstream_api_key=UPSTREAM_KEY)
    with httpx.Client(timeout=30) as client:
        yield tf.ProxyClient(upstream, server.url, client)
    mp.undo()


# -- scoping --------------------------------------------------------------------------------

def test_same_value_same_placeholder_within_a_conversation(plain: tf.ProxyClient) -> None:
    first = plain.chat(f"I am {NAME}.", x_qorgan_conversation="new")
    conv = {"x_qorgan_conversation": first.headers["x-qorgan-conversation"]}
    sent_first = tf.sent_text(plain.last())
    second = plain.chat(f"Email {EMAIL}; again, I am {NAME}.", **conv)
    sent_second = tf.sent_text(plain.last())
    token = sent_first.removeprefix("I am ").removesuffix(".")
    assert token.startswith("<PERSON_")
    assert token in sent_second
    assert NAME in tf.answer(first)
    assert NAME in tf.answer(second)


def test_conversations_do_not_share_pseudonyms(plain: tf.ProxyClient) -> None:
    plain.chat(f"I am {NAME}.", x_qorgan_conversation="new")
    token = tf.sent_text(plain.last()).removeprefix("I am ").removesuffix(".")
    answer = tf.answer(plain.chat(f"Who is {token}?", x_qorgan_conversation="new"))
    assert NAME not in answer
    assert token in answer


def test_placeholder_literal_typed_by_the_user_comes_back_unchanged(plain: tf.ProxyClient) -> None:
    answer = tf.answer(plain.chat(f"The template says <PERSON_1>; my name is {NAME}.",
                                x_qorgan_conversation="new"))
    sent = tf.sent_text(plain.last())
    assert NAME not in sent
    assert sent.count("<PERSON_1>") == 1  # the literal; the name got another placeholder
    assert "The template says <PERSON_1>; my name is " + NAME in answer


@pytest.mark.parametrize("other", ["agent-b", "agent-c"], ids=["same-tenant", "other-tenant"])
def test_callers_never_reach_each_others_values(guarded: tf.ProxyClient, other: str) -> None:
    conv = "conv-shared-id"
    answer_a = tf.answer(guarded.chat(f"I am {NAME}.", x_qorgan_key=KEYS["agent-a"],
                                    x_qorgan_conversation=conv))
    token = tf.sent_text(guarded.last()).removeprefix("I am ").removesuffix(".")
    assert NAME in answer_a
    assert token.startswith("<PERSON_")
    answer = tf.answer(guarded.chat(f"Tell me about {token}.", x_qorgan_key=KEYS[other],
                                  x_qorgan_conversation=conv))
    assert NAME not in answer
    assert token in answer


# -- policy decisions -----------------------------------------------------------------------

def test_block_names_rules_and_categories_never_values(guarded: tf.ProxyClient) -> None:
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
def test_auth_and_purpose(guarded: tf.ProxyClient, headers: dict[str, str], status: int, code: str
                          ) -> None:
    mark = len(guarded.upstream.received)
    response = guarded.chat(f"Hello, I am {NAME}.", **headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert tf.leaked([response.text]) == []
    assert len(guarded.upstream.received) == mark
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_jwt_principal_is_accepted(guarded: tf.ProxyClient) -> None:
    token = jwt.encode({"iss": "qorgan-test", "aud": "qorgan", "sub": "agent-jwt",
                        "roles": ["support-agent"], "exp": int(time.time()) + 300},
                       JWT_SECRET, algorithm="HS256")
    response = guarded.chat(f"I am {NAME}.", authorization=f"Bearer {token}")
    assert NAME in tf.answer(response)
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
def test_configured_credentials_replace_the_clients(guarded: tf.ProxyClient, route: str,
                                                    body: dict[str, Any], header: str) -> None:
    response = guarded.post(route, body, x_qorgan_key=KEYS["agent-a"],
                            authorization="Bearer client-provider-key",
                            x_api_key="client-provider-key")
    assert response.status_code == 200, response.text
    forwarded = guarded.last().headers
    assert "client-provider-key" not in json.dumps(forwarded)
    expected = f"Bearer {UPSTREAM_KEY}" if header == "authorization" else UPSTREAM_KEY
    assert forwarded[header] == expected


def test_own_and_hop_by_hop_headers_are_not_forwarded(plain: tf.ProxyClient) -> None:
    response = plain.chat("hello", x_qorgan_subject=f"{NAME}", x_qorgan_purpose="support",
                          x_qorgan_conversation="new", x_qorgan_key="k",
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
    # a header not on the allow-list never reaches the upstream
    assert "x-custom-header" not in forwarded


def test_label_and_request_id_headers(plain: tf.ProxyClient) -> None:
    response = plain.chat("hello")
    assert response.headers["x-ai-generated"] == "true"
    assert len(response.headers["x-request-id"]) == 32


def test_traceparent_continues_to_the_upstream(plain: tf.ProxyClient) -> None:
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
def test_refused_requests_are_json(plain: tf.ProxyClient, route: str, content: bytes,
                                   content_type: str, status: int, code: str) -> None:
    mark = len(plain.upstream.received)
    response = plain.client.post(plain.url + "/v1/" + route, content=content,
                                 headers={"content-type": content_type})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert len(plain.upstream.received) == mark


def test_paths_outside_the_prefix_are_404(plain: tf.ProxyClient) -> None:
    response = plain.client.get(plain.url + "/nowhere")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_models_listing_passes(plain: tf.ProxyClient) -> None:
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
        assert tf.missing(tf.answer(response)) == []
    finally:
        server.stop()
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert records, "monitor mode must still audit"
    assert records[-1]["mode"] == "monitor"
    assert tf.leaked([log.read_text()]) == []


def test_model_listing_follows_auth_and_credentials(guarded: tf.ProxyClient) -> None:
    assert guarded.client.get(guarded.url + "/v1/models").status_code == 401
    response = guarded.client.get(guarded.url + "/v1/models",
                                  headers={"authorization": f"Bearer {KEYS['agent-a']}"})
    assert response.status_code == 200
    forwarded = guarded.last().headers
    assert KEYS["agent-a"] not in json.dumps(forwarded)
    assert forwarded["authorization"] == f"Bearer {UPSTREAM_KEY}"


def test_qorgan_key_in_authorization_is_never_forwarded(guarded: tf.ProxyClient) -> None:
    response = guarded.chat("hello", authorization=f"Bearer {KEYS['agent-a']}")
    assert response.status_code == 200
    assert KEYS["agent-a"] not in json.dumps(guarded.last().headers)


@pytest.fixture(scope="module")
def generic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tf.ProxyClient]:
    text = (Path(__file__).parents[2] / "src/qorgan/policies/default.yaml").read_text()
    policy = tf.write_policy(tmp_path_factory.mktemp("generic") / "generic.yaml",
                             text + "traffic: {unknown_routes: generic}\n")
    upstream, _ = tf.demo()
    _, server = tf.proxy(policy)
    with httpx.Client(timeout=30) as client:
        yield tf.ProxyClient(upstream, server.url, client)


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
def test_routes_cannot_leave_the_upstream_base(generic: tf.ProxyClient, path: bytes) -> None:
    mark = len(generic.upstream.received)
    body = json.dumps({"model": "demo-echo", "note": tf.MESSAGE}).encode()
    assert _raw_post(generic.url, path, body) == 404
    assert len(generic.upstream.received) == mark


def test_generic_routes_are_guarded(generic: tf.ProxyClient) -> None:
    response = generic.post("custom/endpoint", {"note": tf.MESSAGE, "nested": [tf.EMAIL]})
    assert response.status_code == 404  # the demo model does not know it; it was forwarded
    record = generic.last()
    assert record.path == "/v1/custom/endpoint"
    assert tf.leaked(tf.bodies([record])) == []
