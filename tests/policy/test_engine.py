from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qorgan.consent.model import ConsentRecord, ConsentView
from qorgan.errors import PolicyError
from qorgan.policy.context import DecisionContext, Destination
from qorgan.policy.engine import IMPLICIT_DEFAULT, PolicyEngine
from qorgan.policy.loader import parse_policy
from qorgan.types import Action, ConsentStatus, Direction, Finding, Principal

HEAD = """\
version: 1
name: eng
home_region: KZ
detection:
  entities: [PERSON, EMAIL_ADDRESS, PHONE_NUMBER, KZ_IIN, SECRET, IP_ADDRESS]
categories:
  identity: [PERSON]
  contact: [EMAIL_ADDRESS, PHONE_NUMBER]
  national_id: [KZ_IIN]
  secret: [SECRET]
destinations:
  - {id: local, model: "llama-*", region: KZ, risk: minimal}
  - {id: us, model: "gpt-*", region: US, risk: high, provider: openai}
  - {id: batch, model: "*", route: "/batch/*", region: DE}
purposes:
  - support
  - {id: hr, roles: [hr]}
  - {id: social_scoring, denied: true, cite: "Law 230-VIII"}
"""

RULES = """\
rules:
  - {id: secret, categories: [secret], action: pseudonymize, cite: "c-secret"}
  - {id: id-abroad, categories: [national_id], when: "cross_border", action: block}
  - {id: hr-person, roles: [hr], purposes: [hr], entities: [PERSON], action: allow}
  - {id: response-email, directions: [response], entities: [EMAIL_ADDRESS], action: hash}
  - {id: high-risk, risk: [high], categories: [contact], action: mask, params: {keep: 2}}
  - {id: de-person, regions: [DE], entities: [PERSON], action: encrypt}
  - {id: batch-only, destinations: [batch], categories: [contact], action: synthesize}
  - {id: confident, entities: [PHONE_NUMBER], when: "finding.score >= 0.9", action: redact}
  - {id: consent, categories: [identity, contact], require_consent: true,
     action: allow, consent_fallback: pseudonymize}
"""


def make(rules: str = RULES, head: str = HEAD) -> PolicyEngine:
    return PolicyEngine(parse_policy(head + rules, "eng.yaml"))


def ctx(
    model: str | None = "llama-3",
    *,
    roles: tuple[str, ...] = (),
    purpose: str | None = "support",
    direction: Direction = Direction.REQUEST,
    route: str = "/v1/chat/completions",
    engine: PolicyEngine | None = None,
) -> DecisionContext:
    eng = engine or make()
    return DecisionContext(
        principal=Principal(id="p1", roles=frozenset(roles), tenant="t"),
        purpose=purpose,
        destination=eng.resolve_destination(model, route),
        direction=direction,
        route=route,
    )


def f(entity: str, start: int = 0, score: float = 1.0) -> Finding:
    return Finding(entity, start, start + 5, score)


NOW = datetime(2026, 1, 1, tzinfo=UTC)


def view(*cats: str, cross_border: bool = False, subject: bool = True) -> ConsentView:
    rec = ConsentRecord(
        id="r",
        subject_key="s",
        purpose="support",
        categories=frozenset(cats),
        cross_border=cross_border,
        valid_from=NOW - timedelta(days=1),
    )
    return ConsentView(records=[rec], now=NOW, subject_present=subject)


@pytest.mark.parametrize(
    ("model", "route", "dest", "region", "risk"),
    [
        ("llama-3-8b", "/v1/chat/completions", "local", "KZ", "minimal"),
        ("gpt-4o", "/v1/chat/completions", "us", "US", "high"),
        ("mistral", "/batch/jobs", "batch", "DE", "medium"),
        ("mistral", "/v1/chat/completions", "unknown", "UNKNOWN", "high"),
        (None, "/batch/x", "batch", "DE", "medium"),
        (None, "/v1/embeddings", "unknown", "UNKNOWN", "high"),
    ],
)
def test_resolve_destination(
    model: str | None, route: str, dest: str, region: str, risk: str
) -> None:
    d = make().resolve_destination(model, route)
    assert (d.id, d.region, d.risk, d.model) == (dest, region, risk, model)


