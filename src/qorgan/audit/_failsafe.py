"""Telemetry must never break a request: failures are swallowed and logged once per site.

Only the exception's type is logged. Exception messages from exporters or I/O layers may
quote what they were handed, and what they were handed may be derived from a request.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

log = logging.getLogger("qorgan.audit")

P = ParamSpec("P")
R = TypeVar("R")

_reported: set[str] = set()
_lock = threading.Lock()


def report_once(site: str, exc: BaseException) -> None:
    """Log a telemetry failure at ``site`` the first time it happens in this process."""
    with _lock:
        if site in _reported:
            return
        _reported.add(site)
    log.warning(
        "telemetry failure in %s (%s); later failures here are not logged",
        site,
        type(exc).__name__,
    )


def failsafe(default: R) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a telemetry function: any exception becomes ``default``."""

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        site = func.__qualname__

        @functools.wraps(func)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - telemetry must not fail the caller
                report_once(site, exc)
                return default

        return inner

    return wrap
