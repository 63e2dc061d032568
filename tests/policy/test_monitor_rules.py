"""Per-rule shadow mode: a rule with ``mode: monitor`` is decided and audited, and changes
nothing — the finding is decided by the rules below it, as if the rule were not there."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

import traffic_fixtures as tf
from qorgan.audit.record import AuditRecord
from qorgan.consent.model import ConsentRecord, ConsentView
from qorgan.decision import MonitoredRule
from qorgan.policy.context import DecisionContext
from qorgan.policy.engine import IMPLICIT_DEFAULT, PolicyEngine
from qorgan.policy.explain import explain, render
from qorgan.policy.loader import parse_policy
from qorgan.policy.testing import run_policy_tests
from qorgan.types import Action, ConsentStatus, Finding, Principal

HEAD = """\
version: 1
name: shadow
categories:
  identity: [PERSON]
  national_id: [KZ_IIN]
destinations:
  - {id: us, model: "gpt-*", region: US}
rules:
  - {id: try-block-ids, categories: [national_id], action: block, mode: monitor,
     cite: "trial"}
  - {id: try-consent, categories: [identity], require_consent: true, action: allow,
     consent_fallback: redact, mode: monitor}
"""
ENFORCED = """\
  - {id: ids-pseudonymized, categories: [national_id], action: pseudonymize}
  - {id: default, action: mask}
"""


def engine(rules: str = ENFORCED) -> PolicyEngine:
    return PolicyEngine(parse_policy(HEAD + rules, "shadow.yaml"))


def context(eng: PolicyEngine) -> DecisionContext:
    return DecisionContext(principal=Principal(id="p"), purpose="support",
                           destination=eng.resolve_destination("gpt-4o", "chat/completions"))


def test_the_rules_below_decide_and_the_shadow_is_recorded() -> None:
    eng = engine()
    decision = eng.decide([[Finding("KZ_IIN", 0, 12, 1.0), Finding("PERSON", 20, 30, 0.9)]],
                          context(eng))
    iin, person = decision.findings
    assert (iin.action, iin.rule_id) == (Action.PSEUDONYMIZE, "ids-pseudonymized")
    assert iin.monitored == (MonitoredRule("try-block-ids", Action.BLOCK),)
    assert (person.action, person.rule_id) == (Action.MASK, "default")
    # consent is looked up for the shadow rule as for any other: no registry, fallback
    assert person.monitored == (MonitoredRule("try-consent", Action.REDACT,
                                              ConsentStatus.UNAVAILABLE),)
    assert not decision.blocked
    assert decision.block_rules == ()
    assert decision.rule_ids() == ("ids-pseudonymized", "default")
    assert decision.monitor_rule_ids() == ("try-block-ids", "try-consent")
    assert decision.monitor_actions() == {"block": 1, "redact": 1}


def test_with_consent_the_shadow_records_the_rules_action() -> None:
    eng = engine()
    granted = ConsentView(records=[ConsentRecord(
        id="c", subject_key="s", purpose="support", categories=frozenset({"identity"}),
        cross_border=True, valid_from=datetime(2020, 1, 1, tzinfo=UTC))],
        now=datetime.now(UTC), subject_present=True)
    decision = eng.decide([[Finding("PERSON", 0, 5, 0.9)]], context(eng), granted)
    assert decision.findings[0].monitored == (MonitoredRule("try-consent", Action.ALLOW,
                                                            ConsentStatus.GRANTED),)
    assert decision.findings[0].action is Action.MASK


def test_without_an_enforced_rule_below_the_implicit_default_decides() -> None:
    eng = engine(rules="")
    decision = eng.decide([[Finding("KZ_IIN", 0, 12, 1.0)]], context(eng))
    (fd,) = decision.findings
    assert (fd.action, fd.rule_id) == (Action.REDACT, IMPLICIT_DEFAULT)
    assert [m.rule_id for m in fd.monitored] == ["try-block-ids"]
    assert not decision.blocked


def test_audit_record_carries_the_shadow_decisions() -> None:
    eng = engine()
    decision = eng.decide([[Finding("KZ_IIN", 0, 12, 1.0)]], context(eng))
    record = AuditRecord.from_decisions(
        request_decision=decision, request_id="r1", route="chat/completions",
        operation="chat", provider="openai", principal_id="anonymous")
    data = record.to_dict()
    assert data["monitor_rules"] == ["try-block-ids"]
    assert data["monitor_actions"] == {"block": 1}
    assert data["block_rules"] == []
    assert data["outcome"] == "transform"


def test_explain_shows_the_shadow_and_goes_on() -> None:
    eng = engine()
    lines = list(render(explain(eng, [[Finding("KZ_IIN", 0, 12, 1.0)]], context(eng))))
    assert "  + try-block-ids: matches; monitor mode: recorded, decides nothing" in lines
    assert "  + ids-pseudonymized: matches" in lines
    assert "  ~ try-block-ids (monitor) would block" in lines
    assert "outcome: transform" in lines


def test_policy_tests_can_expect_the_shadow(tmp_path: Path) -> None:
    policy = tmp_path / "shadow.yaml"
    policy.write_text(HEAD + ENFORCED, encoding="utf-8")
    (tmp_path / "shadow.tests.yaml").write_text(
        "cases:\n"
        "  - name: shadow recorded\n"
        "    model: gpt-4o\n"
        "    findings: [{entity_type: KZ_IIN}]\n"
        "    expect: {blocked: false, rules: [ids-pseudonymized], monitored: [try-block-ids]}\n"
        "  - name: wrong shadow\n"
        "    findings: [{entity_type: KZ_IIN}]\n"
        "    expect: {monitored: []}\n", encoding="utf-8")
    report = run_policy_tests(policy)
    assert [c.passed for c in report.cases] == [True, False]
    assert report.cases[1].diff == ("monitored: expected [], got ['try-block-ids']",)


@pytest.mark.anyio
async def test_through_the_proxy_nothing_changes_and_the_log_says_why(tmp_path: Path) -> None:
    policy = tf.write_policy(tmp_path / "shadow.yaml", """\
version: 1
name: shadow-proxy
categories:
  national_id: [KZ_IIN]
rules:
  - {id: try-block-ids, categories: [national_id], action: block, mode: monitor}
  - {id: pseudonymize-all, action: pseudonymize}
""")
    log = tmp_path / "decisions.jsonl"
    upstream, _ = tf.demo()
    _, server = tf.proxy(policy, audit_log=str(log))
    since = len(upstream.received)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        response = await client.post("/v1/chat/completions", json={
            "model": "gpt-4o", "messages": [{"role": "user",
                                             "content": f"My IIN is {tf.IIN}."}]})
    server.stop()
    assert response.status_code == 200  # the shadow block did not block
    sent = tf.bodies(tf.received(upstream, since))
    assert tf.IIN not in "".join(sent)  # the enforced rule below pseudonymized it
    assert "<KZ_IIN_1>" in "".join(sent)
    record = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert record["monitor_rules"] == ["try-block-ids"]
    assert record["monitor_actions"] == {"block": 1}
    assert record["block_rules"] == []
    assert tf.IIN not in log.read_text(encoding="utf-8")
