"""A provider the registry did not know: one module's worth of definitions and one
registration, and the Guard guards its route end to end."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest

import traffic_fixtures as tf
from qorgan.errors import QorganError
from qorgan.pipeline import Guard, GuardRequest, Runtime, UpstreamRequest, UpstreamResponse
from qorgan.protocols.base import JSONAdapter, Rule, rules
from qorgan.providers import REGISTRY, Provider, Registry, qorgan_error_fields
from qorgan.settings import Settings

NAME, IIN, BIN, IBAN, EMAIL, PHONE, SECRET = tf.VALUES


class GenerateAdapter(JSONAdapter):
    """``{"model": ..., "prompt": ..., "context": [...]}`` in, ``{"output": ...}`` out."""

    name = "acme.generate"
    provider = "acme"
    operation = "text_completion"
    request_structural: ClassVar[tuple[Rule, ...]] = rules(("model",))


def acme_error(exc: QorganError, request_id: str | None) -> dict[str, Any]:
    return {"failure": qorgan_error_fields(exc, request_id) | {"type": "acme"},
            "error": qorgan_error_fields(exc, request_id) | {"type": "acme"}}


ACME = Provider(name="acme", genai_name="acme", errors=acme_error, credential="x-acme-key",
                routes=(("acme/generate", GenerateAdapter(), None),))


@pytest.fixture
def guard() -> Guard:
    runtime = Runtime.from_settings(Settings(master_key=tf.MASTER_KEY),
                                    detector_factory=tf.shared_detector)
    return Guard(runtime, registry=Registry((*REGISTRY, ACME), default=REGISTRY.default))


@pytest.mark.anyio
async def test_a_registered_provider_is_guarded(guard: Guard) -> None:
    seen: list[bytes] = []

    async def upstream(request: UpstreamRequest) -> UpstreamResponse:
        seen.append(request.body)
        prompt = json.loads(request.body)["prompt"]
        body = json.dumps({"output": f"Noted: {prompt}"}).encode()
        return UpstreamResponse(200, [("content-type", "application/json")], body=body)

    body = {"model": "acme-1", "prompt": f"Write to {NAME} at {EMAIL}."}
    response = await guard.handle(GuardRequest(
        method="POST", route="acme/generate", headers={"content-type": "application/json"},
        body=json.dumps(body).encode()), upstream)
    assert response.status == 200
    assert tf.leaked([s.decode() for s in seen]) == []
    assert b"<EMAIL_ADDRESS_1>" in seen[0]
    answer = json.loads(response.body or b"")["output"]
    assert NAME in answer
    assert EMAIL in answer


@pytest.mark.anyio
async def test_its_errors_come_in_its_envelope(guard: Guard) -> None:
    async def upstream(request: UpstreamRequest) -> UpstreamResponse:
        raise AssertionError("an invalid body is never forwarded")

    response = await guard.handle(GuardRequest(
        method="POST", route="acme/generate", headers={"content-type": "application/json"},
        body=b"{not json"), upstream)
    assert response.status == 400
    assert json.loads(response.body or b"")["failure"]["code"] == "invalid_json"