@pytest.mark.parametrize(
    ("entity", "context", "consent", "action", "rule"),
    [
        # first match wins: SECRET is also uncategorized-safe but "secret" comes first
        ("SECRET", {"model": "gpt-4o"}, None, Action.PSEUDONYMIZE, "secret"),
        ("KZ_IIN", {"model": "gpt-4o"}, None, Action.BLOCK, "id-abroad"),
        ("KZ_IIN", {"model": "mistral"}, None, Action.BLOCK, "id-abroad"),  # unknown = abroad
        ("KZ_IIN", {"model": "llama-3"}, None, Action.REDACT, IMPLICIT_DEFAULT),
        ("PERSON", {"roles": ("hr",), "purpose": "hr"}, None, Action.ALLOW, "hr-person"),
        ("PERSON", {"roles": ("hr",), "purpose": "support"}, None, Action.PSEUDONYMIZE, "consent"),
        (
            "EMAIL_ADDRESS",
            {"direction": Direction.RESPONSE, "model": "gpt-4o"},
            None,
            Action.HASH,
            "response-email",
        ),
        ("EMAIL_ADDRESS", {"model": "gpt-4o"}, None, Action.MASK, "high-risk"),
        ("PERSON", {"model": "x", "route": "/batch/1"}, None, Action.ENCRYPT, "de-person"),
        (
            "EMAIL_ADDRESS",
            {"model": "x", "route": "/batch/1"},
            None,
            Action.SYNTHESIZE,
            "batch-only",
        ),
        ("IP_ADDRESS", {}, view(), Action.REDACT, IMPLICIT_DEFAULT),  # uncategorized
        ("EMAIL_ADDRESS", {}, view("contact"), Action.ALLOW, "consent"),
        ("EMAIL_ADDRESS", {}, view("identity"), Action.PSEUDONYMIZE, "consent"),
    ],
)
def test_first_matching_rule_decides(
    entity: str,
    context: dict[str, object],
    consent: ConsentView | None,
    action: Action,
    rule: str,
) -> None:
    engine = make()
    decision = engine.decide([[f(entity)]], ctx(engine=engine, **context), consent)  # type: ignore[arg-type]
    (fd,) = decision.findings
    assert (fd.action, fd.rule_id) == (action, rule)
    assert decision.policy_version == engine.version
    assert decision.blocked is (action is Action.BLOCK)


@pytest.mark.parametrize(
    ("score", "action", "rule"),
    [(0.95, Action.REDACT, "confident"), (0.5, Action.PSEUDONYMIZE, "consent")],
)
def test_cel_condition_on_finding_score(score: float, action: Action, rule: str) -> None:
    engine = make()
    decision = engine.decide([[f("PHONE_NUMBER", score=score)]], ctx(engine=engine))
    assert (decision.findings[0].action, decision.findings[0].rule_id) == (action, rule)


def _record(
    *,
    cross_border: bool = True,
    valid_from: datetime = NOW - timedelta(days=1),
    valid_until: datetime | None = None,
    withdrawn_at: datetime | None = None,
) -> ConsentRecord:
    return ConsentRecord(
        id="r",
        subject_key="s",
        purpose="support",
        categories=frozenset(),
        cross_border=cross_border,
        valid_from=valid_from,
        valid_until=valid_until,
        withdrawn_at=withdrawn_at,
    )


def _status_view(status: ConsentStatus) -> ConsentView | None:
    day = timedelta(days=1)
    records = {
        ConsentStatus.GRANTED: [_record()],
        ConsentStatus.NONE: [],
        ConsentStatus.WITHDRAWN: [_record(withdrawn_at=NOW - day)],
        ConsentStatus.EXPIRED: [_record(valid_until=NOW)],
        ConsentStatus.NOT_YET_VALID: [_record(valid_from=NOW + day)],
        ConsentStatus.NO_CROSS_BORDER: [_record(cross_border=False)],
    }
    if status is ConsentStatus.UNAVAILABLE:
        return None
    if status is ConsentStatus.MISSING_SUBJECT:
        return ConsentView(records=[], now=NOW, subject_present=False)
    return ConsentView(records=records[status], now=NOW)


CONSENT_RULES = """\
rules:
  - {id: abroad, categories: [national_id], require_consent: true, action: pseudonymize,
     consent_fallback: block, cite: "Law 94-V Art. 16"}
  - {id: rest, action: redact}
"""


