"""``POST /qorgan/scan``: findings (entity, offsets, score, recognizer) and, under a given
situation, each finding's decision and the text the model would receive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import traffic_fixtures as tf
from qorgan.identity import hash_api_key
from qorgan.policy.loader import read_source

pytestmark = pytest.mark.anyio

TEXT = f"Please write to {tf.NAME} (IIN {tf.IIN}, {tf.EMAIL})."


async def scan(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/qorgan/scan", json=body)


async def test_findings_name_entity_offsets_score_and_recognizer(
    qorgan: httpx.AsyncClient,
) -> None:
    response = await scan(qorgan, {"text": TEXT})
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"findings"}
    found = [(f["entity_type"], TEXT[f["start"]:f["end"]], f["recognizer"])
             for f in answer["findings"]]
    assert found == [("PERSON", tf.NAME, "spacy-en"), ("KZ_IIN", tf.IIN, "KzIinRecognizer"),
                     ("EMAIL_ADDRESS", tf.EMAIL, "OfflineEmailRecognizer")]
    assert all(0.5 <= f["score"] <= 1.0 for f in answer["findings"])
    assert tf.IIN not in str([f.get("recognizer") for f in answer["findings"]])


async def test_a_list_of_texts_and_a_language(qorgan: httpx.AsyncClient) -> None:
    texts = ["Клиент Иван Петров, ИИН 850101300124.", "nothing here"]
    answer = (await scan(qorgan, {"text": texts, "language": "ru"})).json()
    assert [[f["entity_type"] for f in per] for per in answer["findings"]] == [
        ["PERSON", "KZ_IIN"], []]
    only_ids = (await scan(qorgan, {"text": texts, "entities": ["KZ_IIN"]})).json()
    assert [[f["entity_type"] for f in per] for per in only_ids["findings"]] == [["KZ_IIN"], []]


@pytest.mark.parametrize(
    ("decide", "outcome", "actions", "rewritten"),
    [
        pytest.param({"policy": "builtin:kz-pdl", "purpose": "support",
                      "roles": ["support-agent"], "model": "llama-3-70b"}, "transform",
                     ["pseudonymize"] * 3,
                     "Please write to <PERSON_1> (IIN <KZ_IIN_1>, <EMAIL_ADDRESS_1>).",
                     id="kz-pdl-at-home"),
        pytest.param({"policy": "builtin:kz-pdl", "purpose": "support",
                      "roles": ["support-agent"], "destination": "openai"}, "block",
                     ["pseudonymize", "block", "pseudonymize"], None,
                     id="kz-pdl-abroad-blocks-the-iin"),
        pytest.param({"policy": "builtin:kz-pdl", "purpose": "analytics",
                      "roles": ["analyst"], "model": "llama-3"}, "transform",
                     ["hash"] * 3, None, id="kz-pdl-analytics-hashes"),
        pytest.param({}, "transform", ["pseudonymize"] * 3,
                     "Please write to <PERSON_1> (IIN <KZ_IIN_1>, <EMAIL_ADDRESS_1>).",
                     id="current-policy"),
    ],
)
async def test_decisions_and_the_rewritten_text(
    qorgan: httpx.AsyncClient, decide: dict[str, Any], outcome: str, actions: list[str],
    rewritten: str | None,
) -> None:
    answer = (await scan(qorgan, {"text": TEXT, "decide": decide, "rewrite": True})).json()
    decision = answer["decision"]
    assert decision["outcome"] == outcome
    assert [f["decision"]["action"] for f in answer["findings"]] == actions
    if outcome == "block":
        assert answer["text"] is None
        assert decision["block_rules"] == ["national-id-abroad"]
        assert decision["cross_border"] is True
    elif rewritten is not None:
        assert answer["text"] == rewritten
    else:
        assert tf.IIN not in answer["text"]
        assert tf.NAME not in answer["text"]
    assert decision["consent_registry"] is False


async def test_a_denied_purpose_is_reported(qorgan: httpx.AsyncClient) -> None:
    answer = (await scan(qorgan, {"text": TEXT, "rewrite": True, "decide": {
        "policy": "builtin:kz-pdl", "purpose": "social_scoring", "model": "llama-3"}})).json()
    assert answer["decision"]["blocked"] is True
    assert "prohibited" in answer["decision"]["denied_reason"]
    assert answer["text"] is None


async def test_each_rewrite_has_a_vault_of_its_own(qorgan: httpx.AsyncClient) -> None:
    body = {"text": [f"{tf.NAME} and Dana Ospanova", "Dana Ospanova"], "decide": {},
            "rewrite": True}
    first = (await scan(qorgan, body)).json()["text"]
    second = (await scan(qorgan, body)).json()["text"]
    # numbering starts afresh and stays consistent across the texts of one call
    assert first == second == ["<PERSON_1> and <PERSON_2>", "<PERSON_2>"]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"text": TEXT, "rewrite": True}, "invalid_value", "rewrite"),
        ({"text": TEXT, "decide": {"policy": "/etc/passwd"}}, "invalid_value", "policy"),
        ({"text": TEXT, "decide": {"policy": "builtin:kz-pdl", "destination": "mars"}},
         "invalid_value", "destination"),
        ({"text": TEXT, "language": "de"}, "unsupported_language", "language"),
        ({"text": TEXT, "extra": 1}, "unknown_field", None),
        ({}, "missing_field", "text"),
    ],
)
async def test_bad_requests(qorgan: httpx.AsyncClient, body: dict[str, Any], code: str,
                            field: str | None) -> None:
    response = await scan(qorgan, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error.get("field")) == (code, field)
    assert tf.IIN not in response.text
    assert "passwd" not in response.text


async def test_body_limit_is_the_policys(qorgan: httpx.AsyncClient) -> None:
    response = await scan(qorgan, {"text": "x" * (1 << 20)})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


ADMIN_KEY = "qk_scan_admin"
AGENT_KEY = "qk_scan_agent"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> tf.Server:
    root = tmp_path_factory.mktemp("auth")
    base = read_source("builtin:default")[0].decode()
    policy = tf.write_policy(Path(root) / "auth.yaml", base + (
        "\nauth:\n  required: true\n  api_keys:\n"
        f"    - {{id: ops, sha256: {hash_api_key(ADMIN_KEY)}, roles: [admin]}}\n"
        f"    - {{id: bot, sha256: {hash_api_key(AGENT_KEY)}, roles: [agent]}}\n"))
    _, server = tf.proxy(policy, presidio_api=True, ui=True)
    return server


@pytest.fixture
async def auth_client(auth_server: tf.Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=auth_server.url, timeout=60) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path", "body", "admin_only"),
    [
        ("POST", "/qorgan/scan", {"text": TEXT}, False),
        ("POST", "/presidio/analyze", {"text": TEXT, "language": "en"}, False),
        ("GET", "/presidio/supportedentities", None, False),
        ("GET", "/qorgan/policies", None, True),
        ("POST", "/qorgan/policy-tests", {"policy": "builtin:default"}, True),
    ],
)
async def test_the_policys_auth_applies(
    auth_client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None,
    admin_only: bool,
) -> None:
    anonymous = await auth_client.request(method, path, json=body)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    agent = await auth_client.request(method, path, json=body,
                                      headers={"x-qorgan-key": AGENT_KEY})
    assert agent.status_code == (403 if admin_only else 200)
    admin = await auth_client.request(method, path, json=body,
                                      headers={"x-qorgan-key": ADMIN_KEY})
    assert admin.status_code == 200
    assert tf.IIN not in anonymous.text


async def test_the_page_itself_is_served_and_locked_down(auth_client: httpx.AsyncClient) -> None:
    page = await auth_client.get("/qorgan/ui")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "connect-src 'self'" in csp
    assert "'unsafe-eval'" not in csp
    assert page.headers["cache-control"] == "no-store"
    assert "http://" not in page.text
    assert "https://" not in page.text  # nothing loaded from elsewhere


async def test_without_the_flags_nothing_is_mounted() -> None:
    _, server = tf.proxy("builtin:default")
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        for path in ("/presidio/analyze", "/qorgan/ui", "/qorgan/policies"):
            response = await client.get(path)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        doc = (await client.get("/qorgan/openapi.json")).json()
        assert list(doc["paths"]) == ["/qorgan/scan"]
    server.stop()
