"""Policy tests: a YAML file of cases, each a request situation and the decision expected.

```yaml
cases:
  - name: national id abroad is blocked
    principal: {id: alice, roles: [support-agent], tenant: acme}
    purpose: support
    model: gpt-4o                    # or destination: on-prem (an id from the policy)
    direction: request
    consent: [{categories: [national_id], cross_border: true, state: granted}]
    findings: [{entity_type: KZ_IIN}] # or text: "..." (runs the detector)
    expect: {blocked: true, actions: {KZ_IIN: block}, rules: [national-id-abroad]}
```

``consent`` states are granted, withdrawn, expired, not_yet_valid or none; ``registry:
unavailable`` means no consent registry, ``subject: false`` means no data subject named.
``actions`` is either entity type -> action (every finding of that type) or a list in
finding order; ``rules`` is the list of deciding rule ids (first appearance order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from qorgan.consent.model import ConsentRecord, ConsentView
from qorgan.decision import Decision, FindingDecision
from qorgan.errors import PolicyError
from qorgan.policy.cel import ConditionError
from qorgan.policy.context import DecisionContext, Destination
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.loader import (
    BUILTIN_PREFIX,
    dotted,
    load_policy,
    raise_problems,
    read_source,
    validation_problems,
)
from qorgan.policy.yamlpos import YamlPositionError, load_located
from qorgan.types import Action, Direction, Finding, Principal


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrincipalCase(_Model):
    id: str = "tester"
    roles: tuple[str, ...] = ()
    tenant: str = "default"


class ConsentCase(_Model):
    category: str | None = None
    categories: tuple[str, ...] = ()
    cross_border: bool = False
    state: Literal["granted", "withdrawn", "expired", "not_yet_valid", "none"] = "granted"


class FindingCase(_Model):
    entity_type: str
    start: int | None = Field(default=None, ge=0)
    end: int | None = None
    score: float = Field(default=1.0, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _span(self) -> FindingCase:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("end must be greater than start")
        if self.start is None and self.end is not None:
            raise ValueError("give start with end")
        return self


class Expect(_Model):
    blocked: bool | None = None
    denied: bool | None = None
    actions: dict[str, Action] | list[Action] | None = None
    rules: list[str] | None = None
    #: ids of the monitor-mode rules that matched (first appearance order)
    monitored: list[str] | None = None
    consent: dict[str, str] | None = None


class Case(_Model):
    name: str
    principal: PrincipalCase = PrincipalCase()
    purpose: str | None = None
    model: str | None = None
    destination: str | None = None
    route: str = "/v1/chat/completions"
    direction: Direction = Direction.REQUEST
    subject: bool = True
    registry: Literal["available", "unavailable"] = "available"
    consent: tuple[ConsentCase, ...] = ()
    findings: tuple[FindingCase, ...] | None = None
    text: str | None = None
    expect: Expect

    @model_validator(mode="after")
    def _one_input(self) -> Case:
        if self.text is not None and self.findings is not None:
            raise ValueError("give either findings or text, not both")
        return self


class TestFile(_Model):
    __test__ = False  # not a pytest class

    cases: tuple[Case, ...] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class CaseResult:
    name: str
    passed: bool
    #: one line per mismatch: ``key: expected X, got Y``
    diff: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TestReport:
    __test__ = False  # not a pytest class

    policy: str
    tests: str
    cases: tuple[CaseResult, ...]

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def failed(self) -> int:
        return len(self.cases) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        return f"{self.passed} passed, {self.failed} failed"


def default_tests_path(policy_path: str | Path) -> str:
    """``policies/X.yaml`` -> ``policies/X.tests.yaml`` (also for ``builtin:X``)."""
    text = str(policy_path)
    if text.startswith(BUILTIN_PREFIX):
        return f"{text}.tests"
    path = Path(text)
    return str(path.with_name(path.name.removesuffix(".yaml").removesuffix(".yml") + ".tests.yaml"))


def load_tests(path: str | Path) -> TestFile:
    raw, source = read_source(path)
    try:
        located = load_located(raw.decode("utf-8"))
        return TestFile.model_validate(located.data)
    except YamlPositionError as exc:
        raise PolicyError(
            f"{source}:{exc.pos.line}:{exc.pos.column}: {dotted(exc.path)}: {exc.message}"
        ) from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{source}:1:1: (document): not UTF-8 text") from exc
    except ValidationError as exc:
        raise_problems(source, validation_problems(located, exc, TestFile), exc)


def _consent_view(case: Case) -> ConsentView | None:
    if case.registry == "unavailable":
        return None
    now = datetime.now(UTC)
    day = timedelta(days=1)
    records = []
    for index, spec in enumerate(case.consent):
        if spec.state == "none":
            continue
        categories = frozenset(spec.categories) | (
            {spec.category} if spec.category is not None else frozenset()
        )
        records.append(
            ConsentRecord(
                id=f"case-{index}",
                subject_key="subject",
                purpose=case.purpose or "",
                categories=categories,
                cross_border=spec.cross_border,
                valid_from=now + day if spec.state == "not_yet_valid" else now - day,
                valid_until=now - day / 2 if spec.state == "expired" else None,
                withdrawn_at=now - day / 2 if spec.state == "withdrawn" else None,
            )
        )
    return ConsentView(records=records, now=now, subject_present=case.subject)


def _findings(engine: PolicyEngine, case: Case) -> list[list[Finding]]:
    if case.text is not None:
        # The detector is heavy; only text cases load it.
        from qorgan.detection.engine import Detector

        return [list(Detector(engine.detection_config()).analyze(case.text))]
    out = []
    for index, spec in enumerate(case.findings or ()):
        start = spec.start if spec.start is not None else index * 10
        end = spec.end if spec.end is not None else start + 5
        out.append(Finding(spec.entity_type, start, end, spec.score))
    return [out]


def _destination(engine: PolicyEngine, case: Case) -> Destination:
    if case.destination is None:
        return engine.resolve_destination(case.model, case.route)
    for spec in engine.loaded.policy.destinations:
        if spec.id == case.destination:
            return Destination(
                id=spec.id,
                region=spec.region,
                risk=spec.risk,
                model=case.model,
                provider=spec.provider,
            )
    raise PolicyError(f"case '{case.name}': destination '{case.destination}' is not declared")


def check_case(engine: PolicyEngine, case: Case) -> CaseResult:
    ctx = DecisionContext(
        principal=Principal(
            id=case.principal.id,
            roles=frozenset(case.principal.roles),
            tenant=case.principal.tenant,
        ),
        purpose=case.purpose,
        destination=_destination(engine, case),
        direction=case.direction,
        route=case.route,
    )
    findings = _findings(engine, case)
    consent = _consent_view(case)
    try:
        decision = engine.decide(findings, ctx, consent)
    except PolicyError as exc:
        return CaseResult(case.name, False, (f"decide failed: {exc.message}",
                                             *_evaluation_errors(engine, ctx, findings,
                                                                 consent)))
    diff = _compare(case.expect, decision)
    return CaseResult(case.name, not diff, tuple(diff))


def _evaluation_errors(
    engine: PolicyEngine, ctx: DecisionContext, findings: list[list[Finding]],
    consent: ConsentView | None,
) -> list[str]:
    """Why each condition failed to evaluate for this case: the extension's own message,
    which the request path never shows (it may quote request values; here they are the
    test case's)."""
    base = engine.activation(ctx)
    cross_border = engine.is_cross_border(ctx.destination)
    shapes: list[dict[str, Any]] = [base]
    for finding in (f for slot in findings for f in slot):
        category = engine.category(finding.entity_type)
        shapes.append({
            **base,
            "finding": {"entity_type": finding.entity_type, "category": category,
                        "score": finding.score},
            "consent": engine.consent_status(consent, category,
                                             cross_border=cross_border).value,
        })
    out: dict[str, str] = {}
    for rule in engine.rules:
        cond = rule.condition
        if cond is None or rule.id in out:
            continue
        for activation in shapes:
            if not cond.variables <= activation.keys():
                continue
            try:
                cond.evaluate(activation)
            except ConditionError as exc:
                cause = exc.__cause__
                detail = f"{type(cause).__name__}: {cause}" if cause is not None else str(exc)
                out[rule.id] = f"rule '{rule.id}' when {cond.source!r}: {detail}"
                break
    return list(out.values())


def _compare(expect: Expect, decision: Decision) -> list[str]:
    diff: list[str] = []

    def check(key: str, want: Any, got: Any) -> None:
        if want is not None and want != got:
            diff.append(f"{key}: expected {want!r}, got {got!r}")

    check("blocked", expect.blocked, decision.blocked)
    check("denied", expect.denied, decision.denied_reason is not None)
    if expect.denied is False and decision.denied_reason is not None:
        diff.append(f"  denied because: {decision.denied_reason}")

    def of(entity: str) -> list[FindingDecision]:
        return [f for f in decision.findings if f.finding.entity_type == entity]

    if isinstance(expect.actions, list):
        check(
            "actions",
            [a.value for a in expect.actions],
            [f.action.value for f in decision.findings],
        )
    elif expect.actions is not None:
        for entity, action in expect.actions.items():
            got = sorted({f.action.value for f in of(entity)})
            check(f"actions.{entity}", [action.value], got)
    check("rules", expect.rules, list(decision.rule_ids()) if expect.rules is not None else None)
    check("monitored", expect.monitored,
          list(decision.monitor_rule_ids()) if expect.monitored is not None else None)
    for entity, status in (expect.consent or {}).items():
        check(f"consent.{entity}", [status], sorted({f.consent.value for f in of(entity)}))
    return diff


def run_policy_tests(policy_path: str | Path, tests_path: str | Path | None = None) -> TestReport:
    """Run a policy's test cases; the default tests file is ``X.tests.yaml`` beside ``X.yaml``."""
    tests = str(tests_path) if tests_path is not None else default_tests_path(policy_path)
    engine = PolicyEngine(load_policy(policy_path))
    spec = load_tests(tests)
    results = tuple(check_case(engine, case) for case in spec.cases)
    return TestReport(policy=str(policy_path), tests=tests, cases=results)