@pytest.mark.parametrize(
    "status", [s for s in ConsentStatus if s is not ConsentStatus.NOT_REQUIRED]
)
def test_require_consent_for_every_status(status: ConsentStatus) -> None:
    engine = make(CONSENT_RULES)
    third_party = status is ConsentStatus.THIRD_PARTY
    view = _status_view(ConsentStatus.GRANTED if third_party else status)
    decision = engine.decide([[f("KZ_IIN")]], ctx("gpt-4o", engine=engine), view,
                             lambda slot, finding: not third_party)
    (fd,) = decision.findings
    assert fd.consent is status
    granted = status is ConsentStatus.GRANTED
    assert fd.action is (Action.PSEUDONYMIZE if granted else Action.BLOCK)
    assert decision.block_rules == (() if granted else ("abroad",))
    assert fd.cite == "Law 94-V Art. 16"
    assert status.value in fd.reason
    assert engine.needs_consent


@pytest.mark.parametrize(("attribution", "own", "status"), [
    ("subject", True, ConsentStatus.GRANTED),
    ("subject", False, ConsentStatus.THIRD_PARTY),
    ("request", False, ConsentStatus.GRANTED),
])
def test_consent_covers_the_subjects_own_data_unless_the_policy_says_the_request(
    attribution: str, own: bool, status: ConsentStatus,
) -> None:
    engine = make(f"consent: {{attribution: {attribution}}}\n" + CONSENT_RULES)
    decision = engine.decide([[f("KZ_IIN"), f("KZ_IIN", 9)]], ctx("gpt-4o", engine=engine),
                             _status_view(ConsentStatus.GRANTED),
                             lambda slot, finding: own or finding.start == 0)
    first, second = decision.findings
    assert first.consent is ConsentStatus.GRANTED  # the subject's own identifier
    assert second.consent is status


def test_blocks_aggregate_per_rule_and_slots_are_kept() -> None:
    engine = make()
    findings = [[f("KZ_IIN", 0), f("SECRET", 10)], [], [f("KZ_IIN", 3), f("PERSON", 20)]]
    decision = engine.decide(findings, ctx("gpt-4o", engine=engine))
    assert [(fd.slot, fd.finding.start, fd.action) for fd in decision.findings] == [
        (0, 0, Action.BLOCK),
        (0, 10, Action.PSEUDONYMIZE),
        (2, 3, Action.BLOCK),
        (2, 20, Action.PSEUDONYMIZE),
    ]
    assert decision.block_rules == ("id-abroad",)
    assert decision.outcome == "block"
    assert decision.counts()["categories"] == {"national_id": 2, "secret": 1, "identity": 1}


@pytest.mark.parametrize(
    ("purpose", "roles", "denied"),
    [
        ("support", (), None),
        ("social_scoring", ("hr",), "purpose 'social_scoring' is prohibited (Law 230-VIII)"),
        ("hr", ("sales",), "the principal's roles may not use purpose 'hr'"),
        ("hr", ("hr",), None),
        ("made-up", (), "the purpose is not declared by the policy"),
        (None, (), "a purpose is required and none was given"),
    ],
)
def test_request_level_denial(
    purpose: str | None, roles: tuple[str, ...], denied: str | None
) -> None:
    engine = make()
    c = ctx(engine=engine, purpose=purpose, roles=roles)
    assert engine.check_request(c) == denied
    decision = engine.decide([[f("PERSON")]], c)
    assert decision.denied_reason == denied
    assert decision.blocked is (denied is not None)


def test_default_purpose_and_no_purposes() -> None:
    engine = make(head=HEAD + "default_purpose: support\n")
    assert engine.check_request(ctx(engine=engine, purpose=None)) is None
    bare = make(head=HEAD.split("purposes:")[0], rules="rules: [{id: r, action: allow}]\n")
    assert bare.check_request(ctx(engine=bare, purpose=None)) is None


def test_monitor_mode_decides_the_same_and_says_so() -> None:
    enforce = make()
    monitor = make(head=HEAD + "mode: monitor\n")
    d1 = enforce.decide([[f("KZ_IIN")]], ctx("gpt-4o", engine=enforce))
    d2 = monitor.decide([[f("KZ_IIN")]], ctx("gpt-4o", engine=monitor))
    assert (d1.mode, d2.mode) == ("enforce", "monitor")
    assert d1.block_rules == d2.block_rules == ("id-abroad",)
    assert not d2.enforced


