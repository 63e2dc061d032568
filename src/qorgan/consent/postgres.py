"""Consent registry on PostgreSQL: shared by every replica of the guard.

psycopg 3 async with a connection pool. The pool is opened on first use, so building the
registry never blocks start-up and a database that comes up later is picked up. Schema
creation is idempotent and serialised across replicas with an advisory lock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import anyio

from qorgan.consent.base import GrantRequest, as_utc, check_limit, utcnow
from qorgan.consent.model import ConsentRecord
from qorgan.errors import ConsentError
from qorgan.extras import requires

# Imported only for a postgresql:// registry (open_registry imports this module then).
with requires("postgres", "QORGAN_CONSENT_URL is postgresql://..."):
    import psycopg
    from psycopg import sql
    from psycopg_pool import AsyncConnectionPool

T = TypeVar("T")

#: 2 added ``identifiers`` (keyed hashes of the subject's identifiers)
SCHEMA_VERSION = 2
# Arbitrary constant: the advisory lock that serialises schema creation across replicas.
_DDL_LOCK_ID = 0x716F7267616E  # "qorgan"

_COLUMNS = sql.SQL(
    "id, subject_key, purpose, categories, cross_border, valid_from, valid_until, "
    "withdrawn_at, evidence, created_at, identifiers"
)

_DDL = (
    """CREATE TABLE IF NOT EXISTS {schema}.qorgan_schema_version (
        component text PRIMARY KEY,
        version integer NOT NULL)""",
    """INSERT INTO {schema}.qorgan_schema_version (component, version)
        VALUES ('consent', 1) ON CONFLICT (component) DO NOTHING""",
    """CREATE TABLE IF NOT EXISTS {schema}.qorgan_consent (
        id text PRIMARY KEY,
        subject_key text NOT NULL,
        purpose text NOT NULL,
        categories text[] NOT NULL,
        cross_border boolean NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz,
        withdrawn_at timestamptz,
        evidence text,
        created_at timestamptz NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS qorgan_consent_subject_purpose
        ON {schema}.qorgan_consent (subject_key, purpose)""",
    """CREATE INDEX IF NOT EXISTS qorgan_consent_purpose_created
        ON {schema}.qorgan_consent (purpose, created_at)""",
    # version 2
    """ALTER TABLE {schema}.qorgan_consent
        ADD COLUMN IF NOT EXISTS identifiers text[] NOT NULL DEFAULT '{{}}'""",
    """UPDATE {schema}.qorgan_schema_version SET version = 2
        WHERE component = 'consent' AND version < 2""",
)


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError("stored timestamp is malformed")
    return value.astimezone(UTC)


def _row_to_record(row: Sequence[Any]) -> ConsentRecord:
    valid_from = _aware(row[5])
    if valid_from is None:
        raise TypeError("stored consent has no start")
    return ConsentRecord(
        id=str(row[0]),
        subject_key=str(row[1]),
        purpose=str(row[2]),
        categories=frozenset(row[3] or ()),
        cross_border=bool(row[4]),
        valid_from=valid_from,
        valid_until=_aware(row[6]),
        withdrawn_at=_aware(row[7]),
        evidence=row[8],
        created_at=_aware(row[9]),
        identifiers=frozenset(row[10] or ()),
    )


Conn = psycopg.AsyncConnection[Any]


class PostgresRegistry:
    """:class:`~qorgan.consent.registry.ConsentRegistry` on PostgreSQL.

    ``schema`` names the PostgreSQL schema holding the tables (created when missing);
    ``timeout`` bounds both connecting and waiting for a pooled connection, so a dead
    database turns into :class:`~qorgan.errors.ConsentError` quickly.
    """

    def __init__(
        self,
        url: str,
        *,
        schema: str = "public",
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 5.0,
    ) -> None:
        if not schema or not schema.isidentifier():
            raise ValueError("schema must be a plain identifier")
        if min_size < 0 or max_size < max(min_size, 1):
            raise ValueError("pool sizes must satisfy 0 <= min_size <= max_size, max_size >= 1")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._url = url
        self._schema = schema
        self._min_size = min_size
        self._max_size = max_size
        self._timeout = timeout
        self._pool: AsyncConnectionPool | None = None
        self._open_lock = anyio.Lock()
        self._closed = False
        ident = sql.Identifier(schema)
        self._table = sql.SQL("{}.qorgan_consent").format(ident)
        self._ident = ident

    def __repr__(self) -> str:
        # The URL may hold a password: never print it.
        return f"PostgresRegistry(schema={self._schema!r})"

    # -- plumbing -----------------------------------------------------------------------

    async def _create_schema(self, conn: Conn) -> None:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_DDL_LOCK_ID,))
            if self._schema != "public":
                await conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(self._ident))
            for stmt in _DDL:
                await conn.execute(sql.SQL(stmt).format(schema=self._ident))
            cur = await conn.execute(
                sql.SQL(
                    "SELECT version FROM {}.qorgan_schema_version WHERE component = 'consent'"
                ).format(self._ident)
            )
            row = await cur.fetchone()
        if row is None or int(row[0]) > SCHEMA_VERSION:
            raise ConsentError("consent registry schema is newer than this qorgan")

    async def _ensure_pool(self) -> AsyncConnectionPool:
        if self._pool is not None:
            return self._pool
        async with self._open_lock:
            if self._closed:
                raise ConsentError("consent registry is closed")
            if self._pool is not None:
                return self._pool
            connect_timeout = max(1, round(self._timeout))
            try:
                # One direct connection first: a refused or unknown host fails at once
                # instead of after the pool's retry timeout.
                async with await psycopg.AsyncConnection.connect(
                    self._url, autocommit=True, connect_timeout=connect_timeout
                ) as conn:
                    await self._create_schema(conn)
            except (psycopg.Error, OSError) as exc:
                raise ConsentError("consent registry (postgresql) is unreachable") from exc
            pool = AsyncConnectionPool(
                self._url,
                min_size=self._min_size,
                max_size=self._max_size,
                open=False,
                timeout=self._timeout,
                kwargs={"autocommit": True, "connect_timeout": connect_timeout},
                name="qorgan-consent",
            )
            await pool.open(wait=False)
            self._pool = pool
            return pool

    async def _run(self, fn: Callable[[Conn], Awaitable[T]]) -> T:
        if self._closed:
            raise ConsentError("consent registry is closed")
        pool = await self._ensure_pool()
        try:
            async with pool.connection(timeout=self._timeout) as conn:
                return await fn(conn)
        except (psycopg.Error, OSError, TypeError, ValueError) as exc:
            raise ConsentError("consent registry (postgresql) failed") from exc

    # -- ConsentRegistry ----------------------------------------------------------------

    async def grant(self, request: GrantRequest) -> ConsentRecord:
        now = utcnow()
        record = request.new_record(now)
        query = sql.SQL(
            "INSERT INTO {} ({}) "
            "VALUES (%s, %s, %s, %s::text[], %s, %s, %s, NULL, %s, %s, %s::text[])"
        ).format(self._table, _COLUMNS)
        params = (
            record.id,
            record.subject_key,
            record.purpose,
            sorted(record.categories),
            record.cross_border,
            record.valid_from,
            record.valid_until,
            record.evidence,
            now,
            sorted(record.identifiers),
        )

        async def insert(conn: Conn) -> None:
            await conn.execute(query, params)

        await self._run(insert)
        return record

    async def withdraw(
        self, *, subject_key: str, purpose: str | None = None, at: datetime | None = None
    ) -> int:
        when = as_utc(at, "at") if at is not None else utcnow()
        query = sql.SQL("UPDATE {} SET withdrawn_at = %s WHERE subject_key = %s").format(
            self._table
        )
        params: list[Any] = [when, subject_key]
        if purpose is not None:
            query += sql.SQL(" AND purpose = %s")
            params.append(purpose)
        query += sql.SQL(" AND withdrawn_at IS NULL")

        async def update(conn: Conn) -> int:
            cur = await conn.execute(query, params)
            return max(cur.rowcount, 0)

        return await self._run(update)

    async def lookup(self, subject_key: str, purpose: str) -> list[ConsentRecord]:
        query = sql.SQL(
            "SELECT {} FROM {} WHERE subject_key = %s AND purpose = %s ORDER BY created_at, id"
        ).format(_COLUMNS, self._table)

        async def select(conn: Conn) -> list[ConsentRecord]:
            cur = await conn.execute(query, (subject_key, purpose))
            return [_row_to_record(r) for r in await cur.fetchall()]

        return await self._run(select)

    async def list(
        self, *, subject_key: str | None = None, purpose: str | None = None, limit: int = 100
    ) -> list[ConsentRecord]:
        check_limit(limit)
        clauses: list[sql.Composable] = []
        params: list[Any] = []
        if subject_key is not None:
            clauses.append(sql.SQL("subject_key = %s"))
            params.append(subject_key)
        if purpose is not None:
            clauses.append(sql.SQL("purpose = %s"))
            params.append(purpose)
        query = sql.SQL("SELECT {} FROM {}").format(_COLUMNS, self._table)
        if clauses:
            query += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses)
        query += sql.SQL(" ORDER BY created_at DESC, id LIMIT %s")
        params.append(limit)

        async def select(conn: Conn) -> list[ConsentRecord]:
            cur = await conn.execute(query, params)
            return [_row_to_record(r) for r in await cur.fetchall()]

        return await self._run(select)

    async def ping(self) -> None:
        async def probe(conn: Conn) -> None:
            await conn.execute("SELECT 1")

        await self._run(probe)

    async def close(self) -> None:
        async with self._open_lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()
