"""``GuardMiddleware``: the Guard as pure ASGI middleware for Starlette/FastAPI apps.

    app.add_middleware(GuardMiddleware, policy="policies/default.yaml", routes=["/v1/*"])

For a matching route the request body is read (the size limit enforced while reading),
guarded, and replayed to the app; the app's response is then restored and scanned on its
way out — streamed responses (``text/event-stream``) event by event. Other routes and
non-HTTP scopes pass straight through. Per-request state lives in the call, never on
``self``.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from opentelemetry import trace

from qorgan.edges.asgi import read_request, send_response
from qorgan.errors import UpstreamError
from qorgan.identity import Resolver
from qorgan.pipeline import (
    Guard,
    Runtime,
    UpstreamRequest,
    UpstreamResponse,
)
from qorgan.settings import Settings
from qorgan.types import ASGIApp, Message, Receive, Scope, Send


class GuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        policy: str | Path = "builtin:default",
        routes: Sequence[str] = ("/v1/*",),
        settings: Settings | None = None,
        resolver: Resolver | None = None,
        tracer_provider: trace.TracerProvider | None = None,
        runtime: Runtime | None = None,
    ) -> None:
        """``routes`` are glob patterns of paths; the part matched by the final ``*`` is the
        route the protocol adapter sees (``/v1/chat/completions`` -> ``chat/completions``).
        ``resolver`` maps request headers to a Principal (your own authentication)."""
        self.app = app
        if not routes:
            raise ValueError("routes must name at least one path pattern")
        for pattern in routes:
            if not pattern.startswith("/") or not pattern.endswith("*"):
                raise ValueError("route patterns look like '/v1/*'")
        self.routes = tuple(routes)
        # a runtime built here is closed here (vault connections, the decision log)
        self._owns_runtime = runtime is None
        self.runtime = runtime or Runtime.for_policy(
            policy, settings=settings, resolver=resolver, tracer_provider=tracer_provider
        )
        self.guard = Guard(self.runtime)

    def _route(self, path: str) -> str | None:
        for pattern in self.routes:
            if fnmatch.fnmatchcase(path, pattern):
                return path[len(pattern) - 1:]
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" and self._owns_runtime:
            await self.app(scope, receive, self._closing(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self._route(scope["path"])
        if route is None:
            await self.app(scope, receive, send)
            return
        request = await read_request(scope, receive, send, self.runtime, route)
        if request is None:
            return
        async with anyio.create_task_group() as tg:
            call = _AppCall(self.app, scope, receive, tg)
            response = await self.guard.handle(request, call)
            await send_response(send, response, receive)
            tg.cancel_scope.cancel()

    def _closing(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await self.runtime.aclose()
            await send(message)

        return wrapped


_APP_ONLY_HEADERS = frozenset({b"host", b"cookie"})


class _AppCall:
    """The wrapped app as the Guard's upstream: called with the guarded body, its response
    captured (streamed when it is an event stream)."""

    def __init__(self, app: ASGIApp, scope: Scope, receive: Receive,
                 tg: anyio.abc.TaskGroup) -> None:
        self.app = app
        self.scope = scope
        self.receive = receive
        self.tg = tg

    async def __call__(self, request: UpstreamRequest) -> UpstreamResponse:
        sender: MemoryObjectSendStream[Message]
        messages: MemoryObjectReceiveStream[Message]
        sender, messages = anyio.create_memory_object_stream[Message](math.inf)
        body_sent = False

        async def receive() -> Message:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": request.body, "more_body": False}
            return await self.receive()

        headers = [(k.encode("latin-1"), v.encode("latin-1"))
                   for k, v in request.headers.items()]
        # the wrapped app is the caller's own service, not a third party: it keeps the
        # headers a model upstream never needs (its host, its session cookie)
        headers.extend((k, v) for k, v in self.scope.get("headers", [])
                       if k.lower() in _APP_ONLY_HEADERS)
        headers.append((b"content-length", str(len(request.body)).encode()))
        scope = dict(self.scope)
        scope["headers"] = headers
        # the guarded query string, its values transformed like the body's texts
        scope["query_string"] = request.query.encode("latin-1")

        async def run() -> None:
            async with sender:
                try:
                    await self.app(scope, receive, sender.send)
                except Exception:  # noqa: BLE001 - the app's own failure becomes a 502
                    await sender.send({"type": "qorgan.app_error"})

        self.tg.start_soon(run)
        try:
            start = await messages.receive()
        except anyio.EndOfStream:
            start = {"type": "qorgan.app_error"}  # the app returned without answering
        if start["type"] != "http.response.start":
            messages.close()
            raise UpstreamError("the application failed before answering",
                                code="application_error")
        status = int(start["status"])
        out_headers = [(k.decode("latin-1"), v.decode("latin-1"))
                       for k, v in start.get("headers", [])]
        # streamed or not, the Guard reads the body under its own size limit
        return UpstreamResponse(status, out_headers, chunks=_body(messages))


async def _body(messages: MemoryObjectReceiveStream[Message]) -> AsyncIterator[bytes]:
    async with messages:
        async for message in messages:
            if message["type"] == "qorgan.app_error":
                raise UpstreamError("the application failed mid-response",
                                    code="application_error")
            if message["type"] != "http.response.body":
                continue
            chunk: bytes = message.get("body", b"")
            if chunk:
                yield chunk
            if not message.get("more_body", False):
                return
