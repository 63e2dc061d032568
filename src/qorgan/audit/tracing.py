"""OpenTelemetry tracing for the guard: the API only; ``qorgan serve`` configures the SDK.

One span per request, ``qorgan.guard <operation>``, with GenAI semantic-convention
attributes and the decision under ``qorgan.*``. Counts are flat integer attributes, one
per key: ``qorgan.entities.EMAIL_ADDRESS = 2``, ``qorgan.categories.contact = 2``,
``qorgan.actions.redact = 2``, ``qorgan.consent.granted = 1``; backends can filter and
aggregate on them without parsing arrays. ``qorgan.entity_types`` lists the keys.

Every call here is failsafe: an exception raised by a tracer, span processor or propagator
is swallowed and logged once (type only), and the request goes on. Exceptions raised by the
request itself pass through untouched; the span records only their type.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import INVALID_SPAN, Span, SpanKind, Status, StatusCode

from qorgan._version import __version__
from qorgan.audit._failsafe import failsafe, report_once
from qorgan.audit.record import AuditRecord, ident
from qorgan.errors import QorganError

TRACER_NAME = "qorgan"
_NOOP_TRACER: trace.Tracer = trace.NoOpTracer()
_NO_SPAN: Span = INVALID_SPAN
_NO_TOKEN: object = None


@failsafe(_NOOP_TRACER)
def get_tracer(
    name: str = TRACER_NAME, *, tracer_provider: trace.TracerProvider | None = None
) -> trace.Tracer:
    return trace.get_tracer(name, __version__, tracer_provider=tracer_provider)


@failsafe(_NO_SPAN)
def _start(
    name: str,
    kind: SpanKind,
    attributes: dict[str, Any],
    tracer_provider: trace.TracerProvider | None,
) -> Span:
    return get_tracer(tracer_provider=tracer_provider).start_span(
        name, kind=kind, attributes=attributes
    )


@failsafe(_NO_TOKEN)
def _attach(span: Span) -> object:
    return otel_context.attach(trace.set_span_in_context(span))


@failsafe(None)
def _finish(span: Span, token: object, error: BaseException | None) -> None:
    try:
        if error is not None and span.is_recording():
            if isinstance(error, QorganError):
                span.set_attribute("error.type", error.code)
                # A block or a bad request is the guard doing its job, not a fault.
                if error.status >= 500:
                    span.set_status(Status(StatusCode.ERROR))
            else:
                span.set_attribute("error.type", type(error).__name__)
                span.set_status(Status(StatusCode.ERROR))
    finally:
        try:
            if token is not None:
                otel_context.detach(token)  # type: ignore[arg-type]
        finally:
            span.end()


@contextmanager
def _span(
    name: str,
    kind: SpanKind,
    attributes: dict[str, Any],
    tracer_provider: trace.TracerProvider | None,
) -> Iterator[Span]:
    span = _start(name, kind, attributes, tracer_provider)
    token = _attach(span)
    error: BaseException | None = None
    try:
        yield span
    except BaseException as exc:
        error = exc
        raise
    finally:
        _finish(span, token, error)


@contextmanager
def request_span(
    *,
    operation: str,
    model: str | None,
    provider: str,
    route: str,
    kind: SpanKind = SpanKind.INTERNAL,
    tracer_provider: trace.TracerProvider | None = None,
) -> Iterator[Span]:
    """The span of one guarded request; the current span inside the ``with`` block.

    ``kind`` is INTERNAL inside an instrumented app (middleware, transport) and SERVER for
    the sidecar, which is the first hop that sees the request.
    """
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": ident(operation) or "unknown",
        "gen_ai.provider.name": ident(provider) or "unknown",
        "http.route": ident(route) or "unknown",
    }
    checked_model = ident(model)
    if checked_model is not None:
        attributes["gen_ai.request.model"] = checked_model
    name = f"qorgan.guard {attributes['gen_ai.operation.name']}"
    with _span(name, kind, attributes, tracer_provider) as span:
        yield span


@contextmanager
def child_span(
    name: str, *, tracer_provider: trace.TracerProvider | None = None
) -> Iterator[Span]:
    """A stage of the current request: ``qorgan.detect``, ``qorgan.decide``, ...

    ``name`` is a stage name chosen by the caller's code, never request content.
    """
    stage = ident(name) or "stage"
    with _span(f"qorgan.{stage}", SpanKind.INTERNAL, {}, tracer_provider) as span:
        yield span


@failsafe(None)
def record_decision(span: Span, record: AuditRecord) -> None:
    """Put ``record`` (counts and hashes only) on ``span``."""
    if not span.is_recording():
        return
    attrs: dict[str, Any] = {
        "qorgan.decision": record.outcome,
        "qorgan.mode": record.mode,
        "qorgan.rule_ids": list(record.rules),
        "qorgan.block_rule_ids": list(record.block_rules),
        "qorgan.monitor_rule_ids": list(record.monitor_rules),
        "qorgan.entity_types": sorted(record.entities),
        "qorgan.principal": record.principal,
        "qorgan.tenant": record.tenant,
        "qorgan.cross_border": record.cross_border,
        "qorgan.stream": record.stream,
        "http.response.status_code": record.status,
    }
    optional = {
        "qorgan.policy.name": record.policy_name,
        "qorgan.policy.version": record.policy_version,
        "qorgan.purpose": record.purpose,
        "qorgan.destination": record.destination,
        "qorgan.region": record.region,
        "error.type": record.error_code,
    }
    attrs.update({k: v for k, v in optional.items() if v is not None})
    for prefix, counts in (
        ("qorgan.entities", record.entities),
        ("qorgan.categories", record.categories),
        ("qorgan.actions", record.actions),
        ("qorgan.consent", record.consent),
    ):
        for key, count in counts.items():
            attrs[f"{prefix}.{key}"] = count
    if record.response is not None:
        for key, count in record.response.get("entities", {}).items():
            attrs[f"qorgan.response.entities.{key}"] = count
    if record.usage:
        for key in ("input_tokens", "output_tokens"):
            if key in record.usage:
                attrs[f"gen_ai.usage.{key}"] = record.usage[key]
    span.set_attributes(attrs)
    if record.outcome == "error":
        span.set_status(Status(StatusCode.ERROR))


@failsafe(None)
def record_usage(span: Span, *, input_tokens: int | None, output_tokens: int | None) -> None:
    """GenAI token usage, when the upstream reported it."""
    if not span.is_recording():
        return
    if input_tokens is not None:
        span.set_attribute("gen_ai.usage.input_tokens", int(input_tokens))
    if output_tokens is not None:
        span.set_attribute("gen_ai.usage.output_tokens", int(output_tokens))


def inject_headers(headers: MutableMapping[str, str]) -> None:
    """Add ``traceparent`` (and whatever the global propagator adds) to outgoing headers."""
    try:
        propagate.inject(headers)
    except Exception as exc:  # noqa: BLE001 - a propagator must not fail the request
        report_once("inject_headers", exc)