def test_implicit_default_redacts() -> None:
    engine = make("rules: [{id: only-secrets, categories: [secret], action: block}]\n")
    (fd,) = engine.decide([[f("PERSON")]], ctx(engine=engine)).findings
    assert (fd.action, fd.rule_id, fd.category) == (Action.REDACT, IMPLICIT_DEFAULT, "identity")


@pytest.mark.parametrize(
    ("on_error", "raises"),
    [("block", True), ("allow", False)],
)
def test_condition_errors_fail_closed_per_on_error(on_error: str, raises: bool) -> None:
    rules = """\
rules:
  - {id: broken, when: "finding.score > 0.0 && principal.id.size() / 0 > 1", action: allow}
  - {id: not-bool, when: "dyn(destination.region)", action: allow}
  - {id: rest, action: redact}
"""
    engine = make(rules, head=HEAD + f"on_error: {on_error}\n")
    if raises:
        with pytest.raises(PolicyError, match=r"rule\(s\) broken, not-bool failed"):
            engine.decide([[f("PERSON")]], ctx(engine=engine))
    else:
        (fd,) = engine.decide([[f("PERSON")]], ctx(engine=engine)).findings
        assert fd.rule_id == "rest"
    assert engine.condition_errors == 2


@pytest.mark.parametrize(
    ("when", "model", "roles", "matches"),
    [
        ('destination.provider == "openai"', "gpt-4o", (), True),
        ('destination.provider == "openai"', "llama-3", (), False),
        ('"admin" in principal.roles && purpose == "support"', "llama-3", ("admin",), True),
        ('principal.roles.exists(r, r.startsWith("ad"))', "llama-3", ("auditor",), False),
        ('direction == "request" && !cross_border', "llama-3", (), True),
        ('consent == "granted"', "llama-3", (), True),
        ('consent == "none"', "llama-3", (), False),
        ('finding.category == "identity" && principal.tenant == "t"', "llama-3", (), True),
    ],
)
def test_cel_variables(when: str, model: str, roles: tuple[str, ...], matches: bool) -> None:
    engine = make(
        f"rules:\n  - {{id: c, when: '{when}', action: allow}}\n  - {{id: r, action: hash}}\n"
    )
    (fd,) = engine.decide([[f("PERSON")]], ctx(model, engine=engine, roles=roles), view()).findings
    assert fd.rule_id == ("c" if matches else "r")


def test_properties_and_params() -> None:
    engine = make()
    assert (engine.name, engine.mode, engine.on_error, engine.home_region) == (
        "eng",
        "enforce",
        "block",
        "KZ",
    )
    assert engine.detection_config().entities[0] == "PERSON"
    assert engine.response.label_header == "X-AI-Generated"
    assert engine.traffic.unknown_routes == "deny"
    assert engine.context.purpose_header == "X-Qorgan-Purpose"
    assert not engine.auth.required
    (fd,) = engine.decide([[f("EMAIL_ADDRESS")]], ctx("gpt-4o", engine=engine)).findings
    assert dict(fd.params) == {"keep": 2, "char": "*"}
    assert not make(CONSENT_RULES.replace("true", "false")).needs_consent


def test_destination_given_directly() -> None:
    engine = make()
    c = DecisionContext(
        principal=Principal("p"),
        purpose="support",
        destination=Destination(id="elsewhere", region="KZ"),
    )
    (fd,) = engine.decide([[f("KZ_IIN")]], c).findings
    assert fd.rule_id == IMPLICIT_DEFAULT  # in-country: the abroad rule does not apply


@pytest.mark.parametrize(
    ("response", "roles", "restore"),
    [
        ("", (), True),
        ("response: {restore: false}\n", ("auditor",), False),
        ("response: {restore_roles: [auditor]}\n", ("auditor",), True),
        ("response: {restore_roles: [auditor]}\n", ("support",), False),
    ],
)
def test_may_restore(response: str, roles: tuple[str, ...], restore: bool) -> None:
    engine = make(head=HEAD + response)
    assert engine.may_restore(Principal("p", roles=frozenset(roles))) is restore
