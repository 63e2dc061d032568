"""How records are shown: state at a given time, and no clear subject anywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qorgan.consent.model import ConsentRecord
from qorgan.consent.serialize import record_state, record_to_dict

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def record(**overrides: object) -> ConsentRecord:
    fields: dict[str, object] = {
        "id": "r1",
        "subject_key": "ab" * 32,
        "purpose": "support",
        "categories": frozenset({"identity", "contact"}),
        "cross_border": False,
        "valid_from": NOW - DAY,
    }
    fields.update(overrides)
    return ConsentRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "state"),
    [
        ({}, "active"),
        ({"valid_until": NOW + DAY}, "active"),
        ({"valid_until": NOW}, "expired"),
        ({"valid_from": NOW + DAY}, "not_yet_valid"),
        ({"withdrawn_at": NOW - DAY / 2}, "withdrawn"),
        ({"withdrawn_at": NOW + DAY}, "active"),  # a withdrawal scheduled for later
        ({"withdrawn_at": NOW - DAY / 2, "valid_until": NOW - DAY / 4}, "withdrawn"),
    ],
)
def test_record_state(overrides: dict[str, object], state: str) -> None:
    assert record_state(record(**overrides), NOW) == state


def test_record_to_dict() -> None:
    shown = record_to_dict(record(valid_until=NOW + DAY, evidence="form-1"), NOW)
    assert shown == {
        "id": "r1",
        "subject_key": "ab" * 32,
        "purpose": "support",
        "categories": ["contact", "identity"],
        "cross_border": False,
        "valid_from": "2026-05-31T12:00:00+00:00",
        "valid_until": "2026-06-02T12:00:00+00:00",
        "withdrawn_at": None,
        "evidence": "form-1",
        "created_at": None,
        "status": "active",
        "identifiers": 0,
    }
