"""OpenTelemetry tracing for the guard: the API only; ``qorgan serve`` configures the SDK.

One span per guarded request, ``qorgan.guard <operation>``, carries the decision under
``qorgan.*``; the model call is a CLIENT span ``{operation} {model}`` with the GenAI
semantic-convention attributes (:func:`start_client_span`), and the sidecar adds a SERVER
span per HTTP request (``qorgan.audit.server``). Counts are flat integer attributes, one
per key: ``qorgan.entities.EMAIL_ADDRESS = 2``, ``qorgan.categories.contact = 2``,
``qorgan.actions.redact = 2``, ``qorgan.consent.granted = 1``; backends can filter and
aggregate on them without parsing arrays. ``qorgan.entity_types`` lists the keys.

A caller's trace is continued from its ``traceparent`` alone (:func:`extract_parent`): its
``tracestate`` and ``baggage`` are free text the caller chooses (an e-mail fits in either),
so neither reaches a span, an export or the upstream.

Every call here is failsafe: an exception raised by a tracer, span processor or propagator
is swallowed and logged once (type only), and the request goes on. Exceptions raised by the
request itself pass through untouched; the span records only their type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as genai
from opentelemetry.semconv.attributes import error_attributes, server_attributes
from opentelemetry.trace import INVALID_SPAN, Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from qorgan._version import __version__
from qorgan.audit._failsafe import failsafe, report_once
from qorgan.audit.record import AuditRecord, ident
from qorgan.errors import QorganError

TRACER_NAME = "qorgan"
_NOOP_TRACER: trace.Tracer = trace.NoOpTracer()
_NO_SPAN: Span = INVALID_SPAN
_NO_TOKEN: object = None
_TRACECONTEXT = TraceContextTextMapPropagator()


def extract_parent(headers: Mapping[str, str]) -> otel_context.Context | None:
    """The caller's trace as a parent context, from its ``traceparent`` only: ``tracestate``
    and ``baggage`` are dropped (see the module docstring). None without a valid one."""
    traceparent = headers.get("traceparent")
    if not traceparent:
        return None
    try:
        ctx = _TRACECONTEXT.extract({"traceparent": traceparent},
                                    context=otel_context.Context())
        if not trace.get_current_span(ctx).get_span_context().is_valid:
            return None
    except Exception as exc:  # noqa: BLE001 - a malformed header never fails the request
        report_once("extract_parent", exc)
        return None
    return ctx


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
        "qorgan.request_id": record.request_id,
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


@failsafe(_NO_SPAN)
def start_client_span(
    *,
    operation: str,
    model: str | None,
    provider: str,
    server_address: str | None,
    server_port: int | None,
    extra: Mapping[str, Any] | None = None,
    tracer_provider: trace.TracerProvider | None = None,
) -> Span:
    """Start (without ending or attaching) the CLIENT span of one model call, named
    ``{gen_ai.operation.name} {gen_ai.request.model}``. ``extra`` holds attributes the caller
    already checked (counts, identifiers from configuration)."""
    op = ident(operation) or "unknown"
    checked_model = ident(model) if model else None
    attributes: dict[str, Any] = {
        genai.GEN_AI_OPERATION_NAME: op,
        genai.GEN_AI_PROVIDER_NAME: ident(provider) or "unknown",
    }
    if checked_model is not None:
        attributes[genai.GEN_AI_REQUEST_MODEL] = checked_model
    if server_address:
        attributes[server_attributes.SERVER_ADDRESS] = server_address
    if server_port:
        attributes[server_attributes.SERVER_PORT] = server_port
    attributes.update(extra or {})
    name = f"{op} {checked_model}" if checked_model else op
    return get_tracer(tracer_provider=tracer_provider).start_span(
        name, kind=SpanKind.CLIENT, attributes=attributes)


@failsafe(None)
def end_client_span(
    span: Span,
    *,
    response_id: str | None,
    response_model: str | None,
    finish_reasons: list[str],
    input_tokens: int | None,
    output_tokens: int | None,
    error_type: str | None,
    failed: bool,
) -> None:
    """Put what the answer reported (identifiers already checked) on ``span`` and end it."""
    try:
        if span.is_recording():
            attrs: dict[str, Any] = {}
            if response_id:
                attrs[genai.GEN_AI_RESPONSE_ID] = response_id
            if response_model:
                attrs[genai.GEN_AI_RESPONSE_MODEL] = response_model
            if finish_reasons:
                attrs[genai.GEN_AI_RESPONSE_FINISH_REASONS] = list(finish_reasons)
            if input_tokens is not None:
                attrs[genai.GEN_AI_USAGE_INPUT_TOKENS] = input_tokens
            if output_tokens is not None:
                attrs[genai.GEN_AI_USAGE_OUTPUT_TOKENS] = output_tokens
            if error_type:
                attrs[error_attributes.ERROR_TYPE] = error_type
            span.set_attributes(attrs)
            if failed:
                span.set_status(Status(StatusCode.ERROR))
    finally:
        span.end()


@failsafe(_NO_TOKEN)
def attach_span(span: Span) -> object:
    """Make ``span`` current; returns the token for :func:`detach`."""
    return otel_context.attach(trace.set_span_in_context(span))


@failsafe(None)
def detach(token: object) -> None:
    if token is not None:
        otel_context.detach(token)  # type: ignore[arg-type]
