"""Runtime: detectors built once per detection configuration and run off the event loop
under a timeout (failing closed), keyed identifiers, readiness, authenticators."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio
import pytest

import traffic_fixtures as tf
from qorgan.audit.auditor import Auditor
from qorgan.detection.config import DetectionConfig
from qorgan.errors import ConfigError, DetectionError, QorganError
from qorgan.policy.reload import PolicyHolder
from qorgan.runtime import Runtime, runtime_for_policy
from qorgan.settings import Settings
from qorgan.transform import Keyring, MemoryVault, RedisVault
from qorgan.types import Finding, Principal

KEY = bytes(range(32))
SECRET_TEXT = "Aigerim Serikova 901123300258"


class FakeDetector:
    def __init__(self, behaviour: str = "ok") -> None:
        self.behaviour = behaviour
        self.calls = 0
        self.threads: list[int] = []

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        self.calls += 1
        self.threads.append(threading.get_ident())
        if self.behaviour == "slow":
            time.sleep(0.5)
        if self.behaviour == "crash":
            raise RuntimeError(f"cannot analyse {texts[0]}")
        if self.behaviour == "qorgan":
            raise DetectionError("model missing", code="model_missing")
        return [[Finding("PERSON", 0, 5, 0.9, "fake")] for _ in texts]


def make(behaviour: str = "ok", **settings: Any) -> tuple[Runtime, list[FakeDetector]]:
    made: list[FakeDetector] = []

    def factory(config: DetectionConfig) -> Any:
        made.append(FakeDetector(behaviour))
        return made[-1]

    settings.setdefault("master_key", KEY)
    runtime = Runtime(Settings(**settings),
                      policy=PolicyHolder("builtin:default"), vault=MemoryVault(),
                      consent=None, auditor=Auditor(), detector_factory=factory)
    return runtime, made


@pytest.mark.anyio
async def test_detector_is_built_once_and_reused() -> None:
    runtime, made = make()
    engine = runtime.policy()
    (first,) = await runtime.detect_many(engine, [(["Hello"], True)])
    (second,) = await runtime.detect_many(engine, [(["Hi", "there"], True)])
    assert len(made) == 1
    assert made[0].calls == 2
    assert [len(f) for f in first + second] == [1, 1, 1]
    assert runtime.detector(engine) is made[0]


@pytest.mark.anyio
async def test_several_batches_run_in_one_hop_off_the_event_loop() -> None:
    runtime, made = make()
    engine = runtime.policy()
    results = await runtime.detect_many(engine, [(["a"], True), ([], False), (["b", "c"], True)])
    assert [len(batch) for batch in results] == [1, 0, 2]
    (detector,) = made
    assert detector.calls == 2
    assert len(set(detector.threads)) == 1
    assert detector.threads[0] != threading.get_ident()
    assert await runtime.detect_many(engine, [([], True), ([], False)]) == [[], []]
    assert detector.calls == 2


@pytest.mark.anyio
async def test_answers_under_way_have_their_own_lane() -> None:
    runtime, _ = make()
    engine = runtime.policy()
    holders = [object() for _ in range(int(runtime.limiter.total_tokens))]
    for holder in holders:  # every request slot busy with other prompts
        await runtime.limiter.acquire_on_behalf_of(holder)
    try:
        with anyio.fail_after(5):
            found = await runtime.detect_many(engine, [(["an answer"], True)], response=True)
        assert [len(batch) for batch in found] == [1]
        with pytest.raises(TimeoutError), anyio.fail_after(0.2):
            await runtime.detect_many(engine, [(["a new prompt"], True)])
    finally:
        for holder in holders:
            runtime.limiter.release_on_behalf_of(holder)


@pytest.mark.anyio
async def test_no_texts_no_detection() -> None:
    runtime, made = make()
    assert await runtime.detect_many(runtime.policy(), [([], True)]) == [[]]
    assert made == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("behaviour", "settings", "code"),
    [
        ("slow", {"detect_timeout": 0.05}, "detection_timeout"),
        ("crash", {}, "detection_failed"),
        ("qorgan", {}, "model_missing"),
    ],
)
async def test_detection_failures_fail_closed(behaviour: str, settings: dict[str, Any],
                                              code: str) -> None:
    runtime, _ = make(behaviour, **settings)
    with pytest.raises(DetectionError) as info:
        await runtime.detect_many(runtime.policy(), [([SECRET_TEXT], True)])
    assert info.value.code == code
    assert "Serikova" not in str(info.value)


def test_principal_ids_are_keyed_hashes() -> None:
    runtime, _ = make()
    alice = Principal(id="alice", roles=frozenset(), tenant="t1")
    assert runtime.principal_id(Principal.anonymous()) == "anonymous"
    pid = runtime.principal_id(alice)
    assert "alice" not in pid
    assert pid == runtime.principal_id(alice)
    other, _ = make(master_key=bytes(32))
    assert other.principal_id(alice) != pid


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("t1", "alice", "c1"), ("t1", "alice", "c2")),
        (("t1", "alice", "c1"), ("t1", "bob", "c1")),
        (("t1", "alice", "c1"), ("t2", "alice", "c1")),
        (("t1", "al", "ice\x00c1"), ("t1", "alice", "c1")),
    ],
)
def test_conversation_keys_are_scoped(a: tuple[str, str, str], b: tuple[str, str, str]
                                      ) -> None:
    runtime, _ = make()

    def key(t: tuple[str, str, str]) -> str:
        return runtime.conversation_key(Principal(id=t[1], roles=frozenset(), tenant=t[0]),
                                        t[2])

    assert key(a) == key(a)
    assert key(a) != key(b)


@pytest.mark.anyio
async def test_readiness_memory_vault() -> None:
    runtime, _ = make()
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


def test_authenticators_are_cached_per_policy_version() -> None:
    runtime, _ = make()
    engine = runtime.policy()
    assert runtime.authenticator(engine) is None
    assert engine.version in runtime._authenticators


def test_resolver_becomes_an_authenticator() -> None:
    runtime = Runtime(Settings(master_key=KEY), policy=PolicyHolder("builtin:default"),
                      vault=MemoryVault(), consent=None, auditor=Auditor(),
                      resolver=lambda headers: None)
    assert runtime.authenticator(runtime.policy()) is not None


def test_runtime_for_policy() -> None:
    runtime = runtime_for_policy("builtin:gdpr", settings=Settings(master_key=KEY))
    assert runtime.policy().name == "gdpr"
    with pytest.raises(ConfigError):
        runtime_for_policy(runtime.policy(), settings=Settings(master_key=KEY))  # type: ignore[arg-type]


def test_runtime_for_policy_fails_on_a_broken_policy(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nname: x\nrules: []\n")
    with pytest.raises(QorganError):
        runtime_for_policy(broken, settings=Settings(master_key=KEY))


# -- the runtime's vault behind a live proxy ------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("vault", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def test_concurrent_turns_of_one_conversation(vault: str,
                                                    request: pytest.FixtureRequest) -> None:
    import secrets

    import anyio
    import httpx

    options: dict[str, Any] = {"vault_ttl": 60.0}
    if vault == "redis":
        options["vault_url"] = request.getfixturevalue("redis_url")
    upstream, _ = tf.demo()
    _, server = tf.proxy(**options)
    conversation = "conv-" + secrets.token_hex(8)
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
    from qorgan.guard import Guard, GuardRequest, UpstreamRequest, UpstreamResponse

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


def test_the_sidecar_app_uses_server_spans() -> None:
    from opentelemetry.trace import SpanKind

    from qorgan.proxy import create_app

    app = create_app(Settings(master_key=KEY, upstream="http://127.0.0.1:9/v1"))
    assert app.runtime.auditor._kind is SpanKind.SERVER
