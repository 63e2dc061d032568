"""Factories for decisions and records built from texts that contain canary values.

The canaries are personal-looking values that must never appear in any record, log line,
span, metric or report: the tests search every output for them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qorgan.audit.record import AuditRecord
from qorgan.decision import Decision, FindingDecision
from qorgan.keys import keyed_hash
from qorgan.types import Action, ConsentStatus, Direction, Finding

CANARIES = ("Zhanargul Canaryeva", "canary.7731@example.kz", "901123300258", "+77015550123")
TEXT = (
    f"Please help {CANARIES[0]}, mail {CANARIES[1]}, IIN {CANARIES[2]}, "
    f"phone {CANARIES[3]}."
)
KEY = b"k" * 32
BASE_TS = datetime(2026, 1, 18, 9, 0, tzinfo=UTC)


def _span(value: str, entity: str) -> Finding:
    start = TEXT.index(value)
    return Finding(entity, start, start + len(value), 0.9, recognizer="test")


def make_decision(
    kind: str, *, direction: Direction = Direction.REQUEST, mode: str = "enforce"
) -> Decision:
    """``allow`` / ``transform`` / ``block`` / ``consent`` decisions over TEXT."""
    person = _span(CANARIES[0], "PERSON")
    email = _span(CANARIES[1], "EMAIL_ADDRESS")
    iin = _span(CANARIES[2], "KZ_IIN")
    phone = _span(CANARIES[3], "PHONE_NUMBER")
    fds: tuple[FindingDecision, ...]
    if kind == "allow":
        fds = (FindingDecision(person, 0, Action.ALLOW, "allow-names", category="identity"),)
        return Decision(fds, "kz-test", "a" * 64, mode=mode, direction=direction)
    if kind == "transform":
        fds = (
            FindingDecision(person, 0, Action.PSEUDONYMIZE, "pseudo-names", category="identity"),
            FindingDecision(email, 0, Action.REDACT, "default", category="contact"),
            FindingDecision(phone, 0, Action.MASK, "default", category="contact"),
        )
        return Decision(fds, "kz-test", "a" * 64, mode=mode, direction=direction)
    if kind == "block":
        fds = (
            FindingDecision(
                iin, 0, Action.BLOCK, "national-id-abroad", category="national_id",
                cite="Law 94-V Art. 16", reason="destination outside KZ",
            ),
            FindingDecision(email, 0, Action.REDACT, "default", category="contact"),
        )
        return Decision(
            fds, "kz-test", "a" * 64, mode=mode, direction=direction,
            block_rules=("national-id-abroad",),
        )
    if kind == "consent":
        fds = (
            FindingDecision(
                person, 0, Action.REDACT, "support-with-consent", category="identity",
                cite="Law 94-V Art. 8", consent=ConsentStatus.WITHDRAWN,
            ),
        )
        return Decision(fds, "kz-test", "b" * 64, mode=mode, direction=direction)
    raise ValueError(kind)


RecordFactory = Callable[..., AuditRecord]


def _make_record(
    kind: str = "transform",
    *,
    minutes: float = 0,
    subject: str | None = "subject-1",
    response: str | None = None,
    **overrides: Any,
) -> AuditRecord:
    args: dict[str, Any] = {
        "request_decision": make_decision(kind),
        "response_decision": None if response is None else make_decision(
            response, direction=Direction.RESPONSE
        ),
        "request_id": "req-1",
        "route": "/v1/chat/completions",
        "operation": "chat",
        "provider": "openai",
        "principal_id": keyed_hash(KEY, "alice", domain="principal"),
        "subject_key": None if subject is None else keyed_hash(KEY, subject, domain="subject"),
        "purpose": "support",
        "model": "gpt-4o",
        "destination": "openai",
        "region": "US",
        "cross_border": True,
        "status": 403 if kind == "block" else 200,
        "latency_ms": 12.5,
        "usage": {"input_tokens": 11, "output_tokens": 7},
        "ts": BASE_TS + timedelta(minutes=minutes),
    }
    args.update(overrides)
    return AuditRecord.from_decisions(**args)


@pytest.fixture
def make_record() -> RecordFactory:
    return _make_record


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def assert_no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


@pytest.fixture
def no_canary() -> Callable[[str], None]:
    """Call with any output text: fails if a canary value appears in it."""
    return assert_no_canary


@pytest.fixture
def decision_factory() -> Callable[..., Decision]:
    return make_decision


@pytest.fixture
def subject_hash() -> Callable[[str], str]:
    return lambda subject: keyed_hash(KEY, subject, domain="subject")
