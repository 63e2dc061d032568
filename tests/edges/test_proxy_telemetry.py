"""The sidecar's telemetry by the semantic conventions: a SERVER span per request with the
route template, the guard's decision span under it, a GenAI CLIENT span for the model call
(provider and region from the policy's destination, token usage for streams), the caller's
trace continued from ``traceparent`` alone, and a valid ``X-Request-Id`` kept."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

import traffic_fixtures as tf
from qorgan.edges.proxy import ProxyApp
from qorgan.pipeline import Runtime
from qorgan.settings import Settings

pytestmark = pytest.mark.anyio

POLICY = """\
version: 1
name: hosted
categories:
  contact: [EMAIL_ADDRESS]
destinations:
  - {id: on-prem, model: "demo-*", region: KZ, provider: self-hosted}
rules:
  - {id: default, action: pseudonymize}
"""
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@dataclass
class Stack:
    app: ProxyApp
    client: httpx.AsyncClient
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader

    def finished(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def named(self, name: str) -> ReadableSpan:
        (span,) = [s for s in self.finished() if s.name == name]
        return span


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    policy = tf.write_policy(tmp_path / "hosted.yaml", POLICY)
    runtime = Runtime.from_settings(
        Settings(policy=str(policy), master_key=tf.MASTER_KEY, metrics=True,
                 upstream=tf.demo()[1].url + "/v1"),
        tracer_provider=tracer_provider, meter_provider=MeterProvider(metric_readers=[reader]),
        detector_factory=tf.shared_detector)
    app = ProxyApp(runtime, warm_up=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app),
                                 base_url="http://qorgan.test:8080") as client:
        yield Stack(app, client, spans, reader)
    await app.aclose()


def _attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


async def test_server_guard_and_client_spans_form_one_trace(stack: Stack) -> None:
    upstream, _ = tf.demo()
    mark = len(upstream.received)
    response = await stack.client.post(
        "/v1/chat/completions",
        headers={"traceparent": PARENT, "tracestate": f"congo=t61rcWkgMzE,mail={tf.EMAIL}",
                 "baggage": f"user={tf.EMAIL}"},
        json={"model": "demo-echo", "messages": [{"role": "user", "content": f"mail {tf.EMAIL}"}]})
    assert response.status_code == 200

    server = stack.named("POST /v1/chat/completions")
    guard = stack.named("qorgan.guard chat")
    client = stack.named("chat demo-echo")
    assert server.kind is SpanKind.SERVER
    assert guard.kind is SpanKind.INTERNAL
    assert client.kind is SpanKind.CLIENT
    # one trace, continued from the caller's traceparent
    for span in (server, guard, client):
        assert span.context is not None
        assert f"{span.context.trace_id:032x}" == TRACE_ID
        # the caller's tracestate (here carrying an e-mail) is not copied
        assert len(span.context.trace_state) == 0
    assert server.parent is not None
    assert f"{server.parent.span_id:016x}" == "00f067aa0ba902b7"
    assert guard.parent is not None
    assert server.context is not None
    assert guard.parent.span_id == server.context.span_id
    assert client.parent is not None
    assert guard.context is not None
    assert client.parent.span_id == guard.context.span_id

    s = _attrs(server)
    assert s["http.request.method"] == "POST"
    assert s["http.route"] == "/v1/chat/completions"
    assert s["url.path"] == "/v1/chat/completions"
    assert s["url.scheme"] == "http"
    assert s["server.address"] == "qorgan.test"
    assert s["server.port"] == 8080
    assert s["http.response.status_code"] == 200

    c = _attrs(client)
    assert c["gen_ai.operation.name"] == "chat"
    assert c["gen_ai.provider.name"] == "self-hosted"  # the policy's destination, not openai
    assert c["qorgan.region"] == "KZ"
    assert c["gen_ai.request.model"] == "demo-echo"
    assert c["gen_ai.response.model"] == "demo-echo"
    assert str(c["gen_ai.response.id"]).startswith("chatcmpl-")
    assert tuple(c["gen_ai.response.finish_reasons"]) == ("stop",)
    assert c["server.address"] == "127.0.0.1"
    assert c["gen_ai.usage.input_tokens"] > 0
    assert _attrs(guard)["qorgan.decision"] == "transform"
    assert _attrs(guard)["gen_ai.provider.name"] == "self-hosted"

    # the upstream saw this trace's client span as parent, and none of the caller's state
    sent = upstream.received[mark].headers
    assert client.context is not None
    assert sent["traceparent"].split("-")[2] == f"{client.context.span_id:016x}"
    assert "tracestate" not in sent
    assert "baggage" not in sent
    exported = json.dumps([_attrs(span) for span in stack.finished()])
    assert tf.leaked([exported]) == []


async def test_a_stream_reports_token_usage_when_asked_for(stack: Stack) -> None:
    async with stack.client.stream("POST", "/v1/chat/completions", json={
        "model": "demo-echo", "stream": True, "stream_options": {"include_usage": True},
        "messages": [{"role": "user", "content": "Say hello to the team"}],
    }) as response:
        assert response.status_code == 200
        body = b"".join([chunk async for chunk in response.aiter_bytes()])
    assert b"[DONE]" in body
    c = _attrs(stack.named("chat demo-echo"))
    assert c["gen_ai.request.stream"] is True
    assert c["gen_ai.usage.input_tokens"] == 11
    assert c["gen_ai.usage.output_tokens"] > 0
    assert tuple(c["gen_ai.response.finish_reasons"]) == ("stop",)
    data = stack.metrics.get_metrics_data()
    assert data is not None
    usage = [point for rm in data.resource_metrics for sm in rm.scope_metrics
             for m in sm.metrics if m.name == "gen_ai.client.token.usage"
             for point in m.data.data_points]
    assert {dict(p.attributes or {})["gen_ai.token.type"] for p in usage} == {"input", "output"}


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
        ("4f1c2a9e0b7d4c3a8e6f5d4c3b2a1908", True),
        ("01ARZ3NDEKTSV4RRFFQ69G5FAV", True),
        (tf.EMAIL, False),
        (tf.IIN, False),  # digits only: an ID or phone number
        ("Aigerim-Serikova", False),  # letters only: a name
        ("abc 123 def", False),
        ("a1" * 65, False),  # too long
        ("a1b2", False),  # too short
    ],
)
async def test_a_valid_request_id_is_kept(stack: Stack, given: str, kept: bool) -> None:
    response = await stack.client.post("/v1/chat/completions", headers={"x-request-id": given},
                                       json={"model": "demo-echo",
                                             "messages": [{"role": "user", "content": "hi"}]})
    assert response.status_code == 200
    assert (response.headers["x-request-id"] == given) is kept
    guard = stack.named("qorgan.guard chat")
    assert (_attrs(guard)["qorgan.request_id"] == given) is kept


async def test_an_unknown_path_is_a_template_not_the_path(stack: Stack) -> None:
    response = await stack.client.post(f"/v1/files/{tf.IIN}", json={})
    assert response.status_code == 404
    server = stack.named("POST /v1/{path}")
    assert _attrs(server)["url.path"] == "/v1/{path}"
    assert _attrs(server)["http.response.status_code"] == 404
    assert tf.IIN not in json.dumps([_attrs(s) for s in stack.finished()])


async def test_health_and_metrics_are_not_traced(stack: Stack) -> None:
    assert (await stack.client.get("/healthz")).status_code == 200
    assert (await stack.client.get("/metrics")).status_code == 200
    assert stack.finished() == []
