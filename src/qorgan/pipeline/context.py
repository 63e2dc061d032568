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
from qorgan.consent.identifiers import identifier_keys
from qorgan.consent.model import ConsentView
from qorgan.consent.registry import SubjectHasher, consent_view
from qorgan.errors import ConsentError, ForbiddenError, PayloadError
from qorgan.identity import Caller, Identity
from qorgan.policy.context import DecisionContext, Destination
from qorgan.policy.engine import PolicyEngine
from qorgan.providers import Endpoint
from qorgan.transform import VaultScope
from qorgan.types import Direction, Principal

#: longest conversation id a caller may name
MAX_CONVERSATION_ID = 256
#: the conversation header's value that asks the guard to start a conversation
NEW_CONVERSATION = "new"


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestContext:
    request_id: str
    route: str
    endpoint: Endpoint
    engine: PolicyEngine  #: the policy version this request runs under, start to end
    principal: Principal
    #: request headers that carry qorgan's own credentials: never forwarded
    own_credentials: frozenset[str]
    purpose: str | None
    subject_key: str | None
    model: str | None
    destination: Destination
    scope: VaultScope
    #: the request named no conversation: its pseudonyms live as long as it and its answer
    one_shot: bool
    stream: bool
    #: a conversation id this guard issued for the request (the caller asked for a new one)
    issued_conversation: str | None = None
    consent: ConsentView | None = None
    #: whether a value is one of the data subject's own identifiers (consent attribution)
    subject_match: SubjectMatch | None = None

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


def _context_value(
    name: str, header: str | None, principal: Principal, allowed: set[str]
) -> str | None:
    """``name`` (purpose, subject) of a request: what the verified identity says wins; a
    header only fills in what it does not say, where the policy allows it, and a header
    that contradicts it is refused."""
    claimed = _str(principal.attributes.get(name))
    if header is not None and name not in allowed:
        raise PayloadError(f"the policy does not take the {name} from a header",
                           code="header_not_allowed")
    if claimed is not None:
        if header and header != claimed:
            raise ForbiddenError(f"the {name} header contradicts the verified identity",
                                 code="claim_conflict")
        return claimed
    return header or None


@dataclass(frozen=True, slots=True)
class SubjectMatch:
    """The data subject's identifiers, as keyed hashes: the id the request names and those
    recorded with its consents. A value that hashes into them is the subject's own; any
    other personal data in the request is a third person's (no consent of the subject's
    covers it)."""

    keys: frozenset[str]
    hasher: SubjectHasher

    def __call__(self, value: str) -> bool:
        return bool(identifier_keys(self.hasher, value) & self.keys)


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
        allowed: set[str] = set(names.from_headers)
        purpose = _context_value("purpose", headers.get(names.purpose_header.lower()),
                                 principal, allowed)
        subject = _context_value("subject", headers.get(names.subject_header.lower()),
                                 principal, allowed)
        conversation, issued = self._conversation(
            headers.get(names.conversation_header.lower()), principal, allowed)
        one_shot = conversation is None
        if conversation is None:
            # no conversation named: pseudonyms live for this request and its response only
            conversation = "request:" + secrets.token_hex(16)
        model = endpoint.adapter.model(body)
        context = RequestContext(
            request_id=request_id,
            route=route,
            endpoint=endpoint,
            engine=engine,
            principal=principal,
            own_credentials=caller.credential_headers,
            purpose=purpose,
            subject_key=self._hasher(subject) if subject is not None else None,
            model=model,
            destination=engine.resolve_destination(model, route),
            scope=VaultScope(
                tenant=principal.tenant,
                conversation=self._identity.conversation_key(principal, conversation),
            ),
            one_shot=one_shot,
            stream=endpoint.adapter.is_stream(body),
            issued_conversation=issued,
        )
        return context, subject

    def _conversation(
        self, named: str | None, principal: Principal, allowed: set[str]
    ) -> tuple[str | None, str | None]:
        """The conversation a request continues, and the id issued when it starts one.

        An authenticated caller names its own ids (scoped to it). An anonymous caller has
        no identity to scope by, so it may only continue a conversation this guard issued
        to it (``new`` asks for one): a guessed or shared id reaches nothing."""
        if not named:
            return None, None
        if "conversation" not in allowed:
            raise PayloadError("the policy does not take the conversation from a header",
                               code="header_not_allowed")
        if len(named) > MAX_CONVERSATION_ID:
            raise PayloadError(
                f"conversation id is longer than {MAX_CONVERSATION_ID} characters",
                code="invalid_header",
            )
        if named == NEW_CONVERSATION:
            issued = self._identity.issue_conversation()
            return issued, issued
        if not principal.authenticated and not self._identity.issued(named):
            raise PayloadError(
                "an unauthenticated caller continues only a conversation this guard issued "
                f"(send '{NEW_CONVERSATION}' to start one)",
                code="conversation_not_issued",
            )
        return named, None

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
        match = None
        if subject is not None and engine.consent.attribution == "subject":
            keys = set(identifier_keys(self._hasher, subject))
            for record in view.records:
                keys |= record.identifiers
            match = SubjectMatch(frozenset(keys), self._hasher)
        return replace(context, consent=view, subject_match=match)


__all__ = ["MAX_CONVERSATION_ID", "NEW_CONVERSATION", "ContextBuilder", "RequestContext",
           "SubjectMatch"]
