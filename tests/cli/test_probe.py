"""The container probe follows QORGAN_HOST/QORGAN_PORT and reads the answer's status."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from qorgan.cli.probe import probe_url
from qorgan.types import Receive, Scope, Send
from traffic_fixtures import free_port, serve


async def _health(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    status = 200 if scope["path"] == "/healthz" else 503
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b"{}"})


@pytest.fixture(scope="module")
def port() -> int:
    return serve(_health, lifespan="off").port


def _probe(path: str, env: dict[str, str]) -> int:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QORGAN_")}
    return subprocess.run([sys.executable, "-m", "qorgan.cli.probe", path],
                          env={**clean, **env}, timeout=30, check=False).returncode


@pytest.mark.parametrize(
    ("path", "host", "expected"),
    [
        ("/healthz", "127.0.0.1", 0),
        ("/healthz", "0.0.0.0", 0),  # noqa: S104 - a wildcard listen address is probed on loopback
        ("/readyz", "127.0.0.1", 1),  # 503: not ready
    ],
)
def test_probe_answers_by_status(port: int, path: str, host: str, expected: int) -> None:
    assert _probe(path, {"QORGAN_PORT": str(port), "QORGAN_HOST": host}) == expected


def test_probe_of_a_port_nobody_listens_on_fails() -> None:
    assert _probe("/healthz", {"QORGAN_PORT": str(free_port())}) == 1


def test_probe_refuses_other_paths() -> None:
    assert _probe("/v1/models", {}) == 2


@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({}, "http://127.0.0.1:8080/healthz"),
        ({"QORGAN_PORT": "9000"}, "http://127.0.0.1:9000/healthz"),
        ({"QORGAN_HOST": "::", "QORGAN_PORT": "9000"}, "http://[::1]:9000/healthz"),
        ({"QORGAN_HOST": "10.1.2.3"}, "http://10.1.2.3:8080/healthz"),
    ],
)
def test_probe_url(env: dict[str, str], url: str) -> None:
    assert probe_url("/healthz", env) == url
