"""The last step: one span per request (its stages as children), metrics, and one chained
log record — counts, rule ids and keyed hashes, never values.

A :class:`Trail` is opened when a request arrives and finished once, however the request
ends. It is the audit step's own state: the other steps report to it through its methods
and never read it. Telemetry is failsafe: nothing here raises into the request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from qorgan.audit.auditor import Auditor
from qorgan.audit.record import AuditRecord, ident
from qorgan.decision import Decision
from qorgan.errors import QorganError
from qorgan.identity import Identity
from qorgan.pipeline.context import RequestContext
from qorgan.pipeline.respond import ResponseResult
from qorgan.policy.engine import PolicyEngine
from qorgan.providers import Endpoint
from qorgan.types import Direction

log = logging.getLogger("qorgan.guard")
_TRACE_CONTEXT = TraceContextTextMapPropagator()


class Trail:
    def __init__(
        self, auditor: Auditor, identity: Identity, *, engine: PolicyEngine,
        endpoint: Endpoint, route: str, request_id: str, instance: str,
    ) -> None:
        self._auditor = auditor
        self._engine = engine
        self._identity = identity
        self._endpoint = endpoint
        self._route = route
        self.request_id = request_id
        self._instance = instance
        self._started = time.perf_counter()
        self._stack = ExitStack()
        self._span: Span | None = None
        self._ctx: RequestContext | None = None
        self._decision: Decision | None = None
        self._degraded: QorganError | None = None
        self._response: ResponseResult | None = None
        self.stages: dict[str, float] = {}
        self._finished = False

    # -- opened when the request arrives ----------------------------------------------------

    def open(self, carrier: Mapping[str, str]) -> None:
        """Start the request span; without a current trace, the caller's ``traceparent``
        (``carrier``) is its parent, so the trace continues to the upstream."""
        try:
            parent = carrier.get("traceparent")
            if parent and not trace.get_current_span().get_span_context().is_valid:
                # the caller's trace id and span id only: its tracestate and baggage are the
                # caller's text, and would reach spans and the upstream from the context
                token = otel_context.attach(_TRACE_CONTEXT.extract({"traceparent": parent}))
                self._stack.callback(otel_context.detach, token)
            self._span = self._stack.enter_context(self._auditor.span(
                operation=self._endpoint.adapter.operation, model=None,
                provider=self._endpoint.adapter.provider, route=self._route,
            ))
        except Exception as exc:  # noqa: BLE001 - telemetry never fails a request
            log.warning("request %s: tracing failed: %s", self.request_id, type(exc).__name__)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time one step (and give it a child span)."""
        start = time.perf_counter()
        with self._auditor.stage(name):
            try:
                yield
            finally:
                self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start

    # -- what the steps report -------------------------------------------------------------

    def context(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        span = self._span
        if span is not None and ctx.model and span.is_recording():
            # the model name is the client's to choose: only an identifier-shaped one is
            # recorded, so a value smuggled into it never reaches a span
            model = ident(ctx.model[:128])
            if model is not None:
                span.set_attribute("gen_ai.request.model", model)

    def decided(self, decision: Decision) -> None:
        self._decision = decision

    def degraded(self, error: QorganError) -> None:
        """A protective step failed and the policy's ``on_error: allow`` let the request go."""
        self._degraded = error

    def response(self, result: ResponseResult) -> None:
        self._response = result

    # -- finished once, however the request ends --------------------------------------------

    def finish(self, *, status: int, error: QorganError | None = None) -> None:
        """Write the audit record and end the span, once."""
        if self._finished:
            return
        self._finished = True
        total = time.perf_counter() - self._started
        self.stages["total"] = total
        error = error or self._degraded
        try:
            record = self._record(status, error, total)
            if self._span is not None:
                stream = self._response.stream if self._response is not None else None
                if stream is not None and self._span.is_recording():
                    self._span.set_attributes(stream.as_attributes())
                self._auditor.finish(self._span, record, self.stages)
        except Exception as exc:  # noqa: BLE001 - audit is failsafe: it never fails a request
            log.error("audit of request %s failed: %s", self.request_id, type(exc).__name__)
        finally:
            self._stack.close()

    def _record(self, status: int, error: QorganError | None, total: float) -> AuditRecord:
        ctx = self._ctx
        response = self._response
        adapter = self._endpoint.adapter
        engine = self._engine
        findings = tuple(response.findings) if response is not None else ()
        response_decision = None
        if findings or engine.response.scan:
            response_decision = Decision(
                findings=findings,
                policy_name=engine.name,
                policy_version=engine.version,
                mode=engine.mode,
                direction=Direction.RESPONSE,
            )
        return AuditRecord.from_decisions(
            request_decision=self._decision,
            response_decision=response_decision,
            request_id=self.request_id,
            route=self._route,
            operation=adapter.operation,
            provider=adapter.provider,
            principal_id=(self._identity.principal_id(ctx.principal) if ctx is not None
                          else "anonymous"),
            subject_key=ctx.subject_key if ctx is not None else None,
            tenant=ctx.principal.tenant if ctx is not None else "default",
            purpose=ctx.purpose if ctx is not None else None,
            model=ctx.model if ctx is not None else None,
            destination=ctx.destination.id if ctx is not None else None,
            region=ctx.destination.region if ctx is not None else None,
            cross_border=ctx.cross_border if ctx is not None else False,
            stream=ctx.stream if ctx is not None else False,
            status=status,
            latency_ms=total * 1000.0,
            error_code=error.code if error is not None else None,
            usage=response.usage if response is not None else None,
            instance=self._instance,
            mode=engine.mode,
        )


__all__ = ["Trail"]
