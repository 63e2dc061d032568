"""Subject access: the decisions that concerned one data subject (Law 230-VIII Art. 16).

A subject may ask what a decision about them was based on. The log holds exactly that and
nothing more: the rule(s), the cite(s), the purpose, the categories and actions, the
outcome. It never held the values, so it cannot disclose them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qorgan.audit.chain import iter_records

#: What a subject access answer carries, in display order.
SUBJECT_FIELDS = (
    "ts",
    "request_id",
    "outcome",
    "mode",
    "rules",
    "block_rules",
    "cites",
    "purpose",
    "categories",
    "actions",
    "consent",
    "response",
    "destination",
    "region",
    "cross_border",
    "policy_name",
    "policy_version",
)


def parse_time(value: str) -> datetime:
    """An RFC 3339 / ISO 8601 time; a naive one is taken as UTC."""
    moment = datetime.fromisoformat(value.strip())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def query_subject(
    path: str | Path,
    subject_key: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Decisions about ``subject_key`` (the subject's keyed hash) in ``[since, until)``,
    oldest first. Records whose time does not parse are skipped."""
    since = since if since is None or since.tzinfo else since.replace(tzinfo=UTC)
    until = until if until is None or until.tzinfo else until.replace(tzinfo=UTC)
    for record in iter_records(path):
        if record.get("subject") != subject_key:
            continue
        ts = record.get("ts")
        if not isinstance(ts, str):
            continue
        try:
            moment = parse_time(ts)
        except ValueError:
            continue
        if since is not None and moment < since:
            continue
        if until is not None and moment >= until:
            continue
        yield {name: record.get(name) for name in SUBJECT_FIELDS}
