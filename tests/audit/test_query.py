from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qorgan.audit.log import DecisionLog
from qorgan.audit.query import SUBJECT_FIELDS, parse_time, query_subject
from qorgan.audit.record import AuditRecord


@pytest.fixture
def log_path(tmp_path: Path, make_record: Callable[..., AuditRecord]) -> Path:
    path = tmp_path / "decisions.jsonl"
    plan = [
        ("block", "subject-1", 0),
        ("transform", "subject-2", 10),
        ("consent", "subject-1", 60),
        ("allow", None, 90),
        ("transform", "subject-1", 24 * 60),
    ]
    with DecisionLog(path, signing_key=None, max_bytes=4096, strict=True) as log:
        for kind, subject, minutes in plan:
            log.append(make_record(kind, subject=subject, minutes=minutes))
    with path.open("ab") as fh:  # a damaged line is skipped by readers
        fh.write(b"not json\n")
    return path


@pytest.mark.parametrize(
    ("subject", "since", "until", "expected"),
    [
        ("subject-1", None, None, ["block", "transform", "transform"]),
        ("subject-1", "2026-01-18T09:30:00Z", None, ["transform", "transform"]),
        ("subject-1", None, "2026-01-18T10:00:00+00:00", ["block"]),
        ("subject-1", "2026-01-18T10:00:00", "2026-01-19T00:00:00", ["transform"]),
        ("subject-2", None, None, ["transform"]),
        ("nobody", None, None, []),
    ],
)
def test_query_subject(
    log_path: Path,
    subject_hash: Callable[[str], str],
    subject: str,
    since: str | None,
    until: str | None,
    expected: list[str],
) -> None:
    rows = list(
        query_subject(
            log_path,
            subject_hash(subject),
            since=None if since is None else parse_time(since),
            until=None if until is None else parse_time(until),
        )
    )
    assert [row["outcome"] for row in rows] == expected
    assert all(set(row) == set(SUBJECT_FIELDS) for row in rows)


def test_subject_rows_explain_the_decision(
    log_path: Path, subject_hash: Callable[[str], str]
) -> None:
    first = next(query_subject(log_path, subject_hash("subject-1")))
    assert first["rules"] == ["national-id-abroad", "default"]
    assert first["cites"] == ["Law 94-V Art. 16"]
    assert first["purpose"] == "support"
    assert first["categories"] == {"contact": 1, "national_id": 1}
    assert first["actions"] == {"block": 1, "redact": 1}
    assert "subject" not in first
    assert "principal" not in first


def test_naive_bounds_are_utc(log_path: Path, subject_hash: Callable[[str], str]) -> None:
    rows = list(
        query_subject(
            log_path, subject_hash("subject-1"), since=datetime(2026, 1, 18, 9, 30)
        )
    )
    aware = list(
        query_subject(
            log_path, subject_hash("subject-1"), since=datetime(2026, 1, 18, 9, 30, tzinfo=UTC)
        )
    )
    assert rows == aware
    assert len(rows) == 2
