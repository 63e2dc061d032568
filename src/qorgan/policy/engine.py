"""The decision engine: ordered rules over principal x purpose x consent x destination.

For each finding the first rule that matches decides. A rule in ``mode: monitor`` (a shadow
rule) that matches is recorded with what it would have done, and matching goes on below it:
it is decided and audited, and changes nothing. A rule matches when every matcher it
sets matches (omitted matchers match anything) and its ``when`` condition is true. When no
rule matches, the engine applies a safe implicit default, ``redact``, under the rule id
``implicit-default``: a policy that forgets a catch-all never lets data through by accident.

``require_consent`` makes the rule's action depend on the subject's consent for the
finding's category (with cross-border consent when the destination is outside the home
region); anything but ``granted`` yields ``consent_fallback``. Without a consent registry the
status is ``unavailable``.

A condition that fails to evaluate (or yields a non-bool) does not match and is counted in
``condition_errors``; under ``on_error: block`` ``decide`` then raises ``PolicyError`` so the
caller fails closed.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from qorgan.consent.model import ConsentView
from qorgan.decision import Decision, FindingDecision, MonitoredRule
from qorgan.detection.config import DetectionConfig
from qorgan.errors import PolicyError
from qorgan.policy.access import AuthSpec, ConsentSpec, ContextSpec, TrafficSpec
from qorgan.policy.cel import Condition, ConditionError
from qorgan.policy.context import DecisionContext, Destination
from qorgan.policy.loader import LoadedPolicy
from qorgan.policy.rules import CompiledRule
from qorgan.policy.schema import ACTION_PARAMS, ResponseSpec
from qorgan.policy.semantics import UNKNOWN_DESTINATION
from qorgan.types import Action, ConsentStatus, Finding, Principal

log = logging.getLogger("qorgan.policy")

IMPLICIT_DEFAULT = "implicit-default"
UNKNOWN_REGION = "UNKNOWN"

_IMPLICIT_PARAMS: Mapping[str, Any] = MappingProxyType(ACTION_PARAMS[Action.REDACT]().model_dump())
_Outcome = tuple[
    Action, str, str | None, ConsentStatus, str, Mapping[str, Any], tuple[MonitoredRule, ...]
]


class PolicyEngine:
    def __init__(self, loaded: LoadedPolicy) -> None:
        self._loaded = loaded
        policy = loaded.policy
        self._category = {e: name for name, ents in policy.categories.items() for e in ents}
        self._purposes = {p.id: p for p in policy.purposes}
        self._cites = {rule.id: rule.spec.cite for rule in loaded.rules}
        self._params: dict[tuple[int, Action], Mapping[str, Any]] = {}
        for rule in loaded.rules:
            for action in {rule.spec.action, rule.spec.consent_fallback}:
                self._params[(rule.index, action)] = MappingProxyType(
                    rule.spec.operator_params(action)
                )
        self._detection = policy.detection.to_config()
        self._forward_headers = {name: re.compile(pattern) for name, pattern
                                 in policy.traffic.forward_headers.items()}
        self.condition_errors = 0

    # -- what the rest of qorgan reads ------------------------------------------------------

    @property
    def loaded(self) -> LoadedPolicy:
        return self._loaded

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        return self._loaded.rules

    @property
    def name(self) -> str:
        return self._loaded.policy.name

    @property
    def version(self) -> str:
        return self._loaded.version

    @property
    def mode(self) -> str:
        return self._loaded.policy.mode

    @property
    def on_error(self) -> str:
        return self._loaded.policy.on_error

    @property
    def home_region(self) -> str:
        return self._loaded.policy.home_region

    @property
    def needs_consent(self) -> bool:
        return any(rule.spec.require_consent for rule in self._loaded.rules)

    @property
    def response(self) -> ResponseSpec:
        return self._loaded.policy.response

    @property
    def traffic(self) -> TrafficSpec:
        return self._loaded.policy.traffic

    @property
    def forward_headers(self) -> Mapping[str, re.Pattern[str]]:
        """The policy's own additions to the forwarded headers, compiled."""
        return self._forward_headers

    @property
    def consent(self) -> ConsentSpec:
        return self._loaded.policy.consent

    @property
    def auth(self) -> AuthSpec:
        return self._loaded.policy.auth

    @property
    def context(self) -> ContextSpec:
        return self._loaded.policy.context

    def may_restore(self, principal: Principal) -> bool:
        """Whether ``principal`` gets its own values back in the response."""
        spec = self._loaded.policy.response
        if not spec.restore:
            return False
        return not spec.restore_roles or bool(frozenset(spec.restore_roles) & principal.roles)

    def detection_config(self) -> DetectionConfig:
        return self._detection

    def category(self, entity_type: str) -> str | None:
        """The policy category of an entity type; None when no category lists it."""
        return self._category.get(entity_type)

    def resolve_destination(self, model: str | None, route: str) -> Destination:
        """The first destination whose ``model`` and ``route`` globs match; else ``unknown``.

        A request that names no model matches only destinations whose ``model`` is ``*``.
        """
        for spec in self._loaded.policy.destinations:
            if model is None:
                if spec.model != "*":
                    continue
            elif not fnmatch.fnmatchcase(model, spec.model):
                continue
            if spec.route is not None and not fnmatch.fnmatchcase(route, spec.route):
                continue
            return Destination(
                id=spec.id, region=spec.region, risk=spec.risk, model=model, provider=spec.provider
            )
        # Unknown means cross-border and high risk: the safe reading of "we do not know".
        return Destination(id=UNKNOWN_DESTINATION, region=UNKNOWN_REGION, risk="high", model=model)

    def effective_purpose(self, ctx: DecisionContext) -> str | None:
        return ctx.purpose if ctx.purpose is not None else self._loaded.policy.default_purpose

    def check_request(self, ctx: DecisionContext) -> str | None:
        """Why the request is refused before any finding (purpose, roles), or None."""
        if not self._purposes:
            return None
        purpose = self.effective_purpose(ctx)
        if purpose is None:
            return "a purpose is required and none was given"
        spec = self._purposes.get(purpose)
        if spec is None:
            # The value came from the caller: not echoed.
            return "the purpose is not declared by the policy"
        if spec.denied:
            cite = f" ({spec.cite})" if spec.cite else ""
            return f"purpose '{purpose}' is prohibited{cite}"
        if spec.roles and not (frozenset(spec.roles) & ctx.principal.roles):
            return f"the principal's roles may not use purpose '{purpose}'"
        return None

    def is_cross_border(self, destination: Destination) -> bool:
        return destination.region != self.home_region

    def activation(self, ctx: DecisionContext) -> dict[str, Any]:
        """The request-level CEL variables (``finding`` and ``consent`` are added per finding)."""
        dest = ctx.destination
        return {
            "principal": {
                "id": ctx.principal.id,
                "roles": sorted(ctx.principal.roles),
                "tenant": ctx.principal.tenant,
            },
            "purpose": self.effective_purpose(ctx),
            "destination": {
                "id": dest.id,
                "region": dest.region,
                "risk": dest.risk,
                "model": dest.model,
                "provider": dest.provider,
            },
            "direction": ctx.direction.value,
            "cross_border": self.is_cross_border(dest),
            "request": {"route": ctx.route, "direction": ctx.direction.value,
                        "cross_border": self.is_cross_border(dest)},
        }

    def consent_status(
        self, consent: ConsentView | None, category: str | None, *, cross_border: bool
    ) -> ConsentStatus:
        if consent is None:
            return ConsentStatus.UNAVAILABLE
        return consent.status(category, cross_border=cross_border)

    def params(self, rule: CompiledRule, action: Action) -> Mapping[str, Any]:
        return self._params[(rule.index, action)]

    # -- deciding ---------------------------------------------------------------------------

    def decide(
        self,
        findings: Sequence[Sequence[Finding]],
        ctx: DecisionContext,
        consent: ConsentView | None = None,
        subject_of: Callable[[int, Finding], bool] | None = None,
    ) -> Decision:
        """Decide every finding (``findings[i]`` are the findings of text slot ``i``).

        ``subject_of(slot, finding)`` says whether a finding is the data subject's own
        identifier; under ``consent.attribution: subject`` only those get the subject's
        consent, every other one is ``third_party`` (no consent of the subject's covers
        it). Without ``subject_of`` (a policy test, an explanation) every finding counts as
        the subject's."""
        run = _Run(self, ctx, consent)
        attribute = self.consent.attribution == "subject"
        decided: list[FindingDecision] = []
        block_rules: dict[str, None] = {}
        for slot, slot_findings in enumerate(findings):
            for finding in slot_findings:
                own = not attribute or subject_of is None or subject_of(slot, finding)
                action, rule_id, category, status, reason, params, monitored = run.outcome(
                    finding, own)
                if action is Action.BLOCK:
                    block_rules.setdefault(rule_id, None)
                decided.append(
                    FindingDecision(
                        finding=finding,
                        slot=slot,
                        action=action,
                        rule_id=rule_id,
                        category=category,
                        cite=self._cites.get(rule_id),
                        consent=status,
                        reason=reason,
                        params=params,
                        monitored=monitored,
                    )
                )
        if run.failed:
            self.condition_errors += len(run.failed)
            ids = ", ".join(sorted(run.failed))
            log.warning("policy %s: condition of rule(s) %s failed to evaluate", self.name, ids)
            if self.on_error == "block":
                raise PolicyError(f"policy '{self.name}': condition of rule(s) {ids} failed")
        return Decision(
            findings=tuple(decided),
            policy_name=self.name,
            policy_version=self.version,
            mode=self.mode,
            direction=ctx.direction,
            block_rules=tuple(block_rules),
            denied_reason=self.check_request(ctx),
        )


