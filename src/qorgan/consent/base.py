"""The consent backend contract and what every backend shares.

A backend stores :class:`~qorgan.consent.model.ConsentRecord` rows keyed by ``subject_key``,
a keyed hash of the data subject's id: the clear id never reaches storage. Backends
(``sqlite.py``, ``postgres.py``, the ``cache.py`` wrapper) implement
:class:`ConsentRegistry` and import only from here and ``model.py``.

Every backend failure surfaces as :class:`~qorgan.errors.ConsentError` with a message that
carries no record content, so the policy can fail closed on it.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from qorgan.consent.model import ConsentRecord
from qorgan.errors import PayloadError

#: A purpose is an identifier from the policy, not free text.
_PURPOSE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
_CATEGORY_RE = _PURPOSE_RE
_SUBJECT_KEY_RE = re.compile(r"[0-9a-f]{64}")
MAX_EVIDENCE = 512
#: keyed hashes one consent may record (a subject's name, e-mail, phones, documents, ...)
MAX_IDENTIFIERS = 1024
MAX_LIST_LIMIT = 10_000


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime, name: str) -> datetime:
    """Aware datetimes are normalised to UTC; naive ones are refused (their zone is a guess)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise PayloadError(f"{name} must be timezone-aware", code="invalid_value")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantRequest:
    """A consent to record, validated when it is made: what every backend's ``grant``
    takes. Invalid values raise :class:`~qorgan.errors.PayloadError` (the admin API answers
    400); datetimes are normalised to UTC.
    """

    subject_key: str
    purpose: str
    categories: frozenset[str] = frozenset()
    cross_border: bool = False
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    evidence: str | None = None
    #: keyed hashes of the subject's identifiers (``consent.identifiers.identifier_keys``)
    identifiers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        check_subject_key(self.subject_key)
        check_purpose(self.purpose)
        categories: Any = self.categories
        if isinstance(categories, str):  # a bare string would become a set of letters
            raise PayloadError("categories must be a collection of names", code="invalid_value")
        for category in categories:
            if not isinstance(category, str) or not _CATEGORY_RE.fullmatch(category):
                raise PayloadError("invalid category name", code="invalid_value")
        object.__setattr__(self, "categories", frozenset(categories))
        object.__setattr__(self, "cross_border", bool(self.cross_border))
        identifiers: Any = self.identifiers
        if isinstance(identifiers, str):
            raise PayloadError("identifiers must be a collection", code="invalid_value")
        if len(identifiers) > MAX_IDENTIFIERS or not all(
            isinstance(key, str) and _SUBJECT_KEY_RE.fullmatch(key) for key in identifiers
        ):
            raise PayloadError(f"identifiers must be at most {MAX_IDENTIFIERS} keyed hashes",
                               code="invalid_value")
        object.__setattr__(self, "identifiers", frozenset(identifiers))
        evidence = self.evidence
        if evidence is not None and (not evidence or len(evidence) > MAX_EVIDENCE):
            raise PayloadError(
                f"evidence must be 1..{MAX_EVIDENCE} characters", code="invalid_value"
            )
        if self.valid_from is not None:
            object.__setattr__(self, "valid_from", as_utc(self.valid_from, "valid_from"))
        if self.valid_until is not None:
            object.__setattr__(self, "valid_until", as_utc(self.valid_until, "valid_until"))
        if (self.valid_from is not None and self.valid_until is not None
                and self.valid_until <= self.valid_from):
            raise PayloadError("valid_until must be later than valid_from", code="invalid_value")

    def new_record(self, now: datetime | None = None) -> ConsentRecord:
        """The record a backend writes: a fresh id, created ``now``, valid from ``now``
        unless the request says otherwise."""
        at = as_utc(now, "now") if now is not None else utcnow()
        start = self.valid_from if self.valid_from is not None else at
        if self.valid_until is not None and self.valid_until <= start:
            raise PayloadError("valid_until must be later than valid_from", code="invalid_value")
        return ConsentRecord(
            id=uuid.uuid4().hex,
            subject_key=self.subject_key,
            purpose=self.purpose,
            categories=self.categories,
            cross_border=self.cross_border,
            valid_from=start,
            valid_until=self.valid_until,
            withdrawn_at=None,
            evidence=self.evidence,
            created_at=at,
            identifiers=self.identifiers,
        )


def check_purpose(purpose: str) -> None:
    if not isinstance(purpose, str) or not _PURPOSE_RE.fullmatch(purpose):
        raise PayloadError("invalid purpose name", code="invalid_value")


def check_subject_key(subject_key: str) -> None:
    # A subject key is always a hex HMAC; anything else is probably a clear id in the wrong place.
    if not isinstance(subject_key, str) or not _SUBJECT_KEY_RE.fullmatch(subject_key):
        raise PayloadError(
            "subject_key must be a keyed hash (64 lower-case hex digits)", code="invalid_value"
        )


def check_limit(limit: int) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIST_LIMIT:
        raise PayloadError(f"limit must be between 1 and {MAX_LIST_LIMIT}", code="invalid_value")


def encode_categories(categories: frozenset[str]) -> str:
    return json.dumps(sorted(categories), separators=(",", ":"))


def decode_categories(raw: str) -> frozenset[str]:
    value = json.loads(raw)
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise ValueError("stored categories are malformed")
    return frozenset(value)


@runtime_checkable
class ConsentRegistry(Protocol):
    """Where consents live. All datetimes are timezone-aware UTC."""

    async def grant(self, request: GrantRequest) -> ConsentRecord:
        """Record a new consent; the returned record carries its id and timestamps."""
        ...

    async def withdraw(
        self, *, subject_key: str, purpose: str | None = None, at: datetime | None = None
    ) -> int:
        """Withdraw the subject's active consents (one purpose, or all when ``None``)."""
        ...

    async def lookup(self, subject_key: str, purpose: str) -> list[ConsentRecord]:
        """Every record (active, withdrawn or expired) for one subject and purpose.

        ``purpose`` may come from a request: it is only ever a bound query parameter.
        """
        ...

    async def list(
        self, *, subject_key: str | None = None, purpose: str | None = None, limit: int = 100
    ) -> list[ConsentRecord]:
        """Records newest first, optionally filtered."""
        ...

    async def ping(self) -> None:
        """Raise :class:`~qorgan.errors.ConsentError` when the backend cannot be reached."""
        ...

    async def close(self) -> None: ...
