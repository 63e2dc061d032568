"""Explain a decision rule by rule: which rule matched each finding, and why the others did not.

The explanation names entity types, categories, offsets, rule ids and consent statuses; it
never shows the text a finding covers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qorgan.consent.model import ConsentView
from qorgan.decision import Decision, FindingDecision
from qorgan.policy.cel import ConditionError
from qorgan.policy.context import DecisionContext
from qorgan.policy.engine import IMPLICIT_DEFAULT, PolicyEngine
from qorgan.policy.rules import CompiledRule
from qorgan.protocols import format_path
from qorgan.providers import REGISTRY
from qorgan.types import Finding

#: keys of a request body whose string leaves are read when no protocol adapter applies
TEXT_KEYS = ("messages", "prompt", "input", "system")


@dataclass(frozen=True, slots=True)
class RuleTrace:
    rule_id: str
    matched: bool
    why: str


@dataclass(frozen=True, slots=True)
class FindingTrace:
    decision: FindingDecision
    rules: tuple[RuleTrace, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    decision: Decision
    findings: tuple[FindingTrace, ...]
    destination: str
    region: str
    cross_border: bool
    purpose: str | None


def trace_rule(
    engine: PolicyEngine,
    rule: CompiledRule,
    finding: Finding,
    ctx: DecisionContext,
    consent: ConsentView | None,
) -> RuleTrace:
    category = engine.category(finding.entity_type)
    why = rule.request_mismatch(ctx, engine.effective_purpose(ctx))
    why = why or rule.finding_mismatch(finding.entity_type, category)
    if why is not None:
        return RuleTrace(rule.id, False, why)
    cross_border = engine.is_cross_border(ctx.destination)
    if rule.condition is not None:
        variables: dict[str, Any] = {
            **engine.activation(ctx),
            "finding": {
                "entity_type": finding.entity_type,
                "category": category,
                "score": finding.score,
            },
            "consent": engine.consent_status(consent, category, cross_border=cross_border).value,
        }
        try:
            if not rule.condition.evaluate(variables):
                return RuleTrace(rule.id, False, f"when is false: {rule.condition.source}")
        except ConditionError as exc:
            return RuleTrace(rule.id, False, f"when failed: {exc}")
    shadow = "; monitor mode: recorded, decides nothing" if rule.spec.mode == "monitor" else ""
    if rule.spec.require_consent:
        status = engine.consent_status(consent, category, cross_border=cross_border)
        return RuleTrace(rule.id, True, f"matches; consent {status.value}{shadow}")
    return RuleTrace(rule.id, True, f"matches{shadow}")


def explain(
    engine: PolicyEngine,
    findings: Sequence[Sequence[Finding]],
    ctx: DecisionContext,
    consent: ConsentView | None = None,
) -> Explanation:
    decision = engine.decide(findings, ctx, consent)
    traces = []
    for fd in decision.findings:
        rules: list[RuleTrace] = []
        for rule in engine.rules:
            trace = trace_rule(engine, rule, fd.finding, ctx, consent)
            rules.append(trace)
            if trace.matched and rule.spec.mode != "monitor":
                break
        traces.append(FindingTrace(fd, tuple(rules)))
    return Explanation(
        decision=decision,
        findings=tuple(traces),
        destination=ctx.destination.id,
        region=ctx.destination.region,
        cross_border=engine.is_cross_border(ctx.destination),
        purpose=engine.effective_purpose(ctx),
    )


def render(expl: Explanation, slot_names: Sequence[str] = ()) -> Iterator[str]:
    """Readable lines for a terminal."""
    d = expl.decision
    yield f"policy {d.policy_name} ({d.policy_version[:12]}), mode {d.mode}"
    border = "cross-border" if expl.cross_border else "in-country"
    yield f"destination {expl.destination} (region {expl.region}, {border})"
    yield f"purpose {expl.purpose or '(none)'}"
    if d.denied_reason is not None:
        yield f"request denied: {d.denied_reason}"
    if not expl.findings:
        yield "no personal data found"
    for trace in expl.findings:
        fd = trace.decision
        f = fd.finding
        where = slot_names[fd.slot] if fd.slot < len(slot_names) else f"slot {fd.slot}"
        yield ""
        yield (
            f"{f.entity_type} at {where} [{f.start}:{f.end}] score {f.score:.2f} "
            f"category {fd.category or '(none)'}"
        )
        for rule in trace.rules:
            mark = "+" if rule.matched else "-"
            yield f"  {mark} {rule.rule_id}: {rule.why}"
        if fd.rule_id == IMPLICIT_DEFAULT:
            yield f"  + {IMPLICIT_DEFAULT}: no rule matched"
        cite = f" ({fd.cite})" if fd.cite else ""
        yield f"  => {fd.action.value} by {fd.rule_id}{cite}; {fd.reason}"
        for shadow in fd.monitored:
            yield f"  ~ {shadow.rule_id} (monitor) would {shadow.action.value}"
    yield ""
    if d.block_rules:
        yield f"blocked by: {', '.join(d.block_rules)}"
    yield f"outcome: {d.outcome}"


def _leaves(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")


def extract_texts(body: Any, route: str) -> list[tuple[str, str]]:
    """(location, text) pairs the model would read: the protocol adapter's, else string leaves
    under ``messages``/``prompt``/``input``/``system``."""
    if not isinstance(body, Mapping):
        return []
    endpoint = REGISTRY.endpoint(route)
    if endpoint is None:
        return _fallback_texts(body)
    return [(format_path(s.path), s.text) for s in endpoint.adapter.request_slots(body)]


def _fallback_texts(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key in TEXT_KEYS:
        if key in body:
            out.extend(_leaves(body[key], key))
    return out
