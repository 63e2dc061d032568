"""The second step: the request's context, built once after the caller is identified and
never changed after — who calls, for which purpose, about whom, in which conversation, to
which destination, under which consent, on which endpoint and policy version.

Every later step reads it; none writes it. The data subject's clear id is used for the
consent lookup here and dropped: the context keeps only its keyed hash.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from qorgan.consent.base import ConsentRegistry
from qorgan.consent.model import ConsentView
from qorgan.consent.registry import SubjectHasher, consent_view
from qorgan.errors import ConsentError, PayloadError
from qorgan.identity import Caller, Identity
from qorgan.policy.context import DecisionContext, Destination
from qorgan.policy.engine import PolicyEngine
from qorgan.providers import Endpoint
from qorgan.transform import VaultScope
from qorgan.types import Direction, Principal

#: longest conversation id a caller may name
MAX_CONVERSATION_ID = 256


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestContext:
    request_id: str
    route: str
    endpoint: Endpoint
    engine: PolicyEngine  #: the policy version this request runs under, start to end
    principal: Principal
    consumed_authorization: bool
    purpose: str | None
    subject_key: str | None
    model: str | None
    destination: Destination
    scope: VaultScope
    stream: bool
    consent: ConsentView | None = None

    def decision_context(self, direction: Direction) -> DecisionContext:
        return DecisionContext(self.principal, self.purpose, self.destination, direction,
                               self.route)

    @property
    def cross_border(self) -> bool:
        return self.engine.is_cross_border(self.destination)

    def restore_allowed(self, entity_type: str) -> bool:
        """Whether the caller gets its own values of ``entity_type`` back in the answer."""
        response = self.engine.response
        if not response.restore:
            return False
        if response.restore_roles:
            return bool(self.principal.roles & set(response.restore_roles))
        return True


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class ContextBuilder:
    """Builds a request's context from the caller, its headers and its body."""

    def __init__(
        self, identity: Identity, hasher: SubjectHasher, consent: ConsentRegistry | None
    ) -> None:
        self._identity = identity
        self._hasher = hasher
        self._consent = consent

    async def build(
        self,
        *,
        request_id: str,
        route: str,
        endpoint: Endpoint,
        engine: PolicyEngine,
        caller: Caller,
        headers: Mapping[str, str],
        body: Mapping[str, Any],
    ) -> tuple[RequestContext, str | None]:
        """The context without consent, and the data subject's clear id (for
        :meth:`with_consent` only; never stored)."""
        names = engine.context
        principal = caller.principal
        attrs = principal.attributes
        purpose = headers.get(names.purpose_header.lower()) or _str(attrs.get("purpose"))
        subject = headers.get(names.subject_header.lower()) or _str(attrs.get("subject"))
        conversation = headers.get(names.conversation_header.lower())
        if not conversation:
            # no conversation named: pseudonyms live for this request and its response only
            conversation = "request:" + secrets.token_hex(16)
        elif len(conversation) > MAX_CONVERSATION_ID:
            raise PayloadError(
                f"conversation id is longer than {MAX_CONVERSATION_ID} characters",
                code="invalid_header",
            )
        model = endpoint.adapter.model(body)
        context = RequestContext(
            request_id=request_id,
            route=route,
            endpoint=endpoint,
            engine=engine,
            principal=principal,
            consumed_authorization=caller.consumed_authorization,
            purpose=purpose,
            subject_key=self._hasher(subject) if subject is not None else None,
            model=model,
            destination=engine.resolve_destination(model, route),
            scope=VaultScope(
                tenant=principal.tenant,
                conversation=self._identity.conversation_key(principal, conversation),
            ),
            stream=endpoint.adapter.is_stream(body),
        )
        return context, subject

    async def with_consent(self, context: RequestContext, subject: str | None) -> RequestContext:
        """The context with the subject's consents for the request's purpose, when the
        policy asks for consent at all. A registry failure is a :class:`ConsentError`."""
        engine = context.engine
        if not engine.needs_consent or self._consent is None:
            return context
        purpose = engine.effective_purpose(context.decision_context(Direction.REQUEST))
        try:
            view = await consent_view(self._consent, self._hasher, subject, purpose)
        except ConsentError:
            raise
        except Exception as exc:
            raise ConsentError("consent registry is unavailable") from exc
        return replace(context, consent=view)


__all__ = ["MAX_CONVERSATION_ID", "ContextBuilder", "RequestContext"]
