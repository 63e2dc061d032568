"""``GuardTransport``: the Guard as an httpx transport, for an app's own outbound calls.

    client = openai.AsyncOpenAI(http_client=httpx.AsyncClient(
        transport=GuardTransport(policy="policies/default.yaml")))

Both ``httpx.AsyncClient`` and ``httpx.Client`` accept it. The route the protocol adapter
sees is the request path after ``api_prefix`` (``/v1/chat/completions`` ->
``chat/completions``); requests outside it are refused. The synchronous side runs the same
asynchronous Guard on a private event loop thread: a daemon thread, stopped (and the runtime
closed, the decision log flushed) by ``close()`` or at interpreter exit, so a program that
never closes its client still exits.

SDKs built on ``httpx2`` (the Anthropic SDK 2.x) take ``qorgan.transport_httpx2``'s
``Httpx2GuardTransport``, the same transport for that library.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, cast

import anyio
import httpx
from anyio.from_thread import BlockingPortal
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from opentelemetry import trace

from qorgan._aio import aclose
from qorgan.edges.bodies import read_stream_body
from qorgan.edges.upstream import upstream_chunks
from qorgan.errors import PayloadTooLarge, UnknownRoute, UpstreamError, UpstreamTimeout
from qorgan.identity import Resolver
from qorgan.pipeline import (
    Guard,
    GuardRequest,
    GuardResponse,
    Runtime,
    UpstreamRequest,
    UpstreamResponse,
    error_response,
)
from qorgan.settings import Settings


class ChunkStream:
    """A guarded response body (async); mixed into the client library's byte stream."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.chunks:
            yield chunk

    async def aclose(self) -> None:
        await aclose(self.chunks)


class BridgeStream:
    """The calling thread's side of a synchronous guarded stream (see ``_pump``)."""

    def __init__(self, chunks: MemoryObjectReceiveStream[bytes | Exception],
                 portal: BlockingPortal) -> None:
        self.chunks = chunks
        self.portal = portal

    def __iter__(self) -> Iterator[bytes]:
        while True:
            try:
                item = self.portal.call(self.chunks.receive)
            except (anyio.EndOfStream, anyio.ClosedResourceError):
                return
            if isinstance(item, Exception):
                raise item
            yield item

    def close(self) -> None:
        self.portal.call(self.chunks.aclose)


