"""Consent registry on SQLite: one file, for a single host or a small deployment.

The stdlib driver is synchronous, so every statement runs in a worker thread; one
connection serves them all behind a lock (SQLite serialises writers anyway). WAL mode lets
the CLI read and write while a server holds the file open.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import anyio.to_thread

from qorgan.consent.base import (
    GrantRequest,
    as_utc,
    check_limit,
    decode_categories,
    encode_categories,
    utcnow,
)
from qorgan.consent.model import ConsentRecord
from qorgan.errors import ConsentError

T = TypeVar("T")

#: 2 added ``identifiers`` (keyed hashes of the subject's identifiers)
SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS qorgan_schema_version (
    component TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT OR IGNORE INTO qorgan_schema_version (component, version) VALUES ('consent', 1);
CREATE TABLE IF NOT EXISTS qorgan_consent (
    id TEXT PRIMARY KEY,
    subject_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    categories TEXT NOT NULL,
    cross_border INTEGER NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT,
    withdrawn_at TEXT,
    evidence TEXT,
    created_at TEXT NOT NULL,
    identifiers TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS qorgan_consent_subject_purpose
    ON qorgan_consent (subject_key, purpose);
CREATE INDEX IF NOT EXISTS qorgan_consent_purpose_created
    ON qorgan_consent (purpose, created_at);
"""

_COLUMNS = (
    "id, subject_key, purpose, categories, cross_border, valid_from, valid_until, "
    "withdrawn_at, evidence, created_at, identifiers"
)

# Fixed width with microseconds so text order is time order.
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime(_TS_FORMAT)


def _opt_ts(value: datetime | None) -> str | None:
    return None if value is None else _ts(value)


def _parse_ts(raw: str | None) -> datetime | None:
    return None if raw is None else datetime.fromisoformat(raw).astimezone(UTC)


def _row_to_record(row: sqlite3.Row) -> ConsentRecord:
    valid_from = _parse_ts(row["valid_from"])
    if valid_from is None:
        raise ValueError("stored consent has no start")
    return ConsentRecord(
        id=row["id"],
        subject_key=row["subject_key"],
        purpose=row["purpose"],
        categories=decode_categories(row["categories"]),
        cross_border=bool(row["cross_border"]),
        valid_from=valid_from,
        valid_until=_parse_ts(row["valid_until"]),
        withdrawn_at=_parse_ts(row["withdrawn_at"]),
        evidence=row["evidence"],
        created_at=_parse_ts(row["created_at"]),
        identifiers=decode_categories(row["identifiers"]),
    )


def _upgrade(conn: sqlite3.Connection) -> None:
    """Bring a registry of an earlier schema version up to this one (idempotent)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(qorgan_consent)")}
    if "identifiers" not in columns:
        conn.execute(
            "ALTER TABLE qorgan_consent ADD COLUMN identifiers TEXT NOT NULL DEFAULT '[]'")
    conn.execute("UPDATE qorgan_schema_version SET version = ? "
                 "WHERE component = 'consent' AND version < ?",
                 (SCHEMA_VERSION, SCHEMA_VERSION))


class SqliteRegistry:
    """:class:`~qorgan.consent.registry.ConsentRegistry` on one SQLite file (or ``:memory:``)."""

    def __init__(self, path: str, *, timeout: float = 5.0) -> None:
        if not path:
            raise ValueError("SQLite path must not be empty")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._path = path
        self._timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"SqliteRegistry(path={self._path!r})"

    # -- plumbing -----------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._path,
            timeout=self._timeout,
            isolation_level=None,  # autocommit; multi-statement work opens its own txn
            check_same_thread=False,  # the lock below serialises use across worker threads
        )
        try:
            conn.row_factory = sqlite3.Row
            if self._path != ":memory:":
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            _upgrade(conn)
            row = conn.execute(
                "SELECT version FROM qorgan_schema_version WHERE component = 'consent'"
            ).fetchone()
            if row is None or int(row[0]) > SCHEMA_VERSION:
                raise ConsentError("consent registry schema is newer than this qorgan")
        except BaseException:
            conn.close()
            raise
        return conn

    def _call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            if self._closed:
                raise ConsentError("consent registry is closed")
            try:
                if self._conn is None:
                    self._conn = self._connect()
                return fn(self._conn)
            except ConsentError:
                raise
            except (sqlite3.Error, ValueError) as exc:
                raise ConsentError("consent registry (sqlite) failed") from exc

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await anyio.to_thread.run_sync(self._call, fn)

    # -- ConsentRegistry ----------------------------------------------------------------

    async def grant(self, request: GrantRequest) -> ConsentRecord:
        now = utcnow()
        record = request.new_record(now)
        params = (
            record.id,
            record.subject_key,
            record.purpose,
            encode_categories(record.categories),
            int(record.cross_border),
            _ts(record.valid_from),
            _opt_ts(record.valid_until),
            None,
            record.evidence,
            _ts(now),
            encode_categories(record.identifiers),
        )

        def insert(conn: sqlite3.Connection) -> None:
            conn.execute(
                f"INSERT INTO qorgan_consent ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",  # noqa: S608
                params,
            )

        await self._run(insert)
        return record

    async def withdraw(
        self, *, subject_key: str, purpose: str | None = None, at: datetime | None = None
    ) -> int:
        when = _ts(as_utc(at, "at") if at is not None else utcnow())
        sql = "UPDATE qorgan_consent SET withdrawn_at = ? WHERE subject_key = ?"
        params: tuple[str, ...] = (when, subject_key)
        if purpose is not None:
            sql += " AND purpose = ?"
            params += (purpose,)
        sql += " AND withdrawn_at IS NULL"

        def update(conn: sqlite3.Connection) -> int:
            return conn.execute(sql, params).rowcount

        return await self._run(update)

    async def lookup(self, subject_key: str, purpose: str) -> list[ConsentRecord]:
        def select(conn: sqlite3.Connection) -> list[ConsentRecord]:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM qorgan_consent "  # noqa: S608
                "WHERE subject_key = ? AND purpose = ? ORDER BY created_at, id",
                (subject_key, purpose),
            ).fetchall()
            return [_row_to_record(r) for r in rows]

        return await self._run(select)

    async def list(
        self, *, subject_key: str | None = None, purpose: str | None = None, limit: int = 100
    ) -> list[ConsentRecord]:
        check_limit(limit)
        clauses: list[str] = []
        params: list[object] = []
        if subject_key is not None:
            clauses.append("subject_key = ?")
            params.append(subject_key)
        if purpose is not None:
            clauses.append("purpose = ?")
            params.append(purpose)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = (
            f"SELECT {_COLUMNS} FROM qorgan_consent{where} "  # noqa: S608
            "ORDER BY created_at DESC, id LIMIT ?"
        )
        params.append(limit)

        def select(conn: sqlite3.Connection) -> list[ConsentRecord]:
            return [_row_to_record(r) for r in conn.execute(sql, params).fetchall()]

        return await self._run(select)

    async def ping(self) -> None:
        def probe(conn: sqlite3.Connection) -> None:
            conn.execute("SELECT 1").fetchone()

        await self._run(probe)

    async def close(self) -> None:
        def shut() -> None:
            with self._lock:
                self._closed = True
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None

        await anyio.to_thread.run_sync(shut)
