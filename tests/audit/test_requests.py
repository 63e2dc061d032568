"""One log line per request, in text or JSON, with identifiers and numbers only."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest

from qorgan.audit.logfmt import formatter
from qorgan.audit.record import AuditRecord
from qorgan.audit.requests import log_request, request_id_from, valid_request_id
from qorgan.errors import ConfigError


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
        ("01ARZ3NDEKTSV4RRFFQ69G5FAV", True),
        ("req_2026.01.18-a9", True),
        ("canary.7731@example.kz", False),
        ("901123300258", False),
        ("+77015550123", False),
        ("ZhanargulCanaryeva", False),
        ("a1 b2 c3 d4", False),
        ("-a1b2c3d4e5", False),
        ("a1b2c3d", False),
        ("a1" * 64 + "x", False),
        ("", False),
    ],
)
def test_valid_request_ids(value: str, valid: bool) -> None:
    assert valid_request_id(value) is valid
    chosen = request_id_from({"x-request-id": value})
    assert (chosen == value) is valid
    if not valid:
        assert len(chosen) == 32


def _line(fmt: str, record: AuditRecord) -> str:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, r: logging.LogRecord) -> None:
            seen.append(r)

    logger = logging.getLogger("qorgan.request")
    handler = Keep()
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    try:
        log_request(record, {"detect": 0.0042, "total": 0.0125})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    (emitted,) = seen
    return formatter(fmt).format(emitted)


@pytest.mark.parametrize("kind", ["allow", "transform", "block", "consent"])
def test_json_line_fields(
    make_record: Callable[..., AuditRecord], no_canary: Callable[[str], None], kind: str
) -> None:
    record = make_record(kind)
    line = _line("json", record)
    data = json.loads(line)
    assert data["logger"] == "qorgan.request"
    assert data["level"] == "INFO"
    assert data["request_id"] == record.request_id
    assert data["route"] == record.route
    assert data["status"] == record.status
    assert data["outcome"] == record.outcome
    assert data["rules"] == list(record.rules)
    assert data["durations_ms"] == {"detect": 4.2, "total": 12.5}
    assert "ts" in data
    no_canary(line)


def test_text_line_carries_the_same_fields(make_record: Callable[..., AuditRecord]) -> None:
    record = make_record("block")
    line = _line("text", record)
    assert f"request {record.request_id} " in line
    assert 'outcome="block"' in line
    assert '"total":12.5' in line


def test_an_unknown_format_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="QORGAN_LOG_FORMAT"):
        formatter("xml")
