"""One suite, both backends: the registry contract on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import anyio
import psycopg
import pytest
from psycopg import sql

from qorgan.consent.base import GrantRequest
from qorgan.consent.postgres import PostgresRegistry
from qorgan.consent.registry import (
    ConsentRegistry,
    SubjectHasher,
    consent_view,
    open_registry,
)
from qorgan.consent.sqlite import SqliteRegistry
from qorgan.errors import ConfigError, ConsentError, PayloadError
from qorgan.types import ConsentStatus

pytestmark = pytest.mark.anyio

NOW = datetime.now(UTC)


@dataclass
class Backend:
    name: str
    registry: ConsentRegistry
    #: everything stored, as text, to search for values that must never be stored
    dump: Callable[[], Awaitable[str]]
    #: a second registry over the same storage (another process or replica)
    reopen: Callable[[], ConsentRegistry]


def _sqlite_backend(path: Path) -> Backend:
    url = f"sqlite:///{path}"

    async def dump() -> str:
        conn = sqlite3.connect(path)
        try:
            rows = conn.execute("SELECT * FROM qorgan_consent").fetchall()
        finally:
            conn.close()
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        return repr(rows) + raw.decode("latin-1")

    return Backend("sqlite", open_registry(url), dump, lambda: open_registry(url))


def _postgres_backend(url: str, schema: str) -> Backend:
    async def dump() -> str:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            cur = await conn.execute(
                sql.SQL("SELECT * FROM {}.qorgan_consent").format(sql.Identifier(schema))
            )
            return repr(await cur.fetchall())

    return Backend(
        "postgres",
        open_registry(url, schema=schema, timeout=3.0),
        dump,
        lambda: open_registry(url, schema=schema, timeout=3.0),
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        made = _sqlite_backend(tmp_path / "consent.db")
        assert isinstance(made.registry, SqliteRegistry)
    else:
        url = request.getfixturevalue("postgres_url")
        made = _postgres_backend(url, request.getfixturevalue("pg_schema"))
        assert isinstance(made.registry, PostgresRegistry)
    try:
        yield made
    finally:
        await made.registry.close()


async def test_backend_satisfies_protocol(backend: Backend) -> None:
    assert isinstance(backend.registry, ConsentRegistry)


async def test_grant_then_lookup_round_trips_every_field(
    backend: Backend, hasher: SubjectHasher
) -> None:
    key = hasher("IIN 901123300258")
    start = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    end = datetime(2030, 1, 1, tzinfo=UTC)
    granted = await backend.registry.grant(GrantRequest(
        subject_key=key,
        purpose="support",
        categories=frozenset({"contact", "identity"}),
        cross_border=True,
        valid_from=start,
        valid_until=end,
        evidence="form-2025-0001",
    ))
    found = await backend.registry.lookup(key, "support")
    assert found == [granted]
    rec = found[0]
    assert rec.subject_key == key
    assert rec.categories == frozenset({"contact", "identity"})
    assert rec.cross_border is True
    assert rec.valid_from == start
    assert rec.valid_until == end
    assert rec.withdrawn_at is None
    assert rec.evidence == "form-2025-0001"
    assert rec.created_at is not None
    assert rec.created_at.tzinfo is not None


async def test_offset_datetimes_are_stored_as_the_same_instant_in_utc(
    backend: Backend, hasher: SubjectHasher
) -> None:
    almaty = timezone(timedelta(hours=5))
    start = datetime(2025, 6, 1, 10, 0, tzinfo=almaty)
    await backend.registry.grant(GrantRequest(subject_key=hasher("s"), purpose="support",
                                              valid_from=start))
    (rec,) = await backend.registry.lookup(hasher("s"), "support")
    assert rec.valid_from == start
    assert rec.valid_from.utcoffset() == timedelta(0)
    assert rec.valid_from.hour == 5


async def test_purposes_and_subjects_are_isolated(backend: Backend, hasher: SubjectHasher) -> None:
    reg = backend.registry
    await reg.grant(GrantRequest(subject_key=hasher("alice"), purpose="support"))
    assert await reg.lookup(hasher("alice"), "marketing") == []
    assert await reg.lookup(hasher("bob"), "support") == []
    assert len(await reg.lookup(hasher("alice"), "support")) == 1


async def test_withdraw_one_purpose(backend: Backend, hasher: SubjectHasher) -> None:
    reg, key = backend.registry, hasher("alice")
    await reg.grant(GrantRequest(subject_key=key, purpose="support"))
    await reg.grant(GrantRequest(subject_key=key, purpose="analytics"))
    at = NOW - timedelta(seconds=1)
    assert await reg.withdraw(subject_key=key, purpose="support", at=at) == 1
    (support,) = await reg.lookup(key, "support")
    (analytics,) = await reg.lookup(key, "analytics")
    assert support.withdrawn_at == at
    assert analytics.withdrawn_at is None
    # already withdrawn: nothing more to withdraw, and the first withdrawal time stays
    assert await reg.withdraw(subject_key=key, purpose="support") == 0
    (again,) = await reg.lookup(key, "support")
    assert again.withdrawn_at == at


async def test_withdraw_all_purposes(backend: Backend, hasher: SubjectHasher) -> None:
    reg, key = backend.registry, hasher("alice")
    for purpose in ("support", "analytics", "marketing"):
        await reg.grant(GrantRequest(subject_key=key, purpose=purpose))
    await reg.grant(GrantRequest(subject_key=hasher("bob"), purpose="support"))
    assert await reg.withdraw(subject_key=key) == 3
    for purpose in ("support", "analytics", "marketing"):
        view = await consent_view(reg, hasher, "alice", purpose)
        assert view.status(None, cross_border=False) is ConsentStatus.WITHDRAWN
    bob = await consent_view(reg, hasher, "bob", "support")
    assert bob.status(None, cross_border=False) is ConsentStatus.GRANTED


async def test_list_filters_orders_newest_first_and_limits(
    backend: Backend, hasher: SubjectHasher
) -> None:
    reg = backend.registry
    made = [
        await reg.grant(GrantRequest(subject_key=hasher(f"s{i}"),
                                     purpose="support" if i % 2 else "analytics"))
        for i in range(5)
    ]
    everything = await reg.list()
    assert [r.id for r in everything] == [r.id for r in reversed(made)]
    assert {r.id for r in await reg.list(purpose="support")} == {made[1].id, made[3].id}
    assert [r.id for r in await reg.list(subject_key=hasher("s2"))] == [made[2].id]
    assert [r.id for r in await reg.list(limit=2)] == [made[4].id, made[3].id]
    assert await reg.list(subject_key=hasher("s2"), purpose="support") == []


@pytest.mark.parametrize(
    ("grant", "category", "cross_border", "expected"),
    [
        ({}, "contact", False, ConsentStatus.GRANTED),
        ({"categories": frozenset({"contact"})}, "contact", False, ConsentStatus.GRANTED),
        ({"categories": frozenset({"contact"})}, "national_id", False, ConsentStatus.NONE),
        ({"valid_from": NOW + timedelta(days=1)}, None, False, ConsentStatus.NOT_YET_VALID),
        (
            {"valid_from": NOW - timedelta(days=2), "valid_until": NOW - timedelta(days=1)},
            None,
            False,
            ConsentStatus.EXPIRED,
        ),
        ({"valid_until": NOW + timedelta(days=1)}, None, False, ConsentStatus.GRANTED),
        ({}, None, True, ConsentStatus.NO_CROSS_BORDER),
        ({"cross_border": True}, None, True, ConsentStatus.GRANTED),
    ],
)
async def test_view_status_from_stored_terms(
    backend: Backend,
    hasher: SubjectHasher,
    grant: dict[str, Any],
    category: str | None,
    cross_border: bool,
    expected: ConsentStatus,
) -> None:
    await backend.registry.grant(GrantRequest(subject_key=hasher("alice"), purpose="support",
                                              **grant))
    view = await consent_view(backend.registry, hasher, "alice", "support")
    assert view.status(category, cross_border=cross_border) is expected


@pytest.mark.parametrize(
    ("subject", "purpose", "expected"),
    [
        (None, "support", ConsentStatus.MISSING_SUBJECT),
        ("", "support", ConsentStatus.MISSING_SUBJECT),
        ("alice", None, ConsentStatus.NONE),
        ("alice", "support", ConsentStatus.GRANTED),
    ],
)
async def test_consent_view_without_subject_or_purpose(
    backend: Backend,
    hasher: SubjectHasher,
    subject: str | None,
    purpose: str | None,
    expected: ConsentStatus,
) -> None:
    await backend.registry.grant(GrantRequest(subject_key=hasher("alice"), purpose="support"))
    view = await consent_view(backend.registry, hasher, subject, purpose)
    assert view.subject_present is bool(subject)
    assert view.status(None, cross_border=False) is expected


async def test_clear_subject_id_is_never_stored(backend: Backend, hasher: SubjectHasher) -> None:
    subject = "clear-subject-901123300258"
    await backend.registry.grant(GrantRequest(subject_key=hasher(subject), purpose="support"))
    await backend.registry.withdraw(subject_key=hasher(subject))
    stored = await backend.dump()
    assert hasher(subject) in stored  # the dump really shows the rows
    assert subject not in stored
    assert "901123300258" not in stored


async def test_a_second_registry_sees_the_same_rows(
    backend: Backend, hasher: SubjectHasher
) -> None:
    await backend.registry.grant(GrantRequest(subject_key=hasher("alice"), purpose="support"))
    other = backend.reopen()  # schema creation again: must be idempotent
    try:
        (rec,) = await other.lookup(hasher("alice"), "support")
        assert await other.withdraw(subject_key=hasher("alice")) == 1
        (seen,) = await backend.registry.lookup(hasher("alice"), "support")
        assert seen.id == rec.id
        assert seen.withdrawn_at is not None
    finally:
        await other.close()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"purpose": ""},
        {"purpose": "bad purpose"},
        {"categories": frozenset({"bad category"})},
        {"categories": "contact"},
        {"valid_from": datetime(2025, 1, 1)},
        {"valid_from": NOW, "valid_until": NOW},
        {"valid_from": NOW, "valid_until": NOW - timedelta(seconds=1)},
        {"evidence": ""},
        {"evidence": "x" * 513},
        {"subject_key": "alice"},  # a clear id where a keyed hash belongs
    ],
)
async def test_invalid_grants_are_payload_errors(
    backend: Backend, hasher: SubjectHasher, kwargs: dict[str, Any]
) -> None:
    args: dict[str, Any] = {"subject_key": hasher("alice"), "purpose": "support"} | kwargs
    with pytest.raises(PayloadError):
        await backend.registry.grant(GrantRequest(**args))
    assert await backend.registry.list() == []


@pytest.mark.parametrize("limit", [0, -1, 10_001])
async def test_list_limit_bounds(backend: Backend, limit: int) -> None:
    with pytest.raises(PayloadError):
        await backend.registry.list(limit=limit)


async def test_ping_ok_then_closed_registry_fails(backend: Backend) -> None:
    await backend.registry.ping()
    await backend.registry.close()
    with pytest.raises(ConsentError):
        await backend.registry.ping()
    with pytest.raises(ConsentError):
        await backend.registry.lookup("0" * 64, "support")


async def test_ping_sqlite_unopenable_path(tmp_path: Path) -> None:
    reg = open_registry(f"sqlite:///{tmp_path}/missing-dir/consent.db")
    try:
        with pytest.raises(ConsentError) as info:
            await reg.ping()
        assert "missing-dir" not in info.value.message
    finally:
        await reg.close()


async def test_ping_postgres_unreachable() -> None:
    reg = open_registry("postgresql://postgres:s3cret@127.0.0.1:1/test", timeout=1.0)
    try:
        with pytest.raises(ConsentError) as info:
            await reg.ping()
        assert "s3cret" not in info.value.message
        assert "s3cret" not in repr(reg)
        # a later call tries again (and fails again) rather than hanging or crashing
        with pytest.raises(ConsentError):
            await reg.lookup("0" * 64, "support")
    finally:
        await reg.close()


async def test_sqlite_memory_url() -> None:
    reg = open_registry("sqlite://:memory:")
    try:
        hasher = SubjectHasher(b"k" * 32)
        await reg.grant(GrantRequest(subject_key=hasher("a"), purpose="support"))
        assert len(await reg.lookup(hasher("a"), "support")) == 1
    finally:
        await reg.close()


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("mysql://localhost/db", {}),
        ("no-scheme.db", {}),
        ("sqlite://relative.db", {}),
        ("sqlite:///x.db", {"pool": 3}),
        ("sqlite:///x.db", {"timeout": 0}),
        ("postgresql://127.0.0.1/test", {"schema": "bad-schema;drop"}),
        ("postgresql://127.0.0.1/test", {"min_size": 5, "max_size": 2}),
    ],
)
def test_open_registry_rejects_bad_configuration(url: str, options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        open_registry(url, **options)


def test_subject_hasher() -> None:
    one, two = SubjectHasher(b"a" * 16), SubjectHasher(b"b" * 16)
    assert one("alice") == one("alice")
    assert one("alice") != one("bob")
    assert one("alice") != two("alice")
    assert len(one("alice")) == 64
    assert "a" * 16 not in repr(one)
    with pytest.raises(ValueError, match="16 bytes"):
        SubjectHasher(b"short")
    with pytest.raises(PayloadError):
        one("")


async def test_concurrent_grants_and_lookups(backend: Backend, hasher: SubjectHasher) -> None:
    reg = backend.registry

    async def grant(i: int) -> None:
        await reg.grant(GrantRequest(subject_key=hasher(f"s{i % 5}"), purpose=f"p{i % 3}"))
        await reg.lookup(hasher(f"s{i % 5}"), f"p{i % 3}")

    async with anyio.create_task_group() as tg:
        for i in range(30):
            tg.start_soon(grant, i)
    assert len(await reg.list(limit=100)) == 30
    assert len(await reg.lookup(hasher("s0"), "p0")) == 2  # i = 0 and i = 15


async def test_sqlite_uses_wal(tmp_path: Path) -> None:
    reg = open_registry(f"sqlite:///{tmp_path}/wal.db")
    try:
        await reg.ping()
        conn = sqlite3.connect(tmp_path / "wal.db")
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            conn.close()
    finally:
        await reg.close()
