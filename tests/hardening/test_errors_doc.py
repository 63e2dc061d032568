"""docs/errors.md names every error code a client of the proxy or the middleware can see."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import qorgan.errors
from qorgan.protocols.sse import SSEError

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "qorgan"
DOC = ROOT / "docs" / "errors.md"
#: never sent to a client: start-up failures, a client that left, the failsafe audit log
NOT_ANSWERED = {"config_error", "client_disconnected", "audit_log_error"}
SOURCES = [
    *sorted((SRC / "pipeline").glob("*.py")),
    *sorted((SRC / "edges").glob("*.py")),
    *sorted((SRC / "detection").glob("*.py")),
    *sorted((SRC / "providers").glob("*.py")),
    *sorted((SRC / "protocols").glob("*.py")),
    *sorted((SRC / "streaming").glob("*.py")),
    *sorted((SRC / "api").glob("*.py")),
]


def answered_codes() -> set[str]:
    codes = {cls.code for _, cls in inspect.getmembers(qorgan.errors, inspect.isclass)
             if issubclass(cls, qorgan.errors.QorganError)}
    codes.add(SSEError.code)
    for path in SOURCES:
        text = path.read_text("utf-8")
        codes.update(re.findall(r'code="([a-z_]+)"', text))
        codes.update(re.findall(r'"code": "([a-z_]+)"', text))
    return codes - NOT_ANSWERED


def test_every_answered_code_is_documented() -> None:
    documented = set(re.findall(r"`([a-z_]+)`", DOC.read_text("utf-8")))
    codes = answered_codes()
    assert len(codes) > 25
    assert sorted(codes - documented) == []
