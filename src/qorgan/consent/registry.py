"""The consent registry: where Law 94-V Art. 8 consents are recorded, withdrawn and looked up.

A registry stores :class:`~qorgan.consent.model.ConsentRecord` rows keyed by
``subject_key``, a keyed hash of the data subject's id (:class:`SubjectHasher`): the clear
id never reaches storage. Backends (``sqlite.py``, ``postgres.py``) are chosen by URL with
:func:`open_registry`; ``cache.py`` wraps any of them for the request path.

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

from qorgan.consent.model import ConsentRecord, ConsentView
from qorgan.errors import ConfigError, PayloadError
from qorgan.keys import keyed_hash

#: A purpose is an identifier from the policy, not free text.
_PURPOSE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
_CATEGORY_RE = _PURPOSE_RE
_SUBJECT_KEY_RE = re.compile(r"[0-9a-f]{64}")
MAX_EVIDENCE = 512
MAX_LIST_LIMIT = 10_000


@runtime_checkable
class ConsentRegistry(Protocol):
    """Where consents live. All datetimes are timezone-aware UTC."""

    async def grant(
        self,
        *,
        subject_key: str,
        purpose: str,
        categories: frozenset[str] = frozenset(),
        cross_border: bool = False,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        evidence: str | None = None,
    ) -> ConsentRecord: ...

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


class SubjectHasher:
    """Turns a data subject's id into the ``subject_key`` that storage and telemetry carry."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the subject key must be at least 16 bytes")
        self._key = key

    def __call__(self, subject_id: str) -> str:
        if not subject_id:
            raise PayloadError("subject id must not be empty", code="invalid_value")
        return keyed_hash(self._key, subject_id, domain="subject")

    def __repr__(self) -> str:
        return "SubjectHasher(key=<hidden>)"


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime, name: str) -> datetime:
    """Aware datetimes are normalised to UTC; naive ones are refused (their zone is a guess)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise PayloadError(f"{name} must be timezone-aware", code="invalid_value")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class GrantRequest:
    """A grant after validation: what a backend writes, with its id and timestamps fixed.

    Invalid arguments raise :class:`~qorgan.errors.PayloadError` (the admin API answers 400).
    """

    record: ConsentRecord
    created_at: datetime

    @classmethod
    def build(
        cls,
        *,
        subject_key: str,
        purpose: str,
        categories: frozenset[str],
        cross_border: bool,
        valid_from: datetime | None,
        valid_until: datetime | None,
        evidence: str | None,
    ) -> GrantRequest:
        check_subject_key(subject_key)
        check_purpose(purpose)
        if isinstance(categories, str):  # a bare string would become a set of letters
            raise PayloadError("categories must be a collection of names", code="invalid_value")
        for category in categories:
            if not isinstance(category, str) or not _CATEGORY_RE.fullmatch(category):
                raise PayloadError("invalid category name", code="invalid_value")
        if evidence is not None and (not evidence or len(evidence) > MAX_EVIDENCE):
            raise PayloadError(
                f"evidence must be 1..{MAX_EVIDENCE} characters", code="invalid_value"
            )
        now = utcnow()
        start = as_utc(valid_from, "valid_from") if valid_from is not None else now
        end = as_utc(valid_until, "valid_until") if valid_until is not None else None
        if end is not None and end <= start:
            raise PayloadError("valid_until must be later than valid_from", code="invalid_value")
        record = ConsentRecord(
            id=uuid.uuid4().hex,
            subject_key=subject_key,
            purpose=purpose,
            categories=frozenset(categories),
            cross_border=bool(cross_border),
            valid_from=start,
            valid_until=end,
            withdrawn_at=None,
            evidence=evidence,
            created_at=now,
        )
        return cls(record, now)


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


def open_registry(url: str, **options: Any) -> ConsentRegistry:
    """A registry for ``url``; the connection is made on first use.

    - ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``, ``sqlite://:memory:``
      (options: ``timeout``);
    - ``postgresql://...`` or ``postgres://...`` (options: ``schema``, ``min_size``,
      ``max_size``, ``timeout``).
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError("consent registry URL must look like 'scheme://...'")
    scheme = scheme.lower()
    try:
        if scheme == "sqlite":
            from qorgan.consent.sqlite import SqliteRegistry

            if rest in {":memory:", "/:memory:"}:
                return SqliteRegistry(":memory:", **options)
            if not rest.startswith("/") or len(rest) < 2:
                raise ConfigError("SQLite consent URL must be 'sqlite:///path/to/file.db'")
            return SqliteRegistry(rest[1:], **options)
        if scheme in {"postgresql", "postgres"}:
            from qorgan.consent.postgres import PostgresRegistry

            return PostgresRegistry(url, **options)
    except TypeError as exc:
        raise ConfigError("unknown option for the consent registry") from exc
    except ValueError as exc:
        raise ConfigError(f"invalid consent registry option: {exc}") from exc
    raise ConfigError(
        f"unsupported consent registry scheme {scheme!r} (use sqlite:// or postgresql://)"
    )


async def consent_view(
    registry: ConsentRegistry,
    hasher: SubjectHasher,
    subject_id: str | None,
    purpose: str | None,
    now: datetime | None = None,
) -> ConsentView:
    """What the policy engine asks: the subject's consents for the request's purpose.

    Without a subject the view says so (``MISSING_SUBJECT``); without a purpose no consent
    can apply, so the view is empty (``NONE``). Registry failures propagate as
    :class:`~qorgan.errors.ConsentError` for the caller to fail closed on.
    """
    at = as_utc(now, "now") if now is not None else utcnow()
    if not subject_id:
        return ConsentView(records=(), now=at, subject_present=False)
    if not purpose:
        return ConsentView(records=(), now=at, subject_present=True)
    records = await registry.lookup(hasher(subject_id), purpose)
    return ConsentView(records=tuple(records), now=at, subject_present=True)
