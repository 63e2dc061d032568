from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import qorgan.audit
from qorgan.audit import Auditor, DecisionLog, Metrics, verify_log
from qorgan.audit.record import AuditRecord


@pytest.mark.parametrize("with_log", [True, False])
def test_finish_traces_counts_and_logs(
    tmp_path: Path, make_record: Callable[..., AuditRecord], no_canary: Callable[[str], None],
    with_log: bool,
) -> None:
    exporter = InMemorySpanExporter()
    tp = TracerProvider()
    tp.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    path = tmp_path / "decisions.jsonl"
    log = DecisionLog(path, signing_key=None, strict=True) if with_log else None
    auditor = Auditor(
        log=log, metrics=Metrics(meter_provider=MeterProvider(metric_readers=[reader])),
        tracer_provider=tp,
    )
    record = make_record("block")
    with auditor.span(operation="chat", model="gpt-4o", provider="openai",
                      route="/v1/chat/completions") as span:
        with auditor.stage("detect"):
            pass
        auditor.finish(span, record, {"detect": 0.001, "total": 0.002})
    auditor.close()
    names = sorted(s.name for s in exporter.get_finished_spans())
    assert names == ["qorgan.detect", "qorgan.guard chat"]
    data = reader.get_metrics_data()
    assert data is not None
    metric_names = {m.name for rm in data.resource_metrics for sm in rm.scope_metrics
                    for m in sm.metrics}
    assert {"qorgan.requests", "qorgan.blocks", "qorgan.stage.duration"} <= metric_names
    if with_log:
        assert verify_log(path).records == 1
        no_canary(path.read_text(encoding="utf-8"))
    else:
        assert not path.exists()
    no_canary("\n".join(s.to_json() for s in exporter.get_finished_spans()))


def test_strict_log_failure_does_not_reach_the_request(
    tmp_path: Path, make_record: Callable[..., AuditRecord]
) -> None:
    log = DecisionLog(tmp_path / "d.jsonl", signing_key=None, strict=True)
    log.close()  # a strict, closed log raises on append
    auditor = Auditor(log=log, metrics=Metrics(meter_provider=MeterProvider()))
    with auditor.span(operation="chat", model=None, provider="p", route="/r") as span:
        auditor.finish(span, make_record(), {})
    assert log.dropped == 1


def test_public_names() -> None:
    exported = set(qorgan.audit.__all__)
    public = {
        name for name, value in vars(qorgan.audit).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    } - {"annotations"}
    assert exported == public
