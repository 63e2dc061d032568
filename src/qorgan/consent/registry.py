"""Opening a consent backend by URL, the subject hasher, and the per-request view.

A registry stores consents keyed by ``subject_key``, a keyed hash of the data subject's id
(:class:`SubjectHasher`); the backends' contract is :class:`qorgan.consent.base.ConsentRegistry`.
:func:`open_registry` picks a backend by URL; ``cache.py`` wraps any of them for the request
path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qorgan.consent.base import ConsentRegistry, as_utc, utcnow
from qorgan.consent.model import ConsentView
from qorgan.errors import ConfigError, PayloadError
from qorgan.keys import keyed_hash


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

    def identifier(self, form: str) -> str:
        """The keyed hash of one normalized form of a subject's identifier."""
        if not form:
            raise PayloadError("identifier must not be empty", code="invalid_value")
        return keyed_hash(self._key, form, domain="identifier")

    def __repr__(self) -> str:
        return "SubjectHasher(key=<hidden>)"


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
