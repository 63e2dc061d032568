"""``qorgan serve``: run the sidecar proxy in front of a model API."""

from __future__ import annotations

import argparse
import os
import signal
from typing import Any

from qorgan.settings import ENV_PREFIX, Settings

# uvloop and httptools (uvicorn[standard]); "auto" falls back to asyncio and h11 where they
# are not installed. Chosen by measurement: docs/performance.md, "Server stacks".
_STACK: dict[str, Any] = {"loop": "auto", "http": "auto"}


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "serve",
        help="run the guard as a reverse proxy in front of a model API",
        description=(
            "Guard every request to an OpenAI-compatible or Anthropic API. Clients use "
            "http://HOST:PORT/v1 as their base URL; /v1/<path> goes to <upstream>/<path>. "
            "Every flag has a QORGAN_* variable (QORGAN_POLICY, QORGAN_UPSTREAM, ...)."
        ),
    )
    p.add_argument("--policy", help="policy file or builtin:NAME (QORGAN_POLICY; "
                                    "default builtin:default)")
    p.add_argument("--upstream", help="the provider's base URL including its version prefix, "
                                      "e.g. https://api.example.com/v1 (QORGAN_UPSTREAM)")
    p.add_argument("--host", help="address to listen on (QORGAN_HOST; default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (QORGAN_PORT; default 8080)")
    p.add_argument("--workers", type=int, help="worker processes (QORGAN_WORKERS; default 1)")
    p.add_argument("--vault", dest="vault_url",
                   help="'memory' or a redis:// URL (QORGAN_VAULT_URL)")
    p.add_argument("--consent", dest="consent_url",
                   help="consent registry URL: sqlite:///file.db or postgresql://... "
                        "(QORGAN_CONSENT_URL)")
    p.add_argument("--audit-log", help="decision log path (QORGAN_AUDIT_LOG)")
    p.add_argument("--audit-key-file", help="Ed25519 key signing the decision log "
                                            "(QORGAN_AUDIT_KEY_FILE)")
    p.add_argument("--shutdown-grace", type=int,
                   help="seconds requests under way may take to finish once SIGTERM arrives, "
                        "then they are cancelled (QORGAN_SHUTDOWN_GRACE; default 30)")
    p.add_argument("--metrics", action="store_true", default=None,
                   help="serve Prometheus metrics on /metrics (QORGAN_METRICS)")
    p.add_argument("--presidio-api", action="store_true", default=None,
                   help="serve Presidio's analyzer and anonymizer REST API under /presidio "
                        "(QORGAN_PRESIDIO_API)")
    p.add_argument("--ui", action="store_true", default=None,
                   help="serve the policy playground at /qorgan/ui (QORGAN_UI)")
    p.add_argument("--log-level", default=None, help="debug, info, warning (QORGAN_LOG_LEVEL)")
    p.add_argument("--log-format", choices=("text", "json"), default=None,
                   help="text, or json: one JSON object per line, one line per request "
                        "(QORGAN_LOG_FORMAT; default text)")
    p.set_defaults(func=run)


def settings_from_args(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        policy=args.policy, upstream=args.upstream, host=args.host, port=args.port,
        workers=args.workers, vault_url=args.vault_url, consent_url=args.consent_url,
        audit_log=args.audit_log, audit_key_file=args.audit_key_file, metrics=args.metrics,
        log_level=args.log_level, shutdown_grace=args.shutdown_grace,
        presidio_api=args.presidio_api, ui=args.ui, log_format=args.log_format,
    )


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from qorgan.audit.logfmt import configure_logging
    from qorgan.cli.supervise import preflight, run_workers

    settings = settings_from_args(args)
    configure_logging(settings.log_level, settings.log_format)
    if settings.workers > 1:
        preflight(settings)  # a fatal setting stops here, once, before the port is bound
        # workers build their own app from the environment: hand them the flags that way
        for name, value in vars(args).items():
            if value is not None and name not in {"func", "command"}:
                os.environ[ENV_PREFIX + name.upper()] = str(value)
        return run_workers(uvicorn.Config(
            "qorgan.cli.serve:worker_app", factory=True, host=settings.host,
            port=settings.port, workers=settings.workers, lifespan="on", **_STACK,
            log_level=settings.log_level, log_config=None, access_log=False,
            timeout_graceful_shutdown=settings.shutdown_grace))
    # built before the port is bound: a fatal setting is a clean error here too
    app = build_app(settings)
    # uvicorn re-raises the SIGTERM it stopped on once it has shut down: a stop that went
    # as asked then exits 0 instead of dying of the signal
    signal.signal(signal.SIGTERM, _stopped)
    uvicorn.run(app, host=settings.host, port=settings.port, lifespan="on", **_STACK,
                log_level=settings.log_level, log_config=None, access_log=False,
                timeout_graceful_shutdown=settings.shutdown_grace)
    return 0


def _stopped(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def build_app(settings: Settings) -> Any:
    """The proxy, with the OpenTelemetry SDK installed from ``OTEL_*``; its shutdown runs
    when the server stops, after the requests under way have finished (the grace period),
    so the last spans and metrics are exported."""
    from qorgan.audit.otel import configure_from_env
    from qorgan.edges.proxy import ProxyApp
    from qorgan.errors import ConfigError
    from qorgan.pipeline import Runtime

    if not settings.upstream:
        raise ConfigError("an upstream URL is required (--upstream or QORGAN_UPSTREAM)")
    shutdown = configure_from_env()
    try:
        return ProxyApp(Runtime.from_settings(settings), on_shutdown=shutdown)
    except BaseException:
        shutdown()
        raise


def worker_app() -> Any:
    """The factory each ``--workers`` process calls."""
    from qorgan.audit.logfmt import configure_logging
    from qorgan.cli.supervise import worker_failed
    from qorgan.errors import QorganError

    try:
        settings = Settings.from_env()
        configure_logging(settings.log_level, settings.log_format)
        return build_app(settings)
    except QorganError as exc:
        worker_failed(exc)
