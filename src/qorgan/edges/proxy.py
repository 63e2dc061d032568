"""The sidecar: a pure-ASGI reverse proxy that guards every request to a model API.

Clients use ``http://HOST:PORT/v1`` as their base URL; ``/v1/<route>`` is forwarded to
``<upstream>/<route>``, where the upstream is set by configuration only. One pooled httpx
client serves every request. Besides the API prefix it serves ``/healthz``, ``/readyz``,
``/metrics`` (when enabled) and qorgan's own HTTP API (``qorgan.api``: ``/qorgan/...``, the
consent administration API among it, and ``/presidio/...``).

Every request but the health and metrics endpoints gets a SERVER span and an
``http.server.request.duration`` sample (``qorgan.audit.server``) and one log line
(``qorgan.audit.requests``). On shutdown (SIGTERM: the server stops accepting and lets the
requests under way finish within the grace period) the lifespan closes the runtime, which
flushes the decision log, and then calls ``on_shutdown`` (``qorgan serve``: flush and stop the
OpenTelemetry providers).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import anyio
import httpx

from qorgan.api.app import build_api_app
from qorgan.audit.requests import log_http, one_line, written
from qorgan.audit.server import server_span
from qorgan.edges.asgi import read_request, send_json, send_response
from qorgan.edges.upstream import HttpxUpstream, upstream_client
from qorgan.errors import ConfigError
from qorgan.pipeline import Guard, Runtime
from qorgan.providers import REGISTRY
from qorgan.settings import Settings
from qorgan.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("qorgan.proxy")

#: answered without a span, a metric or a log line: probes and scrapes are not traffic
_UNTRACED = frozenset({"/healthz", "/readyz", "/metrics"})
_GUARDED_ROUTES = frozenset(e.route for e in REGISTRY.endpoints()) | {"models"}


class ProxyApp:
    def __init__(
        self,
        runtime: Runtime,
        *,
        client: httpx.AsyncClient | None = None,
        warm_up: bool = True,
        on_shutdown: Callable[[], None] | None = None,
    ) -> None:
        """``on_shutdown`` runs once the server has stopped and the runtime is closed."""
        settings = runtime.settings
        if not settings.upstream:
            raise ConfigError("an upstream URL is required (--upstream or QORGAN_UPSTREAM)")
        self.runtime = runtime
        self.guard = Guard(runtime)
        self.prefix = settings.api_prefix.rstrip("/")
        self._own_client = client is None
        self.client = client or upstream_client(settings)
        self.upstream = HttpxUpstream(settings.upstream, self.client)
        self._warm_up = warm_up
        self._on_shutdown = on_shutdown
        self._metrics_app: ASGIApp | None = None
        self._api = build_api_app(runtime)  # /qorgan/... and /presidio/... (qorgan.api)
        if settings.metrics:
            from qorgan.audit.metrics import prometheus_asgi_app

            self._metrics_app = prometheus_asgi_app(runtime.auditor.metrics)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path in _UNTRACED:
            await self._dispatch(scope, receive, send, path)
            return
        route, known = self._route_template(path)
        started = time.perf_counter()
        with one_line(), server_span(scope, route, known=known,
                                     metrics=self.runtime.auditor.metrics,
                                     tracer_provider=self.runtime.auditor.tracer_provider) as ex:
            try:
                await self._dispatch(scope, receive, ex.wrap(send), path)
            finally:
                if not written():
                    log_http(request_id=ex.request_id, method=str(scope.get("method", "")),
                             route=route or "(unmatched)", status=ex.status or 500,
                             seconds=time.perf_counter() - started)

    def _route_template(self, path: str) -> tuple[str | None, bool]:
        """The route template of ``path`` and whether ``path`` is that template itself."""
        if self._api.handles(path):
            if path in self._api.paths or path + "/" in self._api.paths:
                return path, True
            top = "/" + path.strip("/").split("/", 1)[0]
            return f"{top}/{{path}}", False
        if not path.startswith(self.prefix + "/"):
            return None, False
        route = path[len(self.prefix) + 1:]
        if route in _GUARDED_ROUTES:
            return path, True
        if route.startswith("models/"):
            return f"{self.prefix}/models/{{model}}", False
        return f"{self.prefix}/{{path}}", False

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        if path == "/healthz":
            await send_json(send, 200, {"status": "ok"})
        elif path == "/readyz":
            checks = await self.runtime.readiness()
            ok = all(v == "ok" for v in checks.values())
            await send_json(send, 200 if ok else 503,
                            {"status": "ready" if ok else "unavailable", "checks": checks})
        elif path == "/metrics" and self._metrics_app is not None:
            await self._metrics_app(scope, receive, send)
        elif self._api.handles(path):
            await self._api(scope, receive, send)
        elif path.startswith(self.prefix + "/"):
            await self._guarded(scope, receive, send, path[len(self.prefix) + 1:])
        else:
            await send_json(send, 404, {"error": {"code": "not_found",
                                                  "message": "no such endpoint"}})

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, route: str) -> None:
        request = await read_request(scope, receive, send, self.runtime, route)
        if request is None:
            return
        response = await self.guard.handle(request, self.upstream)
        await send_response(send, response, receive)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "lifespan.startup":
            return
        try:
            if self._warm_up:
                await anyio.to_thread.run_sync(self.runtime.warm_up)
        except Exception as exc:  # noqa: BLE001 - reported to the server, which then stops
            log.error("start-up failed: %s", type(exc).__name__)
            await send({"type": "lifespan.startup.failed", "message": "qorgan could not start"})
            return
        async with anyio.create_task_group() as tg:
            # the policy file is watched (and SIGHUP reloads it) for as long as we serve
            tg.start_soon(self.runtime.holder.watch)
            sighup = True
            try:
                self.runtime.holder.install_sighup()
            except ConfigError:
                sighup = False
                log.info("SIGHUP reload is not available in this process")
            await send({"type": "lifespan.startup.complete"})
            while message["type"] != "lifespan.shutdown":
                message = await receive()
            tg.cancel_scope.cancel()
        if sighup:
            self.runtime.holder.uninstall_sighup()
        await self.aclose()
        await send({"type": "lifespan.shutdown.complete"})

    async def aclose(self) -> None:
        """Close the upstream client and the runtime (the decision log is flushed), then run
        ``on_shutdown``; once only."""
        if self._own_client:
            await self.client.aclose()
        await self.runtime.aclose()
        hook, self._on_shutdown = self._on_shutdown, None
        if hook is not None:
            # bounded (qorgan.audit.otel), and blocking: off the event loop
            await anyio.to_thread.run_sync(hook)


def create_app(settings: Settings | None = None) -> ProxyApp:
    """Build the proxy from settings (``QORGAN_*``); used by ``qorgan serve`` workers."""
    settings = settings or Settings.from_env()
    return ProxyApp(Runtime.from_settings(settings))
