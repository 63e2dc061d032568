from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader

from qorgan.audit.metrics import Metrics, default_metrics, prometheus_asgi_app
from qorgan.audit.record import AuditRecord

STAGES = {"detect": 0.004, "decide": 0.0002, "upstream": 0.3, "total": 0.31, "bogus": 1.0}


@pytest.fixture
def reader() -> Iterator[InMemoryMetricReader]:
    r = InMemoryMetricReader()
    yield r
    r.shutdown()


@pytest.fixture
def metrics(reader: InMemoryMetricReader) -> Metrics:
    return Metrics(meter_provider=MeterProvider(metric_readers=[reader]), prometheus=True)


def _points(reader: InMemoryMetricReader) -> dict[str, list[tuple[dict[str, Any], Any]]]:
    data = reader.get_metrics_data()
    out: dict[str, list[tuple[dict[str, Any], Any]]] = {}
    assert data is not None
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                for point in metric.data.data_points:
                    value: Any
                    if isinstance(point, HistogramDataPoint):
                        value = (point.count, point.sum)
                    else:
                        value = getattr(point, "value", None)
                    out.setdefault(metric.name, []).append((dict(point.attributes or {}), value))
    return out


def test_instruments(
    metrics: Metrics, reader: InMemoryMetricReader, make_record: Callable[..., AuditRecord]
) -> None:
    metrics.record(make_record("block", response="transform"), STAGES)
    metrics.record(make_record("transform"), {"total": 0.01})
    metrics.log_error("write")
    points = _points(reader)
    requests = {(a["qorgan.decision"], a["qorgan.route"]): v for a, v in points["qorgan.requests"]}
    assert requests == {("block", "/v1/chat/completions"): 1,
                        ("transform", "/v1/chat/completions"): 1}
    findings = {(a["qorgan.entity_type"], a["qorgan.direction"]): v
                for a, v in points["qorgan.findings"]}
    assert findings[("EMAIL_ADDRESS", "request")] == 2
    assert findings[("PERSON", "response")] == 1
    assert {a["qorgan.rule_id"]: v for a, v in points["qorgan.blocks"]} == {
        "national-id-abroad": 1
    }
    durations = {a["qorgan.stage"]: v for a, v in points["qorgan.stage.duration"]}
    assert set(durations) == {"detect", "decide", "upstream", "total"}
    assert durations["total"][0] == 2
    assert points["qorgan.audit.log_errors"] == [({"qorgan.error": "write"}, 1)]


@pytest.mark.parametrize("kind", ["allow", "transform", "block", "consent"])
def test_no_personal_value_in_metrics(
    metrics: Metrics,
    reader: InMemoryMetricReader,
    make_record: Callable[..., AuditRecord],
    no_canary: Callable[[str], None],
    kind: str,
) -> None:
    metrics.record(make_record(kind, response="transform", purpose="Zhanargul Canaryeva"), STAGES)
    data = reader.get_metrics_data()
    assert data is not None
    no_canary(data.to_json())


def test_denied_request_without_rule_counts_a_block(
    metrics: Metrics, reader: InMemoryMetricReader, make_record: Callable[..., AuditRecord],
    decision_factory: Callable[..., Any],
) -> None:
    from dataclasses import replace

    denied = replace(decision_factory("allow"), denied_reason="purpose denied")
    metrics.record(make_record(request_decision=denied), {})
    assert _points(reader)["qorgan.blocks"] == [({"qorgan.rule_id": "(request-denied)"}, 1)]


@pytest.mark.anyio
async def test_prometheus_mirror(metrics: Metrics, make_record: Callable[..., AuditRecord]) -> None:
    metrics.record(make_record("block"), STAGES)
    app = prometheus_asgi_app(metrics)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    body = response.text
    assert 'qorgan_requests_total{decision="block",mode="enforce",route="/v1/chat/completions"}' \
        ' 1.0' in body
    assert 'qorgan_blocks_total{rule_id="national-id-abroad"} 1.0' in body
    assert 'qorgan_stage_duration_seconds_count{stage="upstream"} 1.0' in body


def test_prometheus_needs_the_mirror() -> None:
    with pytest.raises(ValueError, match="prometheus"):
        prometheus_asgi_app(Metrics(meter_provider=MeterProvider()))


def test_failing_instrument_is_swallowed(make_record: Callable[..., AuditRecord]) -> None:
    class Broken:
        def add(self, *args: Any, **kwargs: Any) -> None:
            raise RuntimeError("exporter down")

    m = Metrics(meter_provider=MeterProvider())
    m._requests = Broken()  # type: ignore[assignment]
    m._log_errors = Broken()  # type: ignore[assignment]
    m.record(make_record(), STAGES)  # must not raise
    m.log_error("write")


def test_default_metrics_is_shared() -> None:
    assert default_metrics() is default_metrics()
