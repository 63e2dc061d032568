"""OpenTelemetry metrics for the guard, with an optional Prometheus mirror.

Instruments (attribute names in brackets):

- ``qorgan.requests`` counter [``qorgan.decision``, ``qorgan.mode``, ``qorgan.route``]
- ``qorgan.findings`` counter [``qorgan.entity_type``, ``qorgan.direction``]
- ``qorgan.blocks`` counter [``qorgan.rule_id``]
- ``qorgan.stage.duration`` histogram, seconds [``qorgan.stage``: detect, decide,
  transform, upstream, total]
- ``qorgan.audit.log_errors`` counter [``qorgan.error``]

Every attribute value comes from configuration (rule ids, entity types, routes), so the
cardinality is bounded by the policy. The OpenTelemetry Prometheus exporter is not a
dependency; ``prometheus=True`` keeps a ``prometheus_client`` registry in step with the
OpenTelemetry instruments, and ``prometheus_asgi_app()`` serves it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from opentelemetry import metrics as otel_metrics

from qorgan._version import __version__
from qorgan.audit._failsafe import failsafe
from qorgan.audit.record import AuditRecord

STAGES = ("detect", "decide", "transform", "upstream", "total")
#: Seconds; a guard stage is usually milliseconds, an upstream call up to minutes.
DURATION_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    30.0, 60.0, 120.0,
)


class _PrometheusMirror:
    def __init__(self) -> None:
        import prometheus_client as prom

        self.registry = prom.CollectorRegistry(auto_describe=True)
        self.requests = prom.Counter(
            "qorgan_requests", "Requests by decision", ["decision", "mode", "route"],
            registry=self.registry,
        )
        self.findings = prom.Counter(
            "qorgan_findings", "Personal-data findings by entity type",
            ["entity_type", "direction"], registry=self.registry,
        )
        self.blocks = prom.Counter(
            "qorgan_blocks", "Blocked requests by rule", ["rule_id"], registry=self.registry
        )
        self.duration = prom.Histogram(
            "qorgan_stage_duration_seconds", "Time spent per stage", ["stage"],
            buckets=DURATION_BUCKETS, registry=self.registry,
        )
        self.log_errors = prom.Counter(
            "qorgan_audit_log_errors", "Decision log failures", ["error"],
            registry=self.registry,
        )


class Metrics:
    """The guard's instruments. Pass ``meter_provider`` to use one other than the global."""

    def __init__(
        self,
        *,
        meter_provider: otel_metrics.MeterProvider | None = None,
        prometheus: bool = False,
    ) -> None:
        meter = otel_metrics.get_meter("qorgan", __version__, meter_provider=meter_provider)
        self._requests = meter.create_counter(
            "qorgan.requests", unit="{request}", description="Requests by decision"
        )
        self._findings = meter.create_counter(
            "qorgan.findings", unit="{finding}", description="Findings by entity type"
        )
        self._blocks = meter.create_counter(
            "qorgan.blocks", unit="{request}", description="Blocked requests by rule"
        )
        self._duration = meter.create_histogram(
            "qorgan.stage.duration",
            unit="s",
            description="Time spent per guard stage",
            explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
        )
        self._log_errors = meter.create_counter(
            "qorgan.audit.log_errors", unit="{error}", description="Decision log failures"
        )
        self._prom = _PrometheusMirror() if prometheus else None

    @property
    def prometheus_registry(self) -> Any:
        """The ``prometheus_client.CollectorRegistry`` mirror, or None."""
        return self._prom.registry if self._prom is not None else None

    @failsafe(None)
    def record(self, record: AuditRecord, stage_durations: Mapping[str, float]) -> None:
        """Count one finished request and its stage timings (seconds)."""
        decision = {"qorgan.decision": record.outcome, "qorgan.mode": record.mode,
                    "qorgan.route": record.route}
        self._requests.add(1, decision)
        directions: list[tuple[str, Mapping[str, int]]] = [("request", record.entities)]
        if record.response is not None:
            directions.append(("response", record.response.get("entities", {})))
        for direction, entities in directions:
            for entity, count in entities.items():
                self._findings.add(
                    count, {"qorgan.entity_type": entity, "qorgan.direction": direction}
                )
        blockers: tuple[str, ...] = ()
        if record.outcome == "block":
            blockers = record.block_rules or ("(request-denied)",)
            for rule in blockers:
                self._blocks.add(1, {"qorgan.rule_id": rule})
        durations = {s: float(v) for s, v in stage_durations.items() if s in STAGES and v >= 0}
        for stage, seconds in durations.items():
            self._duration.record(seconds, {"qorgan.stage": stage})
        if self._prom is not None:
            self._mirror(record, directions, blockers, durations)

    @failsafe(None)
    def log_error(self, error: str) -> None:
        self._log_errors.add(1, {"qorgan.error": error})
        if self._prom is not None:
            self._prom.log_errors.labels(error=error).inc()

    def _mirror(
        self,
        record: AuditRecord,
        directions: list[tuple[str, Mapping[str, int]]],
        blockers: tuple[str, ...],
        durations: Mapping[str, float],
    ) -> None:
        prom = self._prom
        if prom is None:
            return
        prom.requests.labels(decision=record.outcome, mode=record.mode, route=record.route).inc()
        for direction, entities in directions:
            for entity, count in entities.items():
                prom.findings.labels(entity_type=entity, direction=direction).inc(count)
        for rule in blockers:
            prom.blocks.labels(rule_id=rule).inc()
        for stage, seconds in durations.items():
            prom.duration.labels(stage=stage).observe(seconds)


def prometheus_asgi_app(metrics: Metrics) -> Any:
    """An ASGI app serving ``metrics``' Prometheus mirror (text exposition format)."""
    registry = metrics.prometheus_registry
    if registry is None:
        raise ValueError("these Metrics were built without prometheus=True")
    import prometheus_client as prom

    return prom.make_asgi_app(registry=registry)


_default: Metrics | None = None
_default_lock = threading.Lock()


def default_metrics() -> Metrics:
    """Metrics on the global meter provider, made on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Metrics()
        return _default