class _Run:
    """Per-call state of one ``decide``: request-level work done once, outcomes memoized."""

    def __init__(
        self, engine: PolicyEngine, ctx: DecisionContext, consent: ConsentView | None
    ) -> None:
        self.engine = engine
        self.consent = consent
        self.failed: set[str] = set()
        self.cross_border = engine.is_cross_border(ctx.destination)
        purpose = engine.effective_purpose(ctx)
        self._activation: dict[str, Any] | None = None
        self._ctx = ctx
        self._statuses: dict[str | None, ConsentStatus] = {}
        self._memo: dict[tuple[str, float | None, bool], _Outcome] = {}
        candidates: list[CompiledRule] = []
        for rule in engine.rules:
            if rule.request_mismatch(ctx, purpose) is not None:
                continue
            cond = rule.condition
            # Request-level conditions run once here; the others per finding shape.
            if cond is None or cond.per_finding or self._check(rule, cond, None, None):
                candidates.append(rule)
        self.candidates = candidates
        self._by_score = any(
            r.condition is not None and "finding" in r.condition.variables for r in candidates
        )

    def activation(self) -> dict[str, Any]:
        if self._activation is None:
            self._activation = self.engine.activation(self._ctx)
        return self._activation

    def status(self, category: str | None, own: bool = True) -> ConsentStatus:
        """The consent status of a finding of ``category``; ``own``: the finding is the data
        subject's (else no consent of the subject's covers it)."""
        if not own:
            if self.consent is None:
                return ConsentStatus.UNAVAILABLE
            if not self.consent.subject_present:
                return ConsentStatus.MISSING_SUBJECT
            return ConsentStatus.THIRD_PARTY
        status = self._statuses.get(category)
        if status is None:
            status = self.engine.consent_status(
                self.consent, category, cross_border=self.cross_border
            )
            self._statuses[category] = status
        return status

    def _check(
        self, rule: CompiledRule, cond: Condition, finding: Finding | None, category: str | None,
        own: bool = True,
    ) -> bool:
        variables = self.activation()
        if finding is not None:
            variables = {
                **variables,
                "finding": {
                    "entity_type": finding.entity_type,
                    "category": category,
                    "score": finding.score,
                },
            }
            if "consent" in cond.variables:
                variables["consent"] = self.status(category, own).value
        try:
            return cond.evaluate(variables)
        except ConditionError:
            self.failed.add(rule.id)
            return False

    def outcome(self, finding: Finding, own: bool = True) -> _Outcome:
        key = (finding.entity_type, finding.score if self._by_score else None, own)
        cached = self._memo.get(key)
        if cached is None:
            cached = self._decide(finding, own)
            self._memo[key] = cached
        return cached

    def _decide(self, finding: Finding, own: bool) -> _Outcome:
        engine = self.engine
        entity = finding.entity_type
        category = engine.category(entity)
        monitored: list[MonitoredRule] = []
        for rule in self.candidates:
            if rule.categories is not None and category not in rule.categories:
                continue
            if rule.entities is not None and entity not in rule.entities:
                continue
            cond = rule.condition
            ok = cond is None or not cond.per_finding or self._check(rule, cond, finding,
                                                                      category, own)
            if not ok:
                continue
            spec = rule.spec
            if not spec.require_consent:
                action, status, reason = spec.action, ConsentStatus.NOT_REQUIRED, f"rule {rule.id}"
            else:
                status = self.status(category, own)
                if status is ConsentStatus.GRANTED:
                    action, reason = spec.action, f"rule {rule.id}: consent granted"
                else:
                    action = spec.consent_fallback
                    reason = f"rule {rule.id}: consent {status.value}, fallback {action.value}"
            if spec.mode == "monitor":
                # a shadow rule: what it would do is recorded, the rules below decide
                monitored.append(MonitoredRule(rule.id, action, status))
                continue
            return (action, rule.id, category, status, reason, engine.params(rule, action),
                    tuple(monitored))
        return (
            Action.REDACT,
            IMPLICIT_DEFAULT,
            category,
            ConsentStatus.NOT_REQUIRED,
            "no rule matched: implicit default",
            _IMPLICIT_PARAMS,
            tuple(monitored),
        )
