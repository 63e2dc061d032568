"""CachedRegistry: hits within the TTL, local changes invalidate, remote changes within TTL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from qorgan.consent.base import GrantRequest
from qorgan.consent.cache import CachedRegistry
from qorgan.consent.model import ConsentRecord
from qorgan.consent.registry import ConsentRegistry, SubjectHasher, consent_view, open_registry
from qorgan.errors import ConsentError
from qorgan.types import ConsentStatus

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Counting:
    """Delegates to a real registry and counts lookups (or fails them on demand)."""

    def __init__(self, inner: ConsentRegistry) -> None:
        self.inner = inner
        self.lookups = 0
        self.fail = False

    async def grant(self, request: GrantRequest) -> ConsentRecord:
        return await self.inner.grant(request)

    async def withdraw(
        self, *, subject_key: str, purpose: str | None = None, at: datetime | None = None
    ) -> int:
        return await self.inner.withdraw(subject_key=subject_key, purpose=purpose, at=at)

    async def lookup(self, subject_key: str, purpose: str) -> list[ConsentRecord]:
        self.lookups += 1
        if self.fail:
            raise ConsentError("consent registry failed")
        return await self.inner.lookup(subject_key, purpose)

    async def list(
        self, *, subject_key: str | None = None, purpose: str | None = None, limit: int = 100
    ) -> list[ConsentRecord]:
        return await self.inner.list(subject_key=subject_key, purpose=purpose, limit=limit)

    async def ping(self) -> None:
        await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()


@pytest.fixture
async def counting() -> AsyncIterator[Counting]:
    made = Counting(open_registry("sqlite://:memory:"))
    yield made
    await made.close()


async def test_lookup_is_served_from_cache_until_the_ttl(
    counting: Counting, hasher: SubjectHasher
) -> None:
    clock = Clock()
    cache = CachedRegistry(counting, ttl=5.0, clock=clock)
    assert isinstance(cache, ConsentRegistry)
    key = hasher("alice")
    await cache.grant(GrantRequest(subject_key=key, purpose="support"))
    first = await cache.lookup(key, "support")
    clock.now += 4.9
    assert await cache.lookup(key, "support") == first
    assert counting.lookups == 1
    clock.now += 0.2
    assert await cache.lookup(key, "support") == first
    assert counting.lookups == 2


@pytest.mark.parametrize(
    ("change", "purpose", "expect_lookups"),
    [
        ("grant", "support", 2),  # same key refetched
        ("grant", "analytics", 1),  # another purpose: support stays cached
        ("withdraw", "support", 2),
        ("withdraw", None, 2),  # every purpose of the subject
    ],
)
async def test_local_changes_invalidate(
    counting: Counting,
    hasher: SubjectHasher,
    change: str,
    purpose: str | None,
    expect_lookups: int,
) -> None:
    cache = CachedRegistry(counting, ttl=60.0, clock=Clock())
    key = hasher("alice")
    await cache.grant(GrantRequest(subject_key=key, purpose="support"))
    await cache.lookup(key, "support")
    await cache.lookup(hasher("bob"), "support")
    if change == "grant":
        assert purpose is not None
        await cache.grant(GrantRequest(subject_key=key, purpose=purpose))
    else:
        await cache.withdraw(subject_key=key, purpose=purpose)
    counting.lookups = 0
    await cache.lookup(key, "support")
    await cache.lookup(hasher("bob"), "support")  # another subject is never invalidated
    assert counting.lookups == expect_lookups - 1


async def test_withdrawal_is_seen_immediately_through_the_same_cache(
    counting: Counting, hasher: SubjectHasher
) -> None:
    cache = CachedRegistry(counting, ttl=3600.0, clock=Clock())
    await cache.grant(GrantRequest(subject_key=hasher("alice"), purpose="support"))
    before = await consent_view(cache, hasher, "alice", "support")
    assert before.status(None, cross_border=False) is ConsentStatus.GRANTED
    await cache.withdraw(subject_key=hasher("alice"))
    after = await consent_view(cache, hasher, "alice", "support")
    assert after.status(None, cross_border=False) is ConsentStatus.WITHDRAWN


async def test_errors_are_not_cached(counting: Counting, hasher: SubjectHasher) -> None:
    cache = CachedRegistry(counting, ttl=60.0, clock=Clock())
    counting.fail = True
    with pytest.raises(ConsentError):
        await cache.lookup(hasher("alice"), "support")
    counting.fail = False
    assert await cache.lookup(hasher("alice"), "support") == []
    assert counting.lookups == 2


async def test_max_entries_drops_the_oldest(counting: Counting, hasher: SubjectHasher) -> None:
    cache = CachedRegistry(counting, ttl=60.0, max_entries=2, clock=Clock())
    for name in ("a", "b", "c"):
        await cache.lookup(hasher(name), "support")
    assert len(cache) == 2
    counting.lookups = 0
    await cache.lookup(hasher("c"), "support")
    await cache.lookup(hasher("b"), "support")
    assert counting.lookups == 0
    await cache.lookup(hasher("a"), "support")
    assert counting.lookups == 1


async def test_zero_ttl_disables_caching(counting: Counting, hasher: SubjectHasher) -> None:
    cache = CachedRegistry(counting, ttl=0.0, clock=Clock())
    await cache.lookup(hasher("a"), "support")
    await cache.lookup(hasher("a"), "support")
    assert counting.lookups == 2
    assert len(cache) == 0


async def test_a_lookup_racing_a_local_change_is_not_stored(hasher: SubjectHasher) -> None:
    key = hasher("alice")

    class Racing(Counting):
        async def lookup(self, subject_key: str, purpose: str) -> list[ConsentRecord]:
            stale = await super().lookup(subject_key, purpose)
            # the withdrawal lands while this (stale) read is in flight
            await cache.withdraw(subject_key=key)
            return stale

    racing = Racing(open_registry("sqlite://:memory:"))
    cache = CachedRegistry(racing, ttl=60.0, clock=Clock())
    await racing.inner.grant(GrantRequest(subject_key=key, purpose="support"))
    (stale,) = await cache.lookup(key, "support")
    assert stale.withdrawn_at is None
    assert len(cache) == 0
    await cache.close()


@pytest.mark.parametrize(("ttl", "max_entries"), [(-1.0, 10), (1.0, 0)])
def test_rejects_bad_settings(ttl: float, max_entries: int) -> None:
    inner = Counting(open_registry("sqlite://:memory:"))  # never connected: nothing to close
    with pytest.raises(ValueError, match="must"):
        CachedRegistry(inner, ttl=ttl, max_entries=max_entries)


@pytest.mark.postgres
async def test_withdrawal_on_another_replica_is_seen_within_the_ttl(
    postgres_url: str, pg_schema: str, hasher: SubjectHasher
) -> None:
    clock = Clock()
    ttl = 5.0
    replica_a = CachedRegistry(open_registry(postgres_url, schema=pg_schema), ttl=ttl, clock=clock)
    replica_b = CachedRegistry(open_registry(postgres_url, schema=pg_schema), ttl=ttl, clock=clock)
    try:
        await replica_a.grant(GrantRequest(subject_key=hasher("alice"), purpose="support",
                                           cross_border=True))
        seen_by_b = await consent_view(replica_b, hasher, "alice", "support")
        assert seen_by_b.status(None, cross_border=True) is ConsentStatus.GRANTED

        await replica_a.withdraw(subject_key=hasher("alice"), purpose="support")
        mine = await consent_view(replica_a, hasher, "alice", "support")
        assert mine.status(None, cross_border=True) is ConsentStatus.WITHDRAWN

        clock.now += ttl / 2  # B may still serve its cached view
        stale = await consent_view(replica_b, hasher, "alice", "support")
        assert stale.status(None, cross_border=True) is ConsentStatus.GRANTED

        clock.now += ttl / 2  # TTL reached: B must have caught up
        fresh = await consent_view(replica_b, hasher, "alice", "support")
        assert fresh.status(None, cross_border=True) is ConsentStatus.WITHDRAWN
    finally:
        await replica_a.close()
        await replica_b.close()
