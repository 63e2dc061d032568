"""One object the Guard holds for the whole audit trail of a request.

    auditor = Auditor(log=DecisionLog(...), metrics=Metrics())
    with auditor.span(operation="chat", model=model, provider="openai", route=route) as span:
        ...
        auditor.finish(span, record, {"detect": 0.004, "total": 0.2})

``finish`` puts the record on the span, counts it and appends it to the log; none of the
three can raise into the request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind

from qorgan.audit._failsafe import report_once
from qorgan.audit.log import DecisionLog
from qorgan.audit.metrics import Metrics, default_metrics
from qorgan.audit.record import AuditRecord
from qorgan.audit.tracing import child_span, record_decision, request_span


class Auditor:
    def __init__(
        self,
        *,
        log: DecisionLog | None = None,
        metrics: Metrics | None = None,
        tracer_provider: trace.TracerProvider | None = None,
        span_kind: SpanKind = SpanKind.INTERNAL,
    ) -> None:
        self.log = log
        self.metrics = metrics if metrics is not None else default_metrics()
        self._tracer_provider = tracer_provider
        self._kind = span_kind

    @property
    def tracer_provider(self) -> trace.TracerProvider | None:
        return self._tracer_provider

    @contextmanager
    def span(
        self, *, operation: str, model: str | None, provider: str, route: str
    ) -> Iterator[Span]:
        with request_span(
            operation=operation, model=model, provider=provider, route=route,
            kind=self._kind, tracer_provider=self._tracer_provider,
        ) as span:
            yield span

    @contextmanager
    def stage(self, name: str) -> Iterator[Span]:
        with child_span(name, tracer_provider=self._tracer_provider) as span:
            yield span

    def finish(
        self, span: Span, record: AuditRecord, stage_durations: Mapping[str, float]
    ) -> None:
        record_decision(span, record)
        self.metrics.record(record, stage_durations)
        if self.log is not None:
            try:
                self.log.append(record)
            except Exception as exc:  # noqa: BLE001 - a strict log must not fail a request
                report_once("Auditor.finish", exc)

    def close(self) -> None:
        if self.log is not None:
            self.log.close()
