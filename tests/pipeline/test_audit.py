"""One guarded request leaves one span (with stage children), metrics and one signed,
chained decision-log record — and the trace context reaches the upstream."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from qorgan.audit.signing import generate_signing_key
from qorgan.audit.verify import verify_log
from qorgan.errors import UpstreamError
from qorgan.pipeline import Guard, GuardRequest, Runtime, UpstreamRequest, UpstreamResponse
from qorgan.settings import Settings

pytestmark = pytest.mark.anyio

VALUES = ("Aigerim Serikova", "901123300258", "aigerim.serikova@mail.kz")


async def test_span_metrics_and_log_record_for_one_request(tmp_path: Path) -> None:
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    key = generate_signing_key(tmp_path / "audit.key")
    log_path = tmp_path / "decisions.jsonl"
    settings = Settings(policy="builtin:default", master_key=secrets.token_bytes(32),
                        audit_log=str(log_path), audit_key_file=str(tmp_path / "audit.key"))
    runtime = Runtime.from_settings(settings, tracer_provider=tracer_provider,
                                    meter_provider=meter_provider)
    seen: list[UpstreamRequest] = []

    async def upstream(request: UpstreamRequest) -> UpstreamResponse:
        seen.append(request)
        reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"},
                              "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 21, "completion_tokens": 1, "total_tokens": 22}}
        return UpstreamResponse(200, [("content-type", "application/json")],
                                body=json.dumps(reply).encode())

    text = f"I am {VALUES[0]}, IIN {VALUES[1]}, mail {VALUES[2]}."
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": text}]}
    response = await Guard(runtime).handle(GuardRequest(
        "POST", "chat/completions", {"content-type": "application/json",
                                     "x-qorgan-subject": "client-1",
                                     "x-qorgan-purpose": "support"},
        json.dumps(body).encode()), upstream)
    await runtime.aclose()
    assert response.status == 200

    finished = {s.name: s for s in spans.get_finished_spans()}
    root = finished["qorgan.guard chat"]
    attrs = dict(root.attributes or {})
    assert attrs["gen_ai.operation.name"] == "chat"
    assert attrs["gen_ai.provider.name"] == "openai"
    assert attrs["gen_ai.request.model"] == "gpt-4o"
    assert attrs["gen_ai.usage.input_tokens"] == 21
    assert attrs["qorgan.decision"] == "transform"
    assert attrs["qorgan.policy.name"] == "default"
    assert len(str(attrs["qorgan.policy.version"])) == 64
    assert attrs["qorgan.entities.KZ_IIN"] == 1
    assert attrs["qorgan.actions.pseudonymize"] == 3
    assert "personal-data-pseudonymized" in tuple(attrs["qorgan.rule_ids"])  # type: ignore[arg-type]
    for stage in ("qorgan.detect", "qorgan.decide", "chat gpt-4o"):
        parent = finished[stage].parent
        assert parent is not None
        assert root.context is not None
        assert parent.span_id == root.context.span_id

    # the model call is a GenAI CLIENT span, and the upstream's parent is that span
    client = finished["chat gpt-4o"]
    assert client.kind is SpanKind.CLIENT
    client_attrs = dict(client.attributes or {})
    assert client_attrs["gen_ai.operation.name"] == "chat"
    assert client_attrs["gen_ai.provider.name"] == "openai"
    assert client_attrs["gen_ai.request.model"] == "gpt-4o"
    assert client_attrs["gen_ai.usage.input_tokens"] == 21
    assert client_attrs["gen_ai.usage.output_tokens"] == 1
    assert tuple(client_attrs["gen_ai.response.finish_reasons"]) == ("stop",)  # type: ignore[arg-type]
    traceparent = seen[0].headers["traceparent"]
    assert client.context is not None
    ids = f"{client.context.trace_id:032x}-{client.context.span_id:016x}"
    assert traceparent.startswith(f"00-{ids}-")

    data = reader.get_metrics_data()
    assert data is not None
    names = {m.name for rm in data.resource_metrics for sm in rm.scope_metrics
             for m in sm.metrics}
    assert {"qorgan.requests", "qorgan.findings", "qorgan.stage.duration",
            "gen_ai.client.operation.duration", "gen_ai.client.token.usage"} <= names

    report = verify_log(log_path, public_key=key.public_key())
    assert report.ok
    assert report.records == 1
    (line,) = log_path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["purpose"] == "support"
    assert record["subject"] == runtime.hasher("client-1")
    assert record["entities"] == {"EMAIL_ADDRESS": 1, "KZ_IIN": 1, "PERSON": 1}

    exported = json.dumps([dict(s.attributes or {}) for s in finished.values()]) + line
    for value in (*VALUES, "client-1"):
        assert value not in exported


def _sse(*texts: str, done: bool = True) -> list[bytes]:
    events = [json.dumps({"choices": [{"index": 0, "delta": {"content": t}}]}) for t in texts]
    frames = [f"data: {e}\n\n".encode() for e in events]
    return [*frames, b"data: [DONE]\n\n"] if done else frames


@pytest.mark.parametrize("fail", [False, True])
async def test_a_stream_is_one_span_with_counts_and_its_failure_is_audited(
    tmp_path: Path, fail: bool
) -> None:
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    log_path = tmp_path / "decisions.jsonl"
    settings = Settings(policy="builtin:default", master_key=secrets.token_bytes(32),
                        audit_log=str(log_path))
    runtime = Runtime.from_settings(settings, tracer_provider=tracer_provider)

    async def chunks() -> AsyncIterator[bytes]:
        for frame in _sse("Hello, ", "your request ", "is noted.\n", done=not fail):
            yield frame
        if fail:
            raise UpstreamError("connection reset")

    async def upstream(request: UpstreamRequest) -> UpstreamResponse:
        return UpstreamResponse(200, [("content-type", "text/event-stream")], chunks=chunks())

    body = {"model": "gpt-4o", "stream": True,
            "messages": [{"role": "user", "content": f"I am {VALUES[0]}."}]}
    response = await Guard(runtime).handle(GuardRequest(
        "POST", "chat/completions", {"content-type": "application/json"},
        json.dumps(body).encode()), upstream)
    assert response.chunks is not None
    streamed = b"".join([c async for c in response.chunks]).decode()
    await runtime.aclose()
    content = "".join(
        choice["delta"].get("content", "")
        for line in streamed.splitlines()
        if line.startswith("data: {") and '"choices"' in line
        for choice in json.loads(line[6:])["choices"]
    )
    # held text is scanned and released before the error event
    assert content == "Hello, your request is noted.\n"
    assert ("event: error" in streamed) is fail

    (root,) = [s for s in spans.get_finished_spans() if s.name == "qorgan.guard chat"]
    attrs = dict(root.attributes or {})
    assert attrs["qorgan.stream"] is True
    assert attrs["qorgan.stream.events_in"] == (3 if fail else 4)
    assert attrs["qorgan.stream.done"] is (not fail)
    record = json.loads(log_path.read_text(encoding="utf-8").splitlines()[-1])
    assert record["stream"] is True
    assert record["error_code"] == ("upstream_error" if fail else None)
    assert record["outcome"] == ("error" if fail else "transform")


class FailingPropagator:
    """A propagator that breaks on every call, as a misconfigured one would."""

    fields: frozenset[str] = frozenset({"traceparent"})

    def extract(self, carrier: object, context: object = None, getter: object = None) -> None:
        raise RuntimeError("propagator broke")

    def inject(self, carrier: object, context: object = None, setter: object = None) -> None:
        raise RuntimeError("propagator broke")


async def test_a_failing_propagator_never_fails_a_request() -> None:
    from opentelemetry import propagate

    previous = propagate.get_global_textmap()
    propagate.set_global_textmap(FailingPropagator())  # type: ignore[arg-type]
    try:
        runtime = Runtime.from_settings(Settings(master_key=secrets.token_bytes(32)))

        async def upstream(request: UpstreamRequest) -> UpstreamResponse:
            reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}]}
            return UpstreamResponse(200, [("content-type", "application/json")],
                                    body=json.dumps(reply).encode())

        body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}
        response = await Guard(runtime).handle(GuardRequest(
            "POST", "chat/completions",
            {"content-type": "application/json", "traceparent": "00-" + "1" * 32 + "-"
             + "2" * 16 + "-01"}, json.dumps(body).encode()), upstream)
        await runtime.aclose()
    finally:
        propagate.set_global_textmap(previous)
    assert response.status == 200


async def test_a_request_abandoned_before_its_answer_is_client_disconnected(
    tmp_path: Path,
) -> None:
    """The edge cancels a request whose client left (or whose shutdown grace ran out)
    while the upstream is still thinking: one record, outcome client_disconnected."""
    import anyio

    log_path = tmp_path / "decisions.jsonl"
    runtime = Runtime.from_settings(Settings(policy="builtin:default", audit_log=str(log_path),
                                             master_key=secrets.token_bytes(32)))
    asked = anyio.Event()

    async def upstream(request: UpstreamRequest) -> UpstreamResponse:
        asked.set()
        await anyio.sleep(60)
        raise AssertionError("not reached")

    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}
    async with anyio.create_task_group() as tg:
        async def call() -> None:
            await Guard(runtime).handle(GuardRequest(
                "POST", "chat/completions", {"content-type": "application/json"},
                json.dumps(body).encode()), upstream)

        tg.start_soon(call)
        await asked.wait()
        tg.cancel_scope.cancel()
    await runtime.aclose()
    (line,) = log_path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert (record["outcome"], record["status"], record["error_code"]) == (
        "client_disconnected", 499, "client_disconnected")
