"""The fifth step: the policy's decision for every finding of the request; a block, a
denial, or personal data in a JSON key stops the request here."""

from __future__ import annotations

from collections.abc import Sequence

from qorgan.decision import Decision
from qorgan.errors import PayloadError, PolicyBlocked
from qorgan.pipeline.context import RequestContext
from qorgan.pipeline.detect import Detected
from qorgan.types import Direction, Finding


def decide_request(ctx: RequestContext, texts: Sequence[str], detected: Detected) -> Decision:
    """``texts`` are the request's texts (``Extracted.texts``), in the order of the
    findings: a finding is the data subject's own when its value is one of the subject's
    identifiers (``RequestContext.subject_match``)."""
    engine = ctx.engine
    if engine.mode == "enforce" and detected.in_keys:
        # a key cannot be rewritten without breaking what reads it: refuse instead
        raise PayloadError("a JSON object key holds personal data; move it into a value",
                           code="personal_data_in_key")
    if engine.mode == "enforce" and detected.in_ids:
        # ids, tool names and the model are matched by the provider: not rewritten either
        raise PayloadError("an identifier field (an id, a name, the model) holds personal "
                           "data; identifiers are not rewritten", code="personal_data_in_id")
    match = ctx.subject_match

    def subject_of(slot: int, finding: Finding) -> bool:
        return match is not None and match(texts[slot][finding.start:finding.end])

    return engine.decide(detected.findings, ctx.decision_context(Direction.REQUEST),
                         ctx.consent, subject_of)


def refusal(decision: Decision) -> PolicyBlocked | None:
    """The error a blocking decision answers with (categories and rule ids, never values);
    ``None`` when the request goes on (a monitor-mode block goes on too)."""
    if not (decision.blocked and decision.enforced):
        return None
    categories = sorted({fd.category or fd.finding.entity_type for fd in decision.findings
                         if fd.rule_id in decision.block_rules})
    details = {"reason": decision.denied_reason} if decision.denied_reason else {}
    return PolicyBlocked("request blocked by policy", rules=list(decision.block_rules),
                         categories=categories, **details)


__all__ = ["decide_request", "refusal"]
