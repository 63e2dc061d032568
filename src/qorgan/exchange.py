"""Per-request state of the Guard: context, consent, transform, tokens, audit.

An :class:`Exchange` is created for each request and never shared; the Guard object itself
holds no per-request data. The response side (restore, scan, stream) is
:class:`qorgan.scanner.ResponseScanner`.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import Span

from qorgan.audit.record import AuditRecord, ident
from qorgan.audit.tracing import inject_headers
from qorgan.consent.model import ConsentView
from qorgan.consent.registry import consent_view
from qorgan.decision import Decision, FindingDecision
from qorgan.errors import ConsentError, PayloadError, QorganError
from qorgan.policy.context import DecisionContext, Destination
from qorgan.protocols import Adapter
from qorgan.transform import TokenTable, VaultScope
from qorgan.types import Direction, Principal, TextSlot

if TYPE_CHECKING:
    from qorgan.policy.engine import PolicyEngine
    from qorgan.runtime import Runtime

log = logging.getLogger("qorgan.guard")


@dataclass(slots=True, kw_only=True)
class Exchange:
    runtime: Runtime
    engine: PolicyEngine
    adapter: Adapter
    route: str
    request_id: str
    started: float
    principal: Principal = field(default_factory=Principal.anonymous)
    purpose: str | None = None
    subject: str | None = None  # clear id: used for the consent lookup only, never stored
    subject_key: str | None = None
    model: str | None = None
    destination: Destination | None = None
    scope: VaultScope | None = None
    consent: ConsentView | None = None
    request_decision: Decision | None = None
    response_findings: list[FindingDecision] = field(default_factory=list)
    tokens: TokenTable | None = None
    json_tokens: TokenTable | None = None
    stream: bool = False
    degraded: QorganError | None = None
    consumed_authorization: bool = False
    usage: dict[str, int] | None = None
    stages: dict[str, float] = field(default_factory=dict)
    _stack: ExitStack = field(default_factory=ExitStack)
    _span: Span | None = None
    #: stream counters (``qorgan.stream.*``): one set per request, never one per event
    stream_attributes: dict[str, int | str | bool] = field(default_factory=dict)
    _finished: bool = False

    # -- telemetry --------------------------------------------------------------------------

    def open_span(self, carrier: Mapping[str, str] | None = None) -> None:
        """Start the request span; without a current trace, the caller's ``traceparent``
        (``carrier``) is its parent, so the trace continues to the upstream."""
        if carrier is not None and not trace.get_current_span().get_span_context().is_valid:
            token = otel_context.attach(propagate.extract(carrier))
            self._stack.callback(otel_context.detach, token)
        self._span = self._stack.enter_context(
            self.runtime.auditor.span(
                operation=self.adapter.operation, model=None,
                provider=self.adapter.provider, route=self.route,
            )
        )

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        with self.runtime.auditor.stage(name):
            try:
                yield
            finally:
                self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start

    def inject_trace(self, headers: dict[str, str]) -> None:
        inject_headers(headers)

    def finish(self, *, status: int, error: QorganError | None = None) -> None:
        """Write the audit record and end the span, once."""
        if self._finished:
            return
        self._finished = True
        total = time.perf_counter() - self.started
        self.stages["total"] = total
        error = error or self.degraded
        try:
            record = AuditRecord.from_decisions(
                request_decision=self.request_decision,
                response_decision=self.response_decision(),
                request_id=self.request_id,
                route=self.route,
                operation=self.adapter.operation,
                provider=self.adapter.provider,
                principal_id=self.runtime.principal_id(self.principal),
                subject_key=self.subject_key,
                tenant=self.principal.tenant,
                purpose=self.purpose,
                model=self.model,
                destination=self.destination.id if self.destination else None,
                region=self.destination.region if self.destination else None,
                cross_border=(self.engine.is_cross_border(self.destination)
                              if self.destination else False),
                stream=self.stream,
                status=status,
                latency_ms=total * 1000.0,
                error_code=error.code if error is not None else None,
                usage=self.usage,
                instance=self.runtime.settings.instance,
                mode=self.engine.mode,
            )
            if self._span is not None:
                if self.stream_attributes and self._span.is_recording():
                    self._span.set_attributes(self.stream_attributes)
                self.runtime.auditor.finish(self._span, record, self.stages)
        except Exception as exc:  # noqa: BLE001 - audit is failsafe: it never fails a request
            log.error("audit of request %s failed: %s", self.request_id, type(exc).__name__)
        finally:
            self._stack.close()

    def response_decision(self) -> Decision | None:
        if not self.response_findings and not self.engine.response.scan:
            return None
        return Decision(
            findings=tuple(self.response_findings),
            policy_name=self.engine.name,
            policy_version=self.engine.version,
            mode=self.engine.mode,
            direction=Direction.RESPONSE,
        )

    # -- context ----------------------------------------------------------------------------

    def own_headers(self) -> tuple[str, str, str]:
        ctx = self.engine.context
        return (ctx.subject_header, ctx.purpose_header, ctx.conversation_header)

    def set_context(
        self, principal: Principal, headers: Mapping[str, str], body: Mapping[str, Any]
    ) -> None:
        ctx = self.engine.context
        attrs = principal.attributes
        self.principal = principal
        self.purpose = headers.get(ctx.purpose_header.lower()) or _str(attrs.get("purpose"))
        self.subject = headers.get(ctx.subject_header.lower()) or _str(attrs.get("subject"))
        if self.subject is not None:
            self.subject_key = self.runtime.hasher(self.subject)
        conversation = headers.get(ctx.conversation_header.lower())
        if not conversation:
            # no conversation named: pseudonyms live for this request and its response only
            conversation = "request:" + secrets.token_hex(16)
        elif len(conversation) > 256:
            raise PayloadError("conversation id is longer than 256 characters",
                               code="invalid_header")
        self.scope = VaultScope(
            tenant=principal.tenant,
            conversation=self.runtime.conversation_key(principal, conversation),
        )
        self.model = self.adapter.model(body)
        self.destination = self.engine.resolve_destination(self.model, self.route)
        if self._span is not None and self.model and self._span.is_recording():
            # the model name is the client's to choose: only an identifier-shaped one is
            # recorded, so a value smuggled into it never reaches a span
            model = ident(self.model[:128])
            if model is not None:
                self._span.set_attribute("gen_ai.request.model", model)

    def context(self, direction: Direction) -> DecisionContext:
        if self.destination is None:
            raise out_of_order()
        return DecisionContext(self.principal, self.purpose, self.destination, direction,
                               self.route)

    def vault_scope(self) -> VaultScope:
        if self.scope is None:
            raise out_of_order()
        return self.scope

    async def load_consent(self) -> None:
        registry = self.runtime.consent
        if not self.engine.needs_consent or registry is None:
            return
        try:
            self.consent = await consent_view(registry, self.runtime.hasher, self.subject,
                                              self.engine.effective_purpose(
                                                  self.context(Direction.REQUEST)))
        except ConsentError:
            raise
        except Exception as exc:
            raise ConsentError("consent registry is unavailable") from exc

    # -- transform and restore --------------------------------------------------------------

    async def transform_request(
        self, slots: Sequence[TextSlot], decision: Decision
    ) -> list[str]:
        scope = self.vault_scope()
        per_slot: list[list[FindingDecision]] = [[] for _ in slots]
        for fd in decision.findings:
            per_slot[fd.slot].append(fd)
        # every slot goes through the transformer, findings or not: placeholder-shaped text
        # the caller wrote anywhere is reserved so the vault never issues it
        return await self.runtime.transformer.apply_many(
            [slot.text for slot in slots], per_slot, scope
        )

    async def load_tokens(self) -> None:
        table = await self.runtime.vault.tokens(self.vault_scope())
        self.tokens = TokenTable(table)
        self.json_tokens = TokenTable(
            {tok: (etype, json.dumps(value, ensure_ascii=False)[1:-1])
             for tok, (etype, value) in table.items()}
        )

    def label_headers(self) -> list[tuple[str, str]]:
        """Law 230-VIII Art. 21: output produced with AI carries a machine-readable mark."""
        response = self.engine.response
        if not response.label:
            return []
        return [(response.label_header.lower(), response.label_value)]

    def restore_allowed(self, entity_type: str) -> bool:
        response = self.engine.response
        if not response.restore:
            return False
        if response.restore_roles:
            return bool(self.principal.roles & set(response.restore_roles))
        return True


def out_of_order() -> QorganError:
    # a step ran before the one that sets its input: a bug, never the caller's fault
    return QorganError("guard steps ran out of order", code="guard_state")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
