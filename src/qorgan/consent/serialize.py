"""How a consent record is shown to an administrator (admin API and CLI alike).

Only the subject key appears: the clear subject id is never stored, so it cannot be shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qorgan.consent.model import ConsentRecord


def record_state(record: ConsentRecord, now: datetime) -> str:
    """``active``, ``withdrawn``, ``expired`` or ``not_yet_valid`` at ``now``."""
    if record.withdrawn_at is not None and record.withdrawn_at <= now:
        return "withdrawn"
    if record.valid_until is not None and record.valid_until <= now:
        return "expired"
    if record.valid_from > now:
        return "not_yet_valid"
    return "active"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def record_to_dict(record: ConsentRecord, now: datetime) -> dict[str, Any]:
    return {
        "id": record.id,
        "subject_key": record.subject_key,
        "purpose": record.purpose,
        "categories": sorted(record.categories),
        "cross_border": record.cross_border,
        "valid_from": _iso(record.valid_from),
        "valid_until": _iso(record.valid_until),
        "withdrawn_at": _iso(record.withdrawn_at),
        "evidence": record.evidence,
        "created_at": _iso(record.created_at),
        "status": record_state(record, now),
        "identifiers": len(record.identifiers),
    }
