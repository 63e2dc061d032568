"""The OpenAPI 3.1 document at /qorgan/openapi.json: it validates, and every operation it
describes is called as the document says, each answer checked against its schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import traffic_fixtures as tf
from qorgan.identity import hash_api_key
from qorgan.policy.loader import read_source

pytestmark = pytest.mark.anyio

ADMIN_KEY = "qk_openapi_admin"
ADMIN = {"x-qorgan-key": ADMIN_KEY}
SUBJECT = "901123300258"
TEXT = "Aigerim Serikova, IIN 901123300258, aigerim@mail.kz"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> tf.Server:
    root = tmp_path_factory.mktemp("openapi")
    base = read_source("builtin:kz-pdl")[0].decode()
    policy = tf.write_policy(root / "kz-pdl.yaml", base + (
        "\nauth:\n  api_keys:\n"
        f"    - {{id: ops, sha256: {hash_api_key(ADMIN_KEY)}, roles: [admin]}}\n"))
    (root / "kz-pdl.tests.yaml").write_bytes(read_source("builtin:kz-pdl.tests")[0])
    _, srv = tf.proxy(policy, presidio_api=True, ui=True,
                      consent_url=f"sqlite:///{root / 'consent.db'}")
    return srv


@pytest.fixture
async def client(server: tf.Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as c:
        yield c


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/qorgan/openapi.json")
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


async def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema


#: operationId -> (request keyword arguments, expected status); one per operation
CALLS: dict[str, tuple[dict[str, Any], int]] = {
    "grantConsent": ({"json": {"subject": SUBJECT, "purpose": "support",
                               "categories": ["national_id"], "cross_border": True},
                      "headers": ADMIN}, 201),
    "listConsents": ({"headers": ADMIN | {"x-qorgan-subject": SUBJECT}}, 200),
    "withdrawConsent": ({"json": {"subject": "someone-else"}, "headers": ADMIN}, 200),
    "scan": ({"json": {"text": TEXT, "decide": {"purpose": "support", "roles": ["admin"],
                                                "model": "gpt-4o", "subject": SUBJECT},
                       "rewrite": True}}, 200),
    "presidioHealth": ({}, 200),
    "presidioAnalyze": ({"json": {"text": TEXT, "language": "en"}}, 200),
    "presidioRecognizers": ({"params": {"language": "kk"}}, 200),
    "presidioSupportedEntities": ({"params": {"language": "ru"}}, 200),
    "presidioAnonymize": ({"json": {"text": TEXT, "analyzer_results": [
        {"start": 22, "end": 34, "score": 1.0, "entity_type": "KZ_IIN"}]}}, 200),
    "presidioDeanonymize": ({"json": {"text": "abc", "anonymizer_results": [
        {"start": 0, "end": 3, "entity_type": "X"}],
        "deanonymizers": {"DEFAULT": {"type": "deanonymize_keep"}}}}, 200),
    "presidioAnonymizers": ({}, 200),
    "presidioDeanonymizers": ({}, 200),
    "listPolicies": ({"headers": ADMIN}, 200),
    "runPolicyTests": ({"json": {"policy": "current"}, "headers": ADMIN}, 200),
    "playground": ({}, 200),
}


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {op["operationId"]: (method.upper(), path, op)
            for path, item in document["paths"].items()
            for method, op in item.items()}


def _check(document: dict[str, Any], schema: dict[str, Any], value: Any) -> None:
    """``value`` against a schema of the document; its ``$ref``s resolve in the document."""
    contents = {**document, "$id": "urn:qorgan-openapi",
                "components": {**document["components"], "__target": schema}}
    registry: Registry[Any] = Registry().with_resource(
        "urn:qorgan-openapi", Resource.from_contents(contents, default_specification=DRAFT202012))
    Draft202012Validator({"$ref": "urn:qorgan-openapi#/components/__target"},
                         registry=registry).validate(value)


async def test_every_operation_is_covered(document: dict[str, Any]) -> None:
    assert set(_operations(document)) == set(CALLS)


@pytest.mark.parametrize("operation_id", list(CALLS))
async def test_operation_answers_as_documented(
    client: httpx.AsyncClient, document: dict[str, Any], operation_id: str
) -> None:
    method, path, op = _operations(document)[operation_id]
    kwargs, status = CALLS[operation_id]
    body_schema = (op.get("requestBody", {}).get("content", {})
                   .get("application/json", {}).get("schema"))
    if "json" in kwargs:
        assert body_schema is not None, "a body is sent but none is documented"
        _check(document, body_schema, kwargs["json"])
    if operation_id == "listConsents":
        await client.post("/qorgan/consents/", json=CALLS["grantConsent"][0]["json"],
                          headers=ADMIN)
    response = await client.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    documented = op["responses"][str(status)]
    content = documented.get("content", {})
    if "application/json" in content:
        _check(document, content["application/json"]["schema"], response.json())
    elif "text/html" in content:
        assert response.headers["content-type"].startswith("text/html")
    else:
        assert "text/plain" in content
        assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("operation_id", ["grantConsent", "scan", "presidioAnalyze",
                                          "presidioAnonymize", "runPolicyTests"])
async def test_a_bad_body_is_a_documented_error(
    client: httpx.AsyncClient, document: dict[str, Any], operation_id: str
) -> None:
    method, path, op = _operations(document)[operation_id]
    headers = {**CALLS[operation_id][0].get("headers", {}),
               "content-type": "application/json"}
    response = await client.request(method, path, content=b'{"text": [1, 2', headers=headers)
    assert response.status_code == 400
    assert "400" in op["responses"]
    _check(document, op["responses"]["400"]["content"]["application/json"]["schema"],
           response.json())
    assert response.json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("operation_id", ["grantConsent", "listPolicies", "runPolicyTests"])
async def test_admin_operations_need_the_admin_key(
    client: httpx.AsyncClient, document: dict[str, Any], operation_id: str
) -> None:
    method, path, op = _operations(document)[operation_id]
    kwargs = {k: v for k, v in CALLS[operation_id][0].items() if k != "headers"}
    response = await client.request(method, path, **kwargs)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert "401" in op["responses"]
