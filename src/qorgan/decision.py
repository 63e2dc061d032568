"""What the policy decided, per finding and for the whole request.

A decision carries its reasons (rule id, cite, consent status) so it can be explained and
audited; it never carries the values it is about.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qorgan.types import Action, ConsentStatus, Direction, Finding


@dataclass(frozen=True, slots=True)
class MonitoredRule:
    """A rule in ``mode: monitor`` that matched a finding: what it would have done."""

    rule_id: str
    action: Action
    consent: ConsentStatus = ConsentStatus.NOT_REQUIRED


@dataclass(frozen=True, slots=True)
class FindingDecision:
    """The action for one finding in one text slot (``slot`` indexes the request's slots)."""

    finding: Finding
    slot: int
    action: Action
    rule_id: str
    category: str | None = None
    cite: str | None = None
    consent: ConsentStatus = ConsentStatus.NOT_REQUIRED
    reason: str = ""
    #: operator parameters from the rule (mask: ``{"keep": 4, "char": "*"}``)
    params: Mapping[str, Any] = field(default_factory=dict)
    #: rules in ``mode: monitor`` that matched before the deciding rule, in policy order
    monitored: tuple[MonitoredRule, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    findings: tuple[FindingDecision, ...]
    policy_name: str
    policy_version: str
    mode: str = "enforce"  # "enforce" or "monitor"
    direction: Direction = Direction.REQUEST
    #: ids of the rules whose ``block`` action fired (empty when nothing blocks)
    block_rules: tuple[str, ...] = ()
    #: a request-level denial that is not about one finding (denied purpose, role, ...)
    denied_reason: str | None = None

    @property
    def blocked(self) -> bool:
        return bool(self.block_rules) or self.denied_reason is not None

    @property
    def enforced(self) -> bool:
        return self.mode == "enforce"

    @property
    def outcome(self) -> str:
        """``block``, ``transform`` or ``allow``: what the decision asks for (before mode)."""
        if self.blocked:
            return "block"
        if any(fd.action is not Action.ALLOW for fd in self.findings):
            return "transform"
        return "allow"

    def rule_ids(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for fd in self.findings:
            seen.setdefault(fd.rule_id, None)
        for rid in self.block_rules:
            seen.setdefault(rid, None)
        return tuple(seen)

    def monitor_rule_ids(self) -> tuple[str, ...]:
        """Ids of the monitor-mode rules that matched (first appearance order)."""
        seen: dict[str, None] = {}
        for fd in self.findings:
            for m in fd.monitored:
                seen.setdefault(m.rule_id, None)
        return tuple(seen)

    def monitor_actions(self) -> dict[str, int]:
        """What the monitor-mode rules would have done: counts by action."""
        return dict(Counter(m.action.value for fd in self.findings for m in fd.monitored))

    def counts(self) -> dict[str, dict[str, int]]:
        """Counts by entity type, category, action and consent status: safe to log."""
        return {
            "entities": dict(Counter(fd.finding.entity_type for fd in self.findings)),
            "categories": dict(Counter(fd.category or "uncategorized" for fd in self.findings)),
            "actions": dict(Counter(fd.action.value for fd in self.findings)),
            "consent": dict(Counter(fd.consent.value for fd in self.findings)),
        }
