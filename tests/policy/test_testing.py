from __future__ import annotations

from pathlib import Path

import pytest

from qorgan.errors import PolicyError
from qorgan.policy.testing import default_tests_path, run_policy_tests

POLICY = """\
version: 1
name: tt
detection:
  entities: [PERSON, EMAIL_ADDRESS, KZ_IIN]
categories:
  identity: [PERSON]
  contact: [EMAIL_ADDRESS]
  national_id: [KZ_IIN]
destinations:
  - {id: local, model: "llama-*", region: KZ}
  - {id: us, model: "gpt-*", region: US}
rules:
  - {id: id-abroad, categories: [national_id], when: cross_border, action: block}
  - {id: contact, categories: [contact], require_consent: true, action: allow,
     consent_fallback: mask}
  - {id: rest, action: redact}
"""


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    path = tmp_path / "tt.yaml"
    path.write_text(POLICY)
    return path


def write_tests(policy: Path, body: str) -> Path:
    path = policy.with_name("tt.tests.yaml")
    path.write_text(body)
    return path


PASSING = """\
cases:
  - name: iin abroad
    model: gpt-4o
    findings: [{entity_type: KZ_IIN}]
    expect: {blocked: true, rules: [id-abroad]}
  - name: iin at home via destination id
    destination: local
    findings: [{entity_type: KZ_IIN}, {entity_type: PERSON, start: 20, end: 30}]
    expect: {blocked: false, actions: [redact, redact]}
  - name: contact with consent
    model: llama-3
    consent: [{category: contact, state: granted}]
    findings: [{entity_type: EMAIL_ADDRESS}]
    expect: {actions: {EMAIL_ADDRESS: allow}, consent: {EMAIL_ADDRESS: granted}}
  - name: no subject
    model: llama-3
    subject: false
    findings: [{entity_type: EMAIL_ADDRESS}]
    expect: {actions: {EMAIL_ADDRESS: mask}, consent: {EMAIL_ADDRESS: missing_subject}}
  - name: no registry
    registry: unavailable
    findings: [{entity_type: EMAIL_ADDRESS}]
    expect: {consent: {EMAIL_ADDRESS: unavailable}}
"""


def test_passing_file_uses_default_path(policy: Path) -> None:
    tests = write_tests(policy, PASSING)
    assert default_tests_path(policy) == str(tests)
    report = run_policy_tests(policy)
    assert [c.passed for c in report.cases] == [True] * 5
    assert report.ok
    assert report.summary() == "5 passed, 0 failed"


@pytest.mark.parametrize(
    ("expect", "diff"),
    [
        ("{blocked: false}", "blocked: expected False, got True"),
        ("{actions: {KZ_IIN: redact}}", "actions.KZ_IIN: expected ['redact'], got ['block']"),
        ("{actions: [allow]}", "actions: expected ['allow'], got ['block']"),
        ("{rules: [rest]}", "rules: expected ['rest'], got ['id-abroad']"),
        ("{denied: true}", "denied: expected True, got False"),
        (
            "{consent: {KZ_IIN: granted}}",
            "consent.KZ_IIN: expected ['granted'], got ['not_required']",
        ),
    ],
)
def test_failures_show_a_readable_diff(policy: Path, expect: str, diff: str) -> None:
    body = (
        "cases:\n  - name: c\n    model: gpt-4o\n"
        f"    findings: [{{entity_type: KZ_IIN}}]\n    expect: {expect}\n"
    )
    tests = write_tests(policy, body)
    report = run_policy_tests(policy, tests)
    assert not report.ok
    assert report.summary() == "0 passed, 1 failed"
    assert report.cases[0].diff == (diff,)


@pytest.mark.parametrize(
    ("body", "prefix"),
    [
        (
            "cases:\n  - name: x\n    expekt: {}\n",
            "tt.tests.yaml:3:5: cases[0].expekt: unknown key 'expekt' (did you mean 'expect'?)",
        ),
        ("cases: []\n", "tt.tests.yaml:1:8: cases: "),
        (
            "cases:\n  - name: x\n    direction: sideways\n    expect: {}\n",
            "tt.tests.yaml:3:16: cases[0].direction",
        ),
        ("cases: [\n", "tt.tests.yaml:2:1: (document): YAML syntax"),
        (
            "cases:\n  - name: x\n    findings: [{entity_type: A, start: 5, end: 5}]\n"
            "    expect: {}\n",
            "tt.tests.yaml:3:16: cases[0].findings[0]: end must be greater than start",
        ),
        (
            "cases:\n  - name: x\n    findings: []\n    text: hi\n    expect: {}\n",
            "tt.tests.yaml:2:5: cases[0]: give either findings or text, not both",
        ),
    ],
)
def test_bad_tests_file_points_at_line(policy: Path, body: str, prefix: str) -> None:
    tests = write_tests(policy, body)
    with pytest.raises(PolicyError) as info:
        run_policy_tests(policy, tests)
    assert info.value.message.startswith(str(tests.parent / prefix)), info.value.message


def test_undeclared_destination_is_an_error(policy: Path) -> None:
    tests = write_tests(
        policy, "cases:\n  - name: x\n    destination: mars\n    findings: []\n    expect: {}\n"
    )
    with pytest.raises(PolicyError, match="destination 'mars' is not declared"):
        run_policy_tests(policy, tests)


def test_text_case_runs_the_detector(policy: Path) -> None:
    tests = write_tests(
        policy,
        "cases:\n  - name: t\n    model: gpt-4o\n"
        "    text: 'IIN 901123300258'\n    expect: {blocked: true, rules: [id-abroad]}\n",
    )
    report = run_policy_tests(policy, tests)
    assert report.ok, report.cases[0].diff


FAILING_CONDITION = """\
version: 1
name: divides
categories:
  contact: [EMAIL_ADDRESS]
rules:
  - id: zero
    when: "finding.score > 0.1 && size(principal.id) / 0 > 1"
    action: allow
  - {id: default, action: redact}
"""


def test_a_condition_that_fails_to_evaluate_prints_why(tmp_path: Path) -> None:
    policy = tmp_path / "divides.yaml"
    policy.write_text(FAILING_CONDITION, encoding="utf-8")
    tests = write_tests(policy, "cases:\n  - name: c\n    findings: [{entity_type: EMAIL_ADDRESS}]"
                                "\n    expect: {actions: {EMAIL_ADDRESS: redact}}\n")
    report = run_policy_tests(policy, tests)
    (case,) = report.cases
    assert not case.passed
    assert case.diff[0] == "decide failed: policy 'divides': condition of rule(s) zero failed"
    assert case.diff[1].startswith("rule 'zero' when ")
    assert "division by zero" in case.diff[1]