class TransportCore:
    """The Guard as a transport of an httpx-style client library. A subclass names the
    library (``lib``: ``httpx`` or ``httpx2``, which share one interface) and its stream
    classes, and types the two transport methods."""

    lib: ClassVar[ModuleType]
    chunk_stream: ClassVar[type[ChunkStream]]
    bridge_stream: ClassVar[type[BridgeStream]]

    def __init__(
        self,
        *,
        policy: str | Path = "builtin:default",
        transport: Any = None,
        api_prefix: str = "/v1",
        settings: Settings | None = None,
        resolver: Resolver | None = None,
        tracer_provider: trace.TracerProvider | None = None,
        runtime: Runtime | None = None,
    ) -> None:
        """``transport`` is where guarded requests go (default: a real HTTP transport)."""
        self._owns_runtime = runtime is None  # a shared runtime is closed by its owner
        self.runtime = runtime or Runtime.for_policy(
            policy, settings=settings, resolver=resolver, tracer_provider=tracer_provider
        )
        self.guard = Guard(self.runtime)
        self.inner = transport or self.lib.AsyncHTTPTransport()
        self.api_prefix = "/" + api_prefix.strip("/")
        self._portal: BlockingPortal | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- async ------------------------------------------------------------------------------

    async def handle_async_request(self, request: Any) -> Any:
        """The library's ``Request`` in, its ``Response`` out."""
        lib = self.lib
        path = request.url.path
        marker = self.api_prefix + "/"
        index = path.find(marker)
        route = path[index + len(marker):] if index >= 0 else ""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in request.headers.raw}
        stream = request.stream
        if not isinstance(stream, lib.AsyncByteStream):
            raise TypeError("a guard transport's async side needs an async request body")
        try:
            # refused while reading, as the proxy and the middleware do: an app's streamed
            # request body is never buffered past the limit
            body = await read_stream_body(
                cast(AsyncIterator[bytes], stream), self.runtime.policy().traffic.max_body_bytes
            )
        except PayloadTooLarge as exc:
            return self._response(error_response(exc), request)
        guard_request = GuardRequest(
            method=request.method, route=route, headers=headers, body=body,
            query=request.url.query.decode("ascii") if request.url.query else "",
        )
        base = request.url.copy_with(query=None)

        async def upstream(up: UpstreamRequest) -> UpstreamResponse:
            url = str(base)
            if up.query:
                url = f"{url}?{up.query}"
            req = lib.Request(up.method, url, headers=up.headers,
                              content=up.body if up.body else None,
                              extensions=request.extensions)
            try:
                response = await self.inner.handle_async_request(req)
            except lib.TimeoutException:
                raise UpstreamTimeout("upstream did not answer in time") from None
            except lib.HTTPError as exc:
                raise UpstreamError("upstream is unreachable") from exc
            out_headers = [(k.decode("latin-1"), v.decode("latin-1"))
                           for k, v in response.headers.raw]
            if not isinstance(response.stream, lib.AsyncByteStream):
                raise UpstreamError("the inner transport is not asynchronous")
            # streamed or not, the Guard reads the body under its own size limit
            return UpstreamResponse(response.status_code, out_headers,
                                    chunks=upstream_chunks(response, lib))

        if index < 0:
            return self._response(error_response(UnknownRoute("this route is not guarded")),
                                  request)
        result = await self.guard.handle(guard_request, upstream)
        return self._response(result, request)

    def _response(self, result: GuardResponse, request: Any) -> Any:
        headers = [(k, v) for k, v in result.headers if k.lower() != "content-length"]
        if result.chunks is not None:
            return self.lib.Response(result.status, headers=headers,
                                     stream=self.chunk_stream(result.chunks), request=request)
        return self.lib.Response(result.status, headers=headers, content=result.body or b"",
                                 request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()
        if self._owns_runtime:
            await self.runtime.aclose()

    # -- sync -------------------------------------------------------------------------------

    def _get_portal(self) -> BlockingPortal:
        with self._lock:
            if self._portal is None:
                self._portal, self._thread = _start_portal()
                # anyio's own portal thread is not a daemon and is joined before atexit
                # handlers run: a client never closed would keep the interpreter alive
                _OPEN.add(self)
            return self._portal

    def handle_request(self, request: Any) -> Any:
        lib = self.lib
        portal = self._get_portal()
        content = request.read()
        areq = lib.Request(request.method, request.url, headers=request.headers,
                           content=content, extensions=request.extensions)
        # One task on the loop runs the request and pumps its stream: the request's trace
        # context is attached and detached in the same task, however the caller reads.
        head: Future[Any] = Future()
        sender, receiver = anyio.create_memory_object_stream[bytes | Exception](16)
        portal.start_task_soon(self._pump, areq, head, sender)
        response = head.result()
        if isinstance(response.stream, ChunkStream):
            return lib.Response(response.status_code, headers=response.headers,
                                stream=self.bridge_stream(receiver, portal), request=request)
        receiver.close()
        return lib.Response(response.status_code, headers=response.headers,
                            content=response.content, request=request)

    async def _pump(
        self, request: Any, head: Future[Any],
        sender: MemoryObjectSendStream[bytes | Exception],
    ) -> None:
        async with sender:
            try:
                response = await self.handle_async_request(request)
                stream = response.stream
                if not isinstance(stream, ChunkStream):
                    await response.aread()
            except BaseException as exc:
                if not head.done():
                    head.set_exception(exc if isinstance(exc, Exception)
                                       else UpstreamError("the request was cancelled"))
                raise
            head.set_result(response)
            if not isinstance(stream, ChunkStream):
                return
            try:
                async for chunk in stream:
                    await sender.send(chunk)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                pass  # the caller closed the response early
            except Exception as exc:  # noqa: BLE001 - handed to the reading thread
                with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                    await sender.send(exc)
            finally:
                await stream.aclose()

    def close(self) -> None:
        with self._lock:
            portal, thread = self._portal, self._thread
            self._portal = self._thread = None
        _OPEN.discard(self)
        if portal is None:
            return
        try:
            portal.call(self.aclose)
        finally:
            portal.call(portal.stop)
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=10)


def _start_portal() -> tuple[BlockingPortal, threading.Thread]:
    """A blocking portal on an event loop in a daemon thread of its own."""
    ready: Future[BlockingPortal] = Future()

    async def serve() -> None:
        async with BlockingPortal() as portal:
            ready.set_result(portal)
            await portal.sleep_until_stopped()

    def run() -> None:
        try:
            anyio.run(serve)
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that waits
            if not ready.done():
                ready.set_exception(exc)

    thread = threading.Thread(target=run, name="qorgan-transport", daemon=True)
    thread.start()
    return ready.result(), thread


#: transports whose portal runs; closed at interpreter exit if their owner never did
_OPEN: weakref.WeakSet[TransportCore] = weakref.WeakSet()


@atexit.register
def _close_at_exit() -> None:
    for transport in list(_OPEN):
        with contextlib.suppress(Exception):
            transport.close()


class _GuardStream(ChunkStream, httpx.AsyncByteStream):
    pass


class _SyncBridge(BridgeStream, httpx.SyncByteStream):
    pass


class GuardTransport(TransportCore, httpx.AsyncBaseTransport, httpx.BaseTransport):
    """The Guard as an ``httpx`` transport (async and sync clients)."""

    lib: ClassVar[ModuleType] = httpx
    chunk_stream: ClassVar[type[ChunkStream]] = _GuardStream
    bridge_stream: ClassVar[type[BridgeStream]] = _SyncBridge


__all__ = ["GuardTransport"]
