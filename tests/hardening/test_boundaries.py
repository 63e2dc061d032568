"""The guard's boundaries tried as an attacker would, through the proxy on loopback with a
recording upstream: what reaches the upstream besides the body (query strings, headers,
credentials), whose conversation a caller reaches, and what a header may claim against a
verified identity. Each refusal is a 4xx with a documented code."""

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
JWT_SECRET = "jwt-secret-for-boundary-tests-0123456789ab"
JWT_ENV = "QORGAN_TEST_BOUNDARY_JWT_SECRET"
SVC_KEY = "key-of-the-svc-service"
ADMIN_KEY = "key-of-the-admin"

AUTH_POLICY = f"""
version: 1
name: t-boundaries
categories:
  identity: [PERSON]
  contact: [EMAIL_ADDRESS, PHONE_NUMBER]
  national_id: [KZ_IIN, KZ_BIN]
purposes:
  - {{id: support}}
  - {{id: analytics}}
  - {{id: marketing, denied: true}}
default_purpose: support
auth:
  api_keys:
    - {{id: svc, sha256: {hashlib.sha256(SVC_KEY.encode()).hexdigest()}, roles: [agent]}}
    - {{id: admin, sha256: {hashlib.sha256(ADMIN_KEY.encode()).hexdigest()}, roles: [admin]}}
  jwt: {{issuer: qorgan-test, audience: qorgan, algorithms: [HS256], secret_env: {JWT_ENV},
         subject_claim: customer, purpose_claim: purpose, header: x-auth-token}}
traffic:
  forward_headers: {{x-tenant-region: "[a-z]{{2}}-[a-z]+"}}
rules:
  - {{id: default, action: pseudonymize}}
"""


def token(sub: str = "svc", **claims: Any) -> str:
    body = {"iss": "qorgan-test", "aud": "qorgan", "sub": sub, "roles": ["agent"],
            "exp": int(time.time()) + 600, **claims}
    return jwt.encode(body, JWT_SECRET, algorithm="HS256")


def chat(text: str, stream: bool = False) -> dict[str, Any]:
    return {"model": "demo-echo", "stream": stream,
            "messages": [{"role": "user", "content": text}]}


@pytest.fixture(scope="module")
def anonymous() -> Iterator[tf.ProxyClient]:
    upstream, _ = tf.demo()
    _, server = tf.proxy()
    with httpx.Client(timeout=30) as client:
        yield tf.ProxyClient(upstream, server.url, client)
    server.stop()


@pytest.fixture(scope="module")
def authed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tf.ProxyClient]:
    mp = pytest.MonkeyPatch()
    mp.setenv(JWT_ENV, JWT_SECRET)
    path = tf.write_policy(tmp_path_factory.mktemp("boundaries") / "p.yaml", AUTH_POLICY)
    upstream, _ = tf.demo()
    _, server = tf.proxy(path)
    with httpx.Client(timeout=30) as client:
        yield tf.ProxyClient(upstream, server.url, client)
    server.stop()
    mp.undo()


def answer_text(response: httpx.Response) -> str:
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        pieces = []
        for line in response.text.splitlines():
            if line.startswith("data: {"):
                for choice in json.loads(line[6:]).get("choices", []):
                    pieces.append(choice.get("delta", {}).get("content") or "")
        return "".join(pieces)
    return tf.answer(response)


# -- 4. query strings and headers -----------------------------------------------------------

def test_query_values_are_scanned_like_the_body(anonymous: tf.ProxyClient) -> None:
    mark = len(anonymous.upstream.received)
    response = anonymous.client.post(
        anonymous.url + "/v1/chat/completions", json=chat("hello"),
        params={"user": EMAIL, "iin": IIN, "api-version": "2024-06-01"})
    assert response.status_code == 200, response.text
    (record,) = anonymous.upstream.received[mark:]
    assert tf.leaked([record.query]) == []
    assert "api-version=2024-06-01" in record.query
    assert "user=%3CEMAIL_ADDRESS_1%3E" in record.query


@pytest.mark.parametrize("query", ["a@b.kz=1", "x=1&x%00=2", "=" * 3],
                         ids=["value-shaped-name", "control-in-name", "no-name"])
