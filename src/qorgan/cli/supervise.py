"""What ``qorgan serve`` checks before it binds a port, and how it runs several workers.

A fatal setting (a missing master key with several workers, a policy that does not load,
an unreadable audit key, an unknown consent or vault URL, a bad ``OTEL_*`` exporter) is
found by :func:`preflight`, in a child process, before any worker starts or the port is
bound: ``qorgan serve`` then exits with one message naming the setting. A worker that
still fails to start (its models do not load) exits with uvicorn's start-up failure code,
which stops the parent instead of restarting the worker forever; the parent then exits
non-zero and releases the port.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import anyio

from qorgan import errors
from qorgan.errors import ConfigError, QorganError
from qorgan.settings import Settings

#: the exit status of ``qorgan serve`` when a worker could not start (uvicorn's own)
STARTUP_FAILURE = 3


def preflight(settings: Settings) -> None:
    """Raise the ``ConfigError``/``PolicyError`` a worker would die of, here and once.

    The check runs in a child process of its own: building a runtime imports detection and
    its libraries (about 90 MiB), which the supervisor, holding no runtime, need not keep."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if not settings.upstream:
        raise ConfigError("an upstream URL is required (--upstream or QORGAN_UPSTREAM)")
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        failure = pool.submit(_check, settings).result()
    if failure is not None:
        kind, message = failure
        error = getattr(errors, kind, None)
        if not (isinstance(error, type) and issubclass(error, QorganError)):
            error = ConfigError
        raise error(message)


def _check(settings: Settings) -> tuple[str, str] | None:
    """In the child: build what a worker builds — keys, policy, vault, consent registry,
    decision log and its signing key — without loading models or connecting anywhere; the
    error's class name and message, or None."""
    from qorgan.audit.otel import build_from_env
    from qorgan.pipeline import Runtime

    try:
        runtime = Runtime.from_settings(settings)
        anyio.run(runtime.aclose)
        build_from_env().shutdown(timeout=1.0)
    except QorganError as exc:
        return type(exc).__name__, exc.message
    return None


def worker_failed(exc: QorganError) -> NoReturn:
    """A worker's factory failed: report it and exit so that the parent stops."""
    print(f"qorgan: error: {exc.message}", file=sys.stderr)
    sys.exit(STARTUP_FAILURE)


def run_workers(config: Any) -> int:
    """Serve ``config`` (a ``uvicorn.Config`` with ``workers > 1``) from a supervisor;
    ``STARTUP_FAILURE`` when a worker could not start, else 0."""
    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()
    supervisor = Multiprocess(config, sockets=[sock])
    try:
        supervisor.run()
    except KeyboardInterrupt:  # pragma: no cover - the supervisor handles SIGINT itself
        pass
    finally:
        sock.close()
    failed = any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes)
    return STARTUP_FAILURE if failed else 0


__all__ = ["STARTUP_FAILURE", "preflight", "run_workers", "worker_failed"]
