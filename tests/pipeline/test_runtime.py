"""Runtime: what outlives a request, built from settings — readiness of its vault and
consent registry, a runtime for a policy given directly, its vault shared by concurrent
turns of one conversation, and the kind of span it opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest

import traffic_fixtures as tf
from qorgan.audit.auditor import Auditor
from qorgan.errors import QorganError
from qorgan.pipeline import Runtime
from qorgan.policy.reload import PolicyHolder
from qorgan.settings import Settings
from qorgan.transform import Keyring, MemoryVault, RedisVault

KEY = bytes(range(32))
SECRET_TEXT = "Aigerim Serikova 901123300258"


@pytest.mark.anyio
async def test_readiness_memory_vault() -> None:
    runtime = Runtime(Settings(master_key=KEY), policy=PolicyHolder("builtin:default"),
                      vault=MemoryVault(), consent=None, auditor=Auditor())
    assert await runtime.readiness() == {"policy": "ok", "vault": "ok"}
    await runtime.aclose()


@pytest.mark.anyio
async def test_readiness_reports_a_redis_vault_that_is_down() -> None:
    runtime = Runtime(Settings(master_key=KEY), policy=PolicyHolder("builtin:default"),
                      vault=RedisVault("redis://127.0.0.1:1/0", Keyring(KEY),
                                       connect_timeout=0.5),
                      consent=None, auditor=Auditor())
    checks = await runtime.readiness()
    assert checks["vault"] != "ok"
    await runtime.aclose()


@pytest.mark.anyio
@pytest.mark.redis
async def test_from_settings_with_redis_vault_and_sqlite_consent(redis_url: str,
                                                                 tmp_path: Path) -> None:
    settings = Settings(master_key=KEY, vault_url=redis_url,
                        consent_url=f"sqlite:///{tmp_path / 'c.db'}",
                        audit_log=str(tmp_path / "audit.jsonl"))
    runtime = Runtime.from_settings(settings)
    assert await runtime.readiness() == {"policy": "ok", "vault": "ok", "consent": "ok"}
    await runtime.aclose()


def test_runtime_for_policy() -> None:
    runtime = Runtime.for_policy("builtin:gdpr", settings=Settings(master_key=KEY))
    assert runtime.policy().name == "gdpr"


def test_runtime_for_policy_fails_on_a_broken_policy(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nname: x\nrules: []\n")
    with pytest.raises(QorganError):
        Runtime.for_policy(broken, settings=Settings(master_key=KEY))


# -- the runtime's vault behind a live proxy ------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("vault", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def test_concurrent_turns_of_one_conversation(vault: str,
                                                    request: pytest.FixtureRequest) -> None:
    import httpx

    options: dict[str, Any] = {"vault_ttl": 60.0}
    if vault == "redis":
        options["vault_url"] = request.getfixturevalue("redis_url")
    upstream, _ = tf.demo()
    app, server = tf.proxy(**options)
    # an anonymous caller continues only a conversation the guard issued to it
    conversation = app.runtime.identity.issue_conversation()
    emails = [f"user{i}.name@mail.kz" for i in range(10)]
    answers: dict[str, str] = {}

    async def turn(client: httpx.AsyncClient, email: str, stream: bool) -> None:
        body: dict[str, Any] = {"model": "demo-echo", "stream": stream,
                                "messages": [{"role": "user", "content": f"write to {email}"}]}
        response = await client.post(server.url + "/v1/chat/completions", json=body,
                                     headers={"x-qorgan-conversation": conversation})
        answers[email] = response.text

    mark = len(upstream.received)
    try:
        async with httpx.AsyncClient(timeout=60) as client, anyio.create_task_group() as tg:
            for i, email in enumerate(emails):
                tg.start_soon(turn, client, email, i % 2 == 0)
    finally:
        server.stop()
    for email, answer in answers.items():
        assert email in answer
        assert [e for e in emails if e != email and e in answer] == []
    sent = [r.json()["messages"][-1]["content"] for r in upstream.received[mark:]]
    tokens = {s.removeprefix("write to ") for s in sent}
    assert len(tokens) == len(emails)
    assert all(t.startswith("<EMAIL_ADDRESS_") for t in tokens)
    assert tf.leaked(sent, emails) == []


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["SERVER", "INTERNAL"])
async def test_span_kind_of_the_request_span(kind: str) -> None:
    import httpx
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import SpanKind

    from qorgan.demo.upstream import DemoUpstream
    from qorgan.pipeline import Guard, GuardRequest, UpstreamRequest, UpstreamResponse

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    runtime = Runtime.from_settings(Settings(master_key=KEY), tracer_provider=provider,
                                    detector_factory=tf.shared_detector,
                                    span_kind=SpanKind[kind])
    demo = DemoUpstream()

    async def upstream(request: UpstreamRequest) -> UpstreamResponse:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(demo),
                                     base_url="http://demo") as client:
            r = await client.post("/v1/" + request.route, content=request.body,
                                  headers=request.headers)
        return UpstreamResponse(r.status_code, list(r.headers.items()), body=r.content)

    response = await Guard(runtime).handle(GuardRequest(
        method="POST", route="embeddings", headers={"content-type": "application/json"},
        body=b'{"model": "demo-embed", "input": "hello"}'), upstream)
    assert response.status == 200
    spans = [s for s in exporter.get_finished_spans() if s.name.startswith("qorgan.guard")]
    assert [s.kind for s in spans] == [SpanKind[kind]]
    provider.shutdown()


def test_the_sidecar_app_keeps_the_guard_span_internal() -> None:
    """The sidecar's SERVER span is the edge's (qorgan.audit.server); the guard's span with
    the decision is its INTERNAL child (tests/edges/test_proxy_telemetry.py)."""
    from opentelemetry.trace import SpanKind

    from qorgan.edges.proxy import create_app

    app = create_app(Settings(master_key=KEY, upstream="http://127.0.0.1:9/v1"))
    assert app.runtime.auditor._kind is SpanKind.INTERNAL