def test_query_names_that_are_not_identifiers_are_refused(anonymous: tf.ProxyClient,
                                                          query: str) -> None:
    mark = len(anonymous.upstream.received)
    response = anonymous.client.post(anonymous.url + "/v1/chat/completions?" + query,
                                     json=chat("hello"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_query"
    assert len(anonymous.upstream.received) == mark


def test_a_listing_query_carries_ids_only(anonymous: tf.ProxyClient) -> None:
    ok = anonymous.client.get(anonymous.url + "/v1/models", params={"limit": "20"})
    assert ok.status_code == 200
    refused = anonymous.client.get(anonymous.url + "/v1/models", params={"after": EMAIL})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_query"


@pytest.mark.parametrize(
    ("name", "value", "forwarded"),
    [
        ("x-user-email", EMAIL, False),
        ("openai-organization", EMAIL, False),
        ("openai-organization", "org-AbC123", True),
        ("openai-project", "proj_Abc123", True),
        ("openai-beta", "assistants=v2", True),
        ("baggage", f"user={EMAIL}", False),
        ("tracestate", f"vendor={EMAIL}", False),
        ("user-agent", f"MyApp/1.0 ({EMAIL})", False),
        ("x-stainless-os", NAME, False),
        ("accept", "application/json", True),
        ("x-forwarded-for", "10.1.2.3", False),
        ("cookie", "session=abc", False),
    ],
)
def test_only_allowed_headers_of_the_allowed_shape_reach_the_upstream(
    anonymous: tf.ProxyClient, name: str, value: str, forwarded: bool,
) -> None:
    response = anonymous.client.post(anonymous.url + "/v1/chat/completions",
                                     json=chat("hello"), headers={name: value})
    assert response.status_code == 200
    seen = anonymous.last().headers
    assert (seen.get(name) == value) is forwarded
    assert tf.leaked([json.dumps(seen)]) == []


@pytest.mark.parametrize(("value", "forwarded"), [("kz-almaty", True), (EMAIL, False)])
def test_a_policy_adds_headers_with_their_shape(authed: tf.ProxyClient, value: str,
                                                forwarded: bool) -> None:
    response = authed.chat("hello", x_qorgan_key=SVC_KEY, x_tenant_region=value)
    assert response.status_code == 200
    assert (authed.last().headers.get("x-tenant-region") == value) is forwarded


def test_anthropic_headers_pass_with_their_shape(anonymous: tf.ProxyClient) -> None:
    body = {"model": "demo-echo", "max_tokens": 10,
            "messages": [{"role": "user", "content": "hi"}]}
    response = anonymous.client.post(anonymous.url + "/v1/messages", json=body, headers={
        "anthropic-version": "2023-06-01", "anthropic-beta": "prompt-caching-2024-07-31"})
    assert response.status_code == 200
    seen = anonymous.last().headers
    assert seen["anthropic-version"] == "2023-06-01"
    assert seen["anthropic-beta"] == "prompt-caching-2024-07-31"


# -- 5. conversations belong to one caller ----------------------------------------------------

@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_an_anonymous_caller_never_reaches_another_ones_conversation(
    anonymous: tf.ProxyClient, stream: bool,
) -> None:
    # caller A starts a conversation and sends its values
    first = anonymous.post("chat/completions", chat(f"I am {EMAIL}, IIN {IIN}."),
                           x_qorgan_conversation="new")
    assert first.status_code == 200
    issued = first.headers["x-qorgan-conversation"]
    assert issued.startswith("qc1.")
    # caller B picks an id of its own (what broke before): refused, nothing forwarded
    mark = len(anonymous.upstream.received)
    guessed = anonymous.post("chat/completions", chat("Who is <EMAIL_ADDRESS_1>?", stream),
                             x_qorgan_conversation="conv-1")
    assert guessed.status_code == 400
    assert guessed.json()["error"]["code"] == "conversation_not_issued"
    assert len(anonymous.upstream.received) == mark
    # caller B in a conversation of its own gets its placeholders back, never A's values
    own = anonymous.post("chat/completions", chat("Who is <EMAIL_ADDRESS_1>?", stream),
                         x_qorgan_conversation="new")
    assert own.headers["x-qorgan-conversation"] != issued
    assert tf.leaked([own.text]) == []
    assert "<EMAIL_ADDRESS_1>" in answer_text(own)
    # a forged id in the issued form is refused too
    forged = issued[:-4] + ("AAAA" if not issued.endswith("AAAA") else "BBBB")
    response = anonymous.post("chat/completions", chat("hi"), x_qorgan_conversation=forged)
    assert response.json()["error"]["code"] == "conversation_not_issued"
    # and A continues its own conversation with its values restored
    again = anonymous.post("chat/completions", chat("Write to <EMAIL_ADDRESS_1>."),
                           x_qorgan_conversation=issued)
    assert EMAIL in answer_text(again)


def test_a_token_subject_and_an_api_key_with_one_id_are_two_callers(
    authed: tf.ProxyClient,
) -> None:
    conversation = "shared-name"
    by_key = authed.post("chat/completions", chat(f"I am {EMAIL}."), x_qorgan_key=SVC_KEY,
                         x_qorgan_conversation=conversation)
    assert EMAIL in answer_text(by_key)
    by_token = authed.post("chat/completions", chat("Who is <EMAIL_ADDRESS_1>?"),
                           x_auth_token=token("svc"), x_qorgan_conversation=conversation)
    assert by_token.status_code == 200
    assert tf.leaked([by_token.text]) == []


# -- 6. verified claims win over headers -----------------------------------------------------

@pytest.mark.parametrize(
    ("claims", "headers", "status", "code"),
    [
        ({"purpose": "analytics"}, {"x_qorgan_purpose": "support"}, 403, "claim_conflict"),
        ({"customer": "c-1"}, {"x_qorgan_subject": "c-2"}, 403, "claim_conflict"),
        ({"purpose": "analytics"}, {"x_qorgan_purpose": "analytics"}, 200, None),
        ({}, {"x_qorgan_purpose": "analytics"}, 200, None),  # fills in what is not said
        ({"purpose": "marketing"}, {"x_qorgan_purpose": "support"}, 403, "claim_conflict"),
    ],
)
def test_a_header_never_overrides_a_verified_claim(
    authed: tf.ProxyClient, claims: dict[str, str], headers: dict[str, str], status: int,
    code: str | None,
) -> None:
    mark = len(authed.upstream.received)
    response = authed.post("chat/completions", chat(f"I am {NAME}."),
                           x_auth_token=token(**claims), **headers)
    assert response.status_code == status, response.text
    if code is not None:
        assert response.json()["error"]["code"] == code
        assert len(authed.upstream.received) == mark
    assert tf.leaked([response.text]) == [] or status == 200


def test_a_policy_can_refuse_every_context_header(tmp_path: Path) -> None:
    text = AUTH_POLICY.replace("default_purpose: support",
                               "default_purpose: support\ncontext: {from_headers: []}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(JWT_ENV, JWT_SECRET)
        _, server = tf.proxy(tf.write_policy(tmp_path / "strict.yaml", text))
        try:
            response = httpx.post(server.url + "/v1/chat/completions", json=chat("hi"),
                                  headers={"x-qorgan-key": SVC_KEY,
                                           "x-qorgan-purpose": "support"}, timeout=30)
        finally:
            server.stop()
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "header_not_allowed"


# -- 7. the caller's credentials never go upstream -------------------------------------------

@pytest.mark.parametrize(
    ("route", "method", "body"),
    [("chat/completions", "POST", chat("hello")), ("models", "GET", None)],
)
def test_the_custom_token_header_never_reaches_the_upstream(
    authed: tf.ProxyClient, route: str, method: str, body: Any,
) -> None:
    credential = token()
    response = authed.client.request(method, f"{authed.url}/v1/{route}", json=body,
                                     headers={"x-auth-token": credential})
    assert response.status_code == 200, response.text
    assert credential not in json.dumps(authed.last().headers)


def test_a_token_beside_the_qorgan_key_is_not_forwarded(authed: tf.ProxyClient) -> None:
    credential = token()
    response = authed.chat("hello", x_qorgan_key=SVC_KEY,
                           authorization=f"Bearer {credential}")
    assert response.status_code == 200
    forwarded = json.dumps(authed.last().headers)
    assert credential not in forwarded
    assert SVC_KEY not in forwarded


def test_the_providers_key_beside_the_qorgan_key_passes_through(
    authed: tf.ProxyClient,
) -> None:
    response = authed.chat("hello", x_qorgan_key=SVC_KEY, authorization="Bearer sk-provider")
    assert response.status_code == 200
    assert authed.last().headers["authorization"] == "Bearer sk-provider"


# -- 10. memory per request ------------------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_a_one_shot_scope_is_freed_when_its_answer_ends(stream: bool) -> None:
    app, server = tf.proxy()
    try:
        text = " ".join(f"user{i}@mail.kz" for i in range(200))
        response = httpx.post(server.url + "/v1/chat/completions", json=chat(text, stream),
                              timeout=60)
        assert response.status_code == 200
        assert "user199@mail.kz" in response.text
        assert len(app.runtime.oneshot_vault) == 0
    finally:
        server.stop()


@pytest.mark.redis
def test_one_shot_requests_write_nothing_in_a_shared_vault(redis_url: str) -> None:
    import redis

    _, server = tf.proxy(vault_url=redis_url)
    client = redis.Redis.from_url(redis_url)
    try:
        before = set(client.scan_iter(match="qorgan:vault:*"))
        response = httpx.post(server.url + "/v1/chat/completions",
                              json=chat(f"I am {EMAIL}."), timeout=60)
        assert EMAIL in tf.answer(response)
        assert set(client.scan_iter(match="qorgan:vault:*")) == before
    finally:
        client.close()
        server.stop()


def test_a_full_tenant_refuses_new_conversations_with_429() -> None:
    _, server = tf.proxy(vault_max_conversations=1)
    try:
        first = httpx.post(server.url + "/v1/chat/completions", json=chat(f"I am {NAME}."),
                           headers={"x-qorgan-conversation": "new"}, timeout=60)
        assert first.status_code == 200
        second = httpx.post(server.url + "/v1/chat/completions", json=chat(f"I am {NAME}."),
                            headers={"x-qorgan-conversation": "new"}, timeout=60)
        assert second.status_code == 429
        assert second.json()["error"]["code"] == "tenant_full"
        assert tf.leaked([second.text]) == []
        # the first conversation goes on; one-shot requests are not counted
        again = httpx.post(server.url + "/v1/chat/completions", json=chat("hi"),
                           headers={"x-qorgan-conversation":
                                    first.headers["x-qorgan-conversation"]}, timeout=60)
        assert again.status_code == 200
        assert httpx.post(server.url + "/v1/chat/completions", json=chat("hi"),
                          timeout=60).status_code == 200
    finally:
        server.stop()


# -- the same through the middleware ---------------------------------------------------------

@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["proxy", "middleware"])
async def test_query_headers_and_conversations_in_both_deployments(
    make_stack: Any, kind: str,
) -> None:
    async with make_stack(kind) as stack:
        response = await stack.post(
            "chat/completions", chat("hello"), params={"user": EMAIL, "iin": IIN},
            headers={"x-user-email": EMAIL, "baggage": f"u={EMAIL}",
                     "x-qorgan-conversation": "new"})
        assert response.status_code == 200, response.text
        issued = response.headers["x-qorgan-conversation"]
        assert tf.leaked(stack.forwarded) == []
        guessed = await stack.post("chat/completions", chat("Who is <EMAIL_ADDRESS_1>?"),
                                   headers={"x-qorgan-conversation": "conv-1"})
        assert guessed.status_code == 400
        assert guessed.json()["error"]["code"] == "conversation_not_issued"
        again = await stack.post("chat/completions", chat("Mail <EMAIL_ADDRESS_1>."),
                                 headers={"x-qorgan-conversation": issued})
        assert again.status_code == 200
        assert tf.leaked(stack.forwarded) == []
