"""``qorgan serve``: run the sidecar proxy in front of a model API."""

from __future__ import annotations

import argparse
import logging
import os
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
    p.add_argument("--log-level", default=None, help="debug, info, warning (QORGAN_LOG_LEVEL)")
    p.set_defaults(func=run)


def settings_from_args(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        policy=args.policy, upstream=args.upstream, host=args.host, port=args.port,
        workers=args.workers, vault_url=args.vault_url, consent_url=args.consent_url,
        audit_log=args.audit_log, audit_key_file=args.audit_key_file, metrics=args.metrics,
        log_level=args.log_level, shutdown_grace=args.shutdown_grace,
    )


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from qorgan.errors import ConfigError
    from qorgan.policy.loader import load_policy

    settings = settings_from_args(args)
    if not settings.upstream:
        raise ConfigError("an upstream URL is required (--upstream or QORGAN_UPSTREAM)")
    load_policy(settings.policy)  # a broken policy stops here, with its file:line message
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # one line per upstream call and per recognizer loaded is noise at info level
    for noisy in ("httpx", "httpcore", "presidio-analyzer"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.root.level))
    if settings.workers > 1:
        # workers build their own app from the environment: hand them the flags that way
        for name, value in vars(args).items():
            if value is not None and name not in {"func", "command"}:
                os.environ[ENV_PREFIX + name.upper()] = str(value)
        uvicorn.run("qorgan.cli.serve:worker_app", factory=True, host=settings.host,
                    port=settings.port, workers=settings.workers, lifespan="on", **_STACK,
                    log_level=settings.log_level, access_log=False,
                    timeout_graceful_shutdown=settings.shutdown_grace)
        return 0
    uvicorn.run(build_app(settings), host=settings.host, port=settings.port, lifespan="on",
                log_level=settings.log_level, access_log=False,
                timeout_graceful_shutdown=settings.shutdown_grace)
    return 0


def build_app(settings: Settings) -> Any:
    from qorgan.audit.otel import configure_from_env
    from qorgan.edges.proxy import ProxyApp
    from qorgan.pipeline import Runtime

    configure_from_env()
    return ProxyApp(Runtime.from_settings(settings))


def worker_app() -> Any:
    """The factory each ``--workers`` process calls."""
    return build_app(Settings.from_env())
