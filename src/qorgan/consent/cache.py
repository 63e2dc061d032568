"""A short-lived lookup cache in front of a consent registry, for the request path.

Consent is looked up on every request that needs it; the registry is a database round trip.
Records (not statuses) are cached per (subject_key, purpose): the status is computed from
them at request time, so expiry is exact and only a change made elsewhere can be stale.

Staleness is bounded by ``ttl``: a withdrawal recorded through another replica is honoured
here at most ``ttl`` seconds later. Changes made through this instance invalidate at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from qorgan.consent.base import ConsentRegistry, GrantRequest
from qorgan.consent.model import ConsentRecord


class CachedRegistry:
    """:class:`~qorgan.consent.registry.ConsentRegistry` caching ``lookup`` for ``ttl`` seconds.

    ``clock`` is a monotonic clock in seconds (injectable for tests). When ``max_entries``
    is reached the oldest entry is dropped. Errors are never cached.
    """

    def __init__(
        self,
        inner: ConsentRegistry,
        ttl: float = 5.0,
        max_entries: int = 10_000,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl < 0:
            raise ValueError("ttl must not be negative")
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.inner = inner
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[tuple[str, str], tuple[float, tuple[ConsentRecord, ...]]] = {}
        # Bumped by every local change, so a lookup that raced a change does not store
        # what it read before the change.
        self._generation = 0

    def __repr__(self) -> str:
        return f"CachedRegistry({self.inner!r}, ttl={self._ttl})"

    def __len__(self) -> int:
        return len(self._entries)

    def invalidate(self, subject_key: str | None = None, purpose: str | None = None) -> None:
        """Forget cached lookups: all, one subject's, or one subject and purpose."""
        self._generation += 1
        if subject_key is None:
            self._entries.clear()
        elif purpose is not None:
            self._entries.pop((subject_key, purpose), None)
        else:
            for key in [k for k in self._entries if k[0] == subject_key]:
                del self._entries[key]

    async def lookup(self, subject_key: str, purpose: str) -> list[ConsentRecord]:
        key = (subject_key, purpose)
        entry = self._entries.get(key)
        if entry is not None:
            if self._clock() < entry[0]:
                return list(entry[1])
            del self._entries[key]
        generation = self._generation
        records = await self.inner.lookup(subject_key, purpose)
        if generation == self._generation and self._ttl > 0:
            if len(self._entries) >= self._max_entries:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = (self._clock() + self._ttl, tuple(records))
        return list(records)

    async def grant(self, request: GrantRequest) -> ConsentRecord:
        try:
            return await self.inner.grant(request)
        finally:
            self.invalidate(request.subject_key, request.purpose)

    async def withdraw(
        self, *, subject_key: str, purpose: str | None = None, at: datetime | None = None
    ) -> int:
        try:
            return await self.inner.withdraw(subject_key=subject_key, purpose=purpose, at=at)
        finally:
            # Even a failed withdrawal may have been applied: never keep serving the old view.
            self.invalidate(subject_key, purpose)

    async def list(
        self, *, subject_key: str | None = None, purpose: str | None = None, limit: int = 100
    ) -> list[ConsentRecord]:
        return await self.inner.list(subject_key=subject_key, purpose=purpose, limit=limit)

    async def ping(self) -> None:
        await self.inner.ping()

    async def close(self) -> None:
        self._entries.clear()
        await self.inner.close()
