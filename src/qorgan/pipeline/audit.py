"""The last step: one span per request (its stages as children, the model call as a GenAI
CLIENT span), metrics, one log line and one chained log record — counts, rule ids and keyed
hashes, never values.

A :class:`Trail` is opened when a request arrives and finished once, however the request
ends, with exactly one outcome: allow, transform, block, error or client_disconnected. It
is the audit step's own state: the other steps report to it through its methods and never
read it. Telemetry is failsafe: nothing here raises into the request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import anyio
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as genai
from opentelemetry.trace import Span

from qorgan.audit.auditor import Auditor
from qorgan.audit.genai import ResponseMeta, StreamMeta, read_body
from qorgan.audit.record import CLIENT_DISCONNECTED, AuditRecord, ident
from qorgan.audit.requests import log_request
from qorgan.audit.tracing import (
    attach_span,
    detach,
    end_client_span,
    extract_parent,
    start_client_span,
)
from qorgan.decision import Decision
from qorgan.errors import QorganError
from qorgan.identity import Identity
from qorgan.pipeline.context import RequestContext
from qorgan.pipeline.respond import ResponseResult
from qorgan.policy.engine import PolicyEngine
from qorgan.providers import Endpoint
from qorgan.types import Direction

log = logging.getLogger("qorgan.guard")


class Trail:
    def __init__(
        self, auditor: Auditor, identity: Identity, *, engine: PolicyEngine,
        endpoint: Endpoint, route: str, request_id: str, instance: str,
        upstream_url: str | None = None,
    ) -> None:
        """``upstream_url`` (configuration) gives the model call's ``server.address``."""
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
        self._disconnected = False
        self._upstream_url = upstream_url
        # the model call: its CLIENT span stays open until the answer has been read
        self._client: Span | None = None
        self._client_started = 0.0
        self._client_status: int | None = None
        self._meta = ResponseMeta()

    # -- opened when the request arrives ----------------------------------------------------

    def open(self, carrier: Mapping[str, str]) -> None:
        """Start the request span; without a current trace, the caller's ``traceparent``
        (``carrier``) is its parent, so the trace continues to the upstream."""
        try:
            if not trace.get_current_span().get_span_context().is_valid:
                parent = extract_parent(carrier)
                if parent is not None:
                    token = otel_context.attach(parent)
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

    @contextmanager
    def upstream(self) -> Iterator[None]:
        """The model call: a CLIENT span, current while the upstream request is built (its
        ``traceparent`` names this span) and sent, ended once the answer has been read."""
        ctx = self._ctx
        start = time.perf_counter()
        self._client_started = start
        self._client = self._start_client(ctx)
        token = attach_span(self._client)
        failure: BaseException | None = None
        try:
            yield
        except BaseException as exc:
            failure = exc
            raise
        finally:
            detach(token)
            self.stages["upstream"] = self.stages.get("upstream", 0.0) + \
                time.perf_counter() - start
            if failure is not None:
                if isinstance(failure, QorganError):
                    code = failure.code
                elif isinstance(failure, anyio.get_cancelled_exc_class()):
                    code = CLIENT_DISCONNECTED
                else:
                    code = type(failure).__name__
                self._end_client(code)

    def _start_client(self, ctx: RequestContext | None) -> Span:
        adapter = self._endpoint.adapter
        provider = self._endpoint.provider.genai_name
        extra: dict[str, object] = {}
        if ctx is not None:
            # the policy says where the model is: a self-hosted destination is not "openai"
            provider = ctx.destination.provider or provider
            extra = {genai.GEN_AI_REQUEST_STREAM: ctx.stream,
                     "qorgan.destination": ident(ctx.destination.id) or "unknown",
                     "qorgan.region": ident(ctx.destination.region) or "unknown"}
        address, port = _server(self._upstream_url)
        return start_client_span(
            operation=adapter.operation, model=ctx.model[:128] if ctx and ctx.model else None,
            provider=provider, server_address=address, server_port=port, extra=extra,
            tracer_provider=self._auditor.tracer_provider,
        )

    def upstream_answered(self, status: int) -> None:
        self._client_status = status

    def upstream_body(self, raw: bytes) -> None:
        """The whole answer was read: what it reports about itself ends the model call."""
        client = self._client
        if client is not None and client.is_recording():
            self._meta = read_body(raw)
        self._end_client(None)

    def observe_stream(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """``chunks`` of a streamed answer, read on their way for the response's id, model,
        finish reasons and token usage; the model call ends with the stream."""
        tap = StreamMeta()
        self._meta = tap.meta

        async def observed() -> AsyncIterator[bytes]:
            async for chunk in tap.tap(chunks):
                yield chunk
            self._end_client(None)

        return observed()

    def _end_client(self, error_type: str | None) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        status = self._client_status
        if error_type is None and status is not None and status >= 400:
            error_type = str(status)
        meta = self._meta
        usage = meta.usage() or (self._response.usage if self._response else None) or {}
        duration = time.perf_counter() - self._client_started
        end_client_span(
            client, response_id=meta.id, response_model=meta.model,
            finish_reasons=meta.finish_reasons, input_tokens=usage.get("input_tokens"),
            output_tokens=usage.get("output_tokens"), error_type=error_type,
            failed=error_type is not None and error_type != CLIENT_DISCONNECTED,
        )
        ctx = self._ctx
        provider = self._endpoint.provider.genai_name
        if ctx is not None:
            provider = ctx.destination.provider or provider
        self._auditor.metrics.genai_call(
            operation=self._endpoint.adapter.operation, provider=provider,
            model=ctx.model if ctx is not None else None, duration=duration,
            input_tokens=usage.get("input_tokens"), output_tokens=usage.get("output_tokens"),
            error_type=error_type,
        )

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
        if span is not None and ctx.destination.provider and span.is_recording():
            # the policy says who runs the model: the same name as on the CLIENT span
            span.set_attribute(genai.GEN_AI_PROVIDER_NAME,
                               ident(ctx.destination.provider) or "unknown")

    def decided(self, decision: Decision) -> None:
        self._decision = decision

    def degraded(self, error: QorganError) -> None:
        """A protective step failed and the policy's ``on_error: allow`` let the request go."""
        self._degraded = error

    def response(self, result: ResponseResult) -> None:
        self._response = result

    def disconnected(self) -> None:
        """The client went away before the answer was complete."""
        self._disconnected = True

    # -- finished once, however the request ends --------------------------------------------

    def finish(self, *, status: int, error: QorganError | None = None) -> None:
        """Write the audit record and end the span, once."""
        if self._finished:
            return
        self._finished = True
        total = time.perf_counter() - self._started
        self.stages["total"] = total
        if error is None and self._disconnected:
            error = QorganError("the client went away", code=CLIENT_DISCONNECTED)
        error = error or self._degraded
        try:
            self._end_client(error.code if error is not None else None)
            record = self._record(status, error, total)
            if self._span is not None:
                stream = self._response.stream if self._response is not None else None
                if stream is not None and self._span.is_recording():
                    self._span.set_attributes(stream.as_attributes())
                self._auditor.finish(self._span, record, self.stages)
            else:
                self._auditor.finish(trace.INVALID_SPAN, record, self.stages)
            log_request(record, self.stages)
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
            usage=(response.usage if response is not None and response.usage
                   else self._meta.usage()),
            instance=self._instance,
            mode=engine.mode,
        )


def _server(url: str | None) -> tuple[str | None, int | None]:
    """``server.address`` and ``server.port`` of the configured upstream."""
    if not url:
        return None, None
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None, None
    return parts.hostname, port


__all__ = ["Trail"]
