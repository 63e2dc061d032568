from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from qorgan.audit import _failsafe
from qorgan.audit.record import AuditRecord
from qorgan.audit.tracing import (
    child_span,
    get_tracer,
    inject_headers,
    record_decision,
    record_usage,
    request_span,
)
from qorgan.errors import DetectionError, PolicyBlocked

CANARY = "Zhanargul Canaryeva"


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    tp = TracerProvider()
    tp.add_span_processor(SimpleSpanProcessor(exporter))
    yield tp
    tp.shutdown()


def _dump(spans: tuple[ReadableSpan, ...]) -> str:
    return "\n".join(span.to_json() for span in spans)


def test_request_span_attributes(
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
    make_record: Callable[..., AuditRecord],
) -> None:
    record = make_record("block", response="transform")
    with request_span(
        operation="chat", model="gpt-4o", provider="openai", route="/v1/chat/completions",
        kind=SpanKind.SERVER, tracer_provider=provider,
    ) as span:
        with child_span("detect", tracer_provider=provider):
            pass
        record_decision(span, record)
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert set(spans) == {"qorgan.guard chat", "qorgan.detect"}
    main = spans["qorgan.guard chat"]
    assert main.kind is SpanKind.SERVER
    assert spans["qorgan.detect"].parent is not None
    assert spans["qorgan.detect"].parent.span_id == main.context.span_id
    attrs: dict[str, Any] = dict(main.attributes or {})
    expected = {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.provider.name": "openai",
        "gen_ai.usage.input_tokens": 11,
        "gen_ai.usage.output_tokens": 7,
        "qorgan.decision": "block",
        "qorgan.mode": "enforce",
        "qorgan.policy.name": "kz-test",
        "qorgan.policy.version": "a" * 64,
        "qorgan.rule_ids": ("national-id-abroad", "default", "pseudo-names"),
        "qorgan.block_rule_ids": ("national-id-abroad",),
        "qorgan.entity_types": ("EMAIL_ADDRESS", "KZ_IIN"),
        "qorgan.entities.KZ_IIN": 1,
        "qorgan.categories.national_id": 1,
        "qorgan.actions.block": 1,
        "qorgan.consent.not_required": 2,
        "qorgan.response.entities.PERSON": 1,
        "qorgan.principal": record.principal,
        "qorgan.purpose": "support",
        "qorgan.destination": "openai",
        "qorgan.region": "US",
        "qorgan.cross_border": True,
        "http.response.status_code": 403,
    }
    assert {k: attrs.get(k) for k in expected} == expected
    assert "qorgan.subject" not in attrs


@pytest.mark.parametrize("kind", ["allow", "transform", "block", "consent"])
def test_no_personal_value_reaches_a_span(
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
    make_record: Callable[..., AuditRecord],
    no_canary: Callable[[str], None],
    kind: str,
) -> None:
    record = make_record(kind, response="transform", model=CANARY, purpose=CANARY)

    def failing_request() -> None:
        with request_span(
            operation=CANARY, model=CANARY, provider=CANARY, route=CANARY,
            tracer_provider=provider,
        ) as span:
            record_decision(span, record)
            with child_span(CANARY, tracer_provider=provider):
                raise ValueError(f"upstream said {CANARY}")

    with pytest.raises(ValueError, match="Canaryeva"):
        failing_request()
    spans = exporter.get_finished_spans()
    assert len(spans) == 2
    no_canary(_dump(spans))
    assert all(s.status.status_code is StatusCode.ERROR for s in spans)
    assert all((s.attributes or {}).get("error.type") == "ValueError" for s in spans)


@pytest.mark.parametrize(
    ("error", "status", "error_type"),
    [
        (PolicyBlocked("blocked by policy"), StatusCode.UNSET, "policy_blocked"),
        (DetectionError("detector down"), StatusCode.ERROR, "detection_failed"),
        (RuntimeError("boom"), StatusCode.ERROR, "RuntimeError"),
    ],
)
def test_errors_on_the_span(
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
    error: Exception,
    status: StatusCode,
    error_type: str,
) -> None:
    with pytest.raises(type(error)), request_span(
        operation="chat", model=None, provider="openai", route="/v1/chat/completions",
        tracer_provider=provider,
    ):
        raise error
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is status
    assert (span.attributes or {}).get("error.type") == error_type
    assert "gen_ai.request.model" not in (span.attributes or {})


