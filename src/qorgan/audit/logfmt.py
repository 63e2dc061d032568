"""Log output of ``qorgan serve``: ``text`` (default) or ``json`` (``--log-format json``,
``QORGAN_LOG_FORMAT``), for every logger of the process (uvicorn's included).

JSON lines carry ``ts``, ``level``, ``logger``, ``message`` and, for the per-request line of
``qorgan.request`` (``qorgan.audit.requests``), its fields as top-level keys::

    {"ts": "2026-01-18T09:30:00.125000+00:00", "level": "INFO", "logger": "qorgan.request",
     "message": "request 4f1c… chat/completions 403 block", "request_id": "4f1c…",
     "route": "chat/completions", "status": 403, "outcome": "block", ...}

The text format writes the same fields after the message as ``key=value``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from qorgan.errors import ConfigError

LOG_FORMATS = ("text", "json")
#: loggers whose info lines are noise for an operator (one per upstream call, per recognizer)
_NOISY = ("httpx", "httpcore", "presidio-analyzer")


class _JsonLines(JsonFormatter):
    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        fields = log_data.pop("qorgan", None)
        if isinstance(fields, dict):
            for key, value in fields.items():
                log_data.setdefault(key, value)


class _Text(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "qorgan", None)
        if isinstance(fields, dict):
            pairs = " ".join(f"{k}={json.dumps(v, separators=(',', ':'))}"
                             for k, v in fields.items())
            line = f"{line} {pairs}"
        return line


def formatter(fmt: str) -> logging.Formatter:
    if fmt == "json":
        return _JsonLines("%(levelname)s %(name)s %(message)s",
                          rename_fields={"levelname": "level", "name": "logger"},
                          timestamp="ts")
    if fmt == "text":
        return _Text("%(asctime)s %(levelname)s %(name)s: %(message)s")
    raise ConfigError(f"QORGAN_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")


def configure_logging(level: str, fmt: str) -> None:
    """One stderr handler on the root logger in ``fmt``; every other logger propagates to
    it (uvicorn is started without a logging configuration of its own)."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


__all__ = ["LOG_FORMATS", "configure_logging", "formatter"]
