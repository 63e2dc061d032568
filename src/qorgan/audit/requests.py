"""One log line per request, and the request id it is filed under.

The line goes to the ``qorgan.request`` logger at INFO: request id, route, status, outcome,
rule ids and stage durations in milliseconds — identifiers and numbers, never values. Its
fields ride on the log record as ``qorgan`` (a dict), which the JSON format
(``--log-format json``) writes as top-level keys; the text format writes them as
``key=value`` pairs.

A client's ``X-Request-Id`` is kept when it is *valid*: 8 to 128 characters of ASCII
letters, digits, ``.``, ``_`` and ``-``, starting with a letter or digit, with at least one
letter and at least one digit. UUIDs, hex ids and ULIDs pass; an e-mail address (``@``), a
phone or ID number (digits only), a name (letters only) or free text (spaces) does not, and
the request gets a fresh random id instead.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from qorgan.audit.record import AuditRecord

log = logging.getLogger("qorgan.request")

_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9]")
#: set once a request's line is written, so an edge writes its own only for the rest
_written: ContextVar[bool] = ContextVar("qorgan_request_logged", default=False)


@contextmanager
def one_line() -> Iterator[None]:
    """Inside the block, :func:`written` tells whether the guard wrote the request's line."""
    token = _written.set(False)
    try:
        yield
    finally:
        _written.reset(token)


def written() -> bool:
    return _written.get()


def valid_request_id(value: str | None) -> bool:
    return bool(value and _REQUEST_ID.fullmatch(value) and _LETTER.search(value)
                and _DIGIT.search(value))


def request_id_from(headers: Mapping[str, str]) -> str:
    """The caller's ``X-Request-Id`` when valid (see the module docstring), else a new id."""
    given = headers.get("x-request-id")
    return given if given is not None and valid_request_id(given) else secrets.token_hex(16)


def _ms(stages: Mapping[str, float]) -> dict[str, float]:
    return {name: round(seconds * 1000.0, 3) for name, seconds in stages.items()}


def log_request(record: AuditRecord, stages: Mapping[str, float]) -> None:
    """The line of one guarded request, from its audit record (already checked values)."""
    _written.set(True)
    if not log.isEnabledFor(logging.INFO):
        return
    fields: dict[str, Any] = {
        "request_id": record.request_id,
        "route": record.route,
        "status": record.status,
        "outcome": record.outcome,
        "mode": record.mode,
        "rules": list(record.rules),
        "block_rules": list(record.block_rules),
        "durations_ms": _ms(stages),
    }
    optional = {"error_code": record.error_code, "policy_version": record.policy_version,
                "model": record.model, "destination": record.destination}
    fields.update({k: v for k, v in optional.items() if v is not None})
    if record.stream:
        fields["stream"] = True
    log.info("request %s %s %s %s", record.request_id, record.route, record.status,
             record.outcome, extra={"qorgan": fields})


def log_http(*, request_id: str | None, method: str, route: str, status: int,
             seconds: float, error_code: str | None = None) -> None:
    """The line of a request answered before it reached the guard (an unknown path, a body
    refused while reading, the consent API); ``route`` is a template, never the raw path."""
    if not log.isEnabledFor(logging.INFO):
        return
    fields: dict[str, Any] = {"request_id": request_id, "method": method, "route": route,
                              "status": status,
                              "outcome": "error" if status >= 400 else "allow",
                              "durations_ms": {"total": round(seconds * 1000.0, 3)}}
    if error_code is not None:
        fields["error_code"] = error_code
    log.info("request %s %s %s %s", request_id or "-", route, status, fields["outcome"],
             extra={"qorgan": fields})


__all__ = ["log_http", "log_request", "one_line", "request_id_from", "valid_request_id",
           "written"]
