from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from qorgan.audit.record import INVALID, AuditRecord, denied_consent
from qorgan.decision import Decision
from qorgan.types import Direction


@pytest.mark.parametrize(
    ("request_kind", "response_kind", "error_code", "outcome"),
    [
        ("allow", None, None, "allow"),
        ("transform", None, None, "transform"),
        ("block", None, None, "block"),
        ("allow", "transform", None, "transform"),
        ("transform", "block", None, "block"),
        ("block", "allow", None, "block"),
        ("transform", None, "detection_failed", "error"),
        (None, None, "unauthenticated", "error"),
        # a refusal by the policy is answered as a policy_blocked error: still a block
        ("block", None, "policy_blocked", "block"),
        (None, None, "policy_blocked", "block"),
        # a client that left is neither a success nor a fault of the guard
        ("transform", None, "client_disconnected", "client_disconnected"),
        ("block", "transform", "upstream_error", "error"),
    ],
)
def test_outcome_is_the_strongest(
    make_record: Callable[..., AuditRecord],
    decision_factory: Callable[..., Decision],
    request_kind: str | None,
    response_kind: str | None,
    error_code: str | None,
    outcome: str,
) -> None:
    record = make_record(
        request_decision=None if request_kind is None else decision_factory(request_kind),
        response=response_kind,
        error_code=error_code,
    )
    assert record.outcome == outcome


def test_counts_rules_and_cites(make_record: Callable[..., AuditRecord]) -> None:
    record = make_record("block", response="transform")
    assert record.rules == ("national-id-abroad", "default", "pseudo-names")
    assert record.block_rules == ("national-id-abroad",)
    assert record.cites == ("Law 94-V Art. 16",)
    assert dict(record.entities) == {"EMAIL_ADDRESS": 1, "KZ_IIN": 1}
    assert dict(record.categories) == {"contact": 1, "national_id": 1}
    assert dict(record.actions) == {"block": 1, "redact": 1}
    assert record.response is not None
    assert dict(record.response["entities"]) == {
        "EMAIL_ADDRESS": 1, "PERSON": 1, "PHONE_NUMBER": 1,
    }
    assert record.policy_name == "kz-test"
    assert record.ts == "2026-01-18T09:00:00.000Z"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("model", "gpt-4o-mini", "gpt-4o-mini"),
        ("model", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022"),
        ("model", "Zhanargul Canaryeva", INVALID),
        ("purpose", "canary.7731@example.kz", INVALID),
        ("purpose", "support", "support"),
        ("request_id", "x" * 200, INVALID),
        ("route", "/v1/chat/completions", "/v1/chat/completions"),
        ("tenant", "acme\nInjected: yes", INVALID),
        ("region", "KZ", "KZ"),
    ],
)
def test_client_chosen_identifiers_are_checked(
    make_record: Callable[..., AuditRecord], field: str, value: str, expected: str
) -> None:
    record = make_record(**{field: value})
    assert getattr(record, field) == expected


@pytest.mark.parametrize("bad", ["alice", "Alice@example.kz", "ABCDEF0123456789", "12ab"])
def test_principal_must_be_a_hash(make_record: Callable[..., AuditRecord], bad: str) -> None:
    with pytest.raises(ValueError, match="principal_id"):
        make_record(principal_id=bad)


def test_subject_must_be_a_hash(make_record: Callable[..., AuditRecord]) -> None:
    with pytest.raises(ValueError, match="subject_key"):
        make_record(subject_key="Zhanargul Canaryeva")


@pytest.mark.parametrize("kind", ["allow", "transform", "block", "consent"])
def test_to_dict_is_json_and_holds_no_value(
    make_record: Callable[..., AuditRecord], no_canary: Callable[[str], None], kind: str
) -> None:
    record = make_record(kind, response="transform")
    data: dict[str, Any] = record.to_dict()
    text = json.dumps(data, ensure_ascii=False)
    no_canary(text)
    assert set(data) == set(AuditRecord.__dataclass_fields__)
    assert json.loads(text) == data


def test_usage_keeps_token_counts_only(make_record: Callable[..., AuditRecord]) -> None:
    record = make_record(usage={"input_tokens": 5, "output_tokens": 2, "note": 9})
    assert record.usage == {"input_tokens": 5, "output_tokens": 2}


@pytest.mark.parametrize(
    ("consent", "denied"),
    [
        ({}, 0),
        ({"granted": 2, "not_required": 1}, 0),
        ({"withdrawn": 1, "granted": 1}, 1),
        ({"none": 2, "no_cross_border": 1}, 3),
        ({"expired": "x"}, 0),
    ],
)
def test_denied_consent(consent: dict[str, Any], denied: int) -> None:
    assert denied_consent(consent) == denied


def test_monitor_mode_comes_from_the_decision(
    make_record: Callable[..., AuditRecord], decision_factory: Callable[..., Decision]
) -> None:
    decision = decision_factory("block", mode="monitor", direction=Direction.REQUEST)
    record = make_record(request_decision=decision)
    assert (record.mode, record.outcome) == ("monitor", "block")