class _Exploding(SpanProcessor):
    def on_start(self, span: Any, parent_context: Any = None) -> None:
        raise RuntimeError(f"processor broke on {CANARY}")

    def on_end(self, span: ReadableSpan) -> None:
        raise RuntimeError(f"processor broke on {CANARY}")


def test_failing_processor_does_not_break_the_request(
    make_record: Callable[..., AuditRecord], caplog: pytest.LogCaptureFixture
) -> None:
    tp = TracerProvider()
    tp.add_span_processor(_Exploding())
    _failsafe._reported.clear()
    results = []
    with caplog.at_level(logging.WARNING, logger="qorgan.audit"):
        for _ in range(3):
            with request_span(
                operation="chat", model="m", provider="p", route="/r", tracer_provider=tp
            ) as span:
                record_decision(span, make_record())
                with child_span("upstream", tracer_provider=tp):
                    results.append(1)
    assert results == [1, 1, 1]
    assert CANARY not in caplog.text
    failures = [r for r in caplog.records if "telemetry failure" in r.getMessage()]
    assert failures
    assert len(failures) == len({r.getMessage() for r in failures})
    with (  # the request's own errors still pass through
        pytest.raises(KeyError),
        request_span(operation="chat", model="m", provider="p", route="/r", tracer_provider=tp),
    ):
        raise KeyError("x")


class _BrokenProvider(trace.TracerProvider):
    def get_tracer(self, *args: Any, **kwargs: Any) -> trace.Tracer:
        raise RuntimeError("no tracer")


def test_broken_tracer_provider() -> None:
    assert isinstance(get_tracer(tracer_provider=_BrokenProvider()), trace.NoOpTracer)
    with request_span(
        operation="chat", model="m", provider="p", route="/r", tracer_provider=_BrokenProvider()
    ) as span:
        assert not span.is_recording()


def test_non_recording_span_is_left_alone(make_record: Callable[..., AuditRecord]) -> None:
    calls: list[str] = []

    class Probe(trace.NonRecordingSpan):
        def set_attributes(self, attributes: Any) -> None:
            calls.append("set")

    probe = Probe(trace.INVALID_SPAN_CONTEXT)
    record_decision(probe, make_record())
    record_usage(probe, input_tokens=1, output_tokens=2)
    assert calls == []


def test_record_usage(provider: TracerProvider, exporter: InMemorySpanExporter) -> None:
    with request_span(operation="embeddings", model="e5", provider="openai", route="/v1/e",
                      tracer_provider=provider) as span:
        record_usage(span, input_tokens=5, output_tokens=None)
    attrs = dict(exporter.get_finished_spans()[0].attributes or {})
    assert attrs.get("gen_ai.usage.input_tokens") == 5
    assert "gen_ai.usage.output_tokens" not in attrs


def test_inject_headers(provider: TracerProvider) -> None:
    outside: dict[str, str] = {}
    inject_headers(outside)
    headers: dict[str, str] = {}
    with request_span(operation="chat", model="m", provider="p", route="/r",
                      tracer_provider=provider) as span:
        inject_headers(headers)
        trace_id = format(span.get_span_context().trace_id, "032x")
    assert "traceparent" not in outside
    assert headers["traceparent"].split("-")[1] == trace_id


def test_inject_headers_swallows_errors() -> None:
    class NoSetItem(dict[str, str]):
        def __setitem__(self, key: str, value: str) -> None:
            raise TypeError("read-only")

    tp = TracerProvider()
    with request_span(operation="chat", model="m", provider="p", route="/r", tracer_provider=tp):
        carrier = NoSetItem()
        inject_headers(carrier)
    tp.shutdown()
    assert json.dumps(carrier) == "{}"
