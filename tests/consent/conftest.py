"""Consent fixtures: a random subject key, and a PostgreSQL schema of its own per test
(dropped afterwards) so parallel runs never see each other's rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from qorgan.consent.registry import SubjectHasher


@pytest.fixture
def hasher() -> SubjectHasher:
    return SubjectHasher(uuid.uuid4().bytes + uuid.uuid4().bytes)


@pytest.fixture
def pg_schema(postgres_url: str) -> Iterator[str]:
    schema = f"qorgan_test_{uuid.uuid4().hex[:16]}"
    yield schema
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
