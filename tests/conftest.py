"""Shared fixtures: real services on loopback, never the internet.

PostgreSQL and Redis tests use the servers on 127.0.0.1. Outside CI a missing server skips
those tests with a reason; under CI (``CI=true``) a missing server is a failure.
"""

from __future__ import annotations

import os
import socket

import pytest

PG_URL = os.environ.get("QORGAN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("QORGAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _require(host: str, port: int, what: str) -> None:
    if _reachable(host, port):
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{what} is not reachable on {host}:{port} (CI must start it)")
    pytest.skip(f"{what} is not running on {host}:{port}")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    _require("127.0.0.1", 5432, "PostgreSQL")
    return PG_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    _require("127.0.0.1", 6379, "Redis")
    return REDIS_URL


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
