"""``GuardTransport``: the Guard as an httpx transport, for an app's own outbound calls.

    client = openai.AsyncOpenAI(http_client=httpx.AsyncClient(
        transport=GuardTransport(policy="policies/default.yaml")))

Both ``httpx.AsyncClient`` and ``httpx.Client`` accept it. The route the protocol adapter
sees is the request path after ``api_prefix`` (``/v1/chat/completions`` ->
``chat/completions``); requests outside it are refused. The synchronous side runs the same
asynchronous Guard on a private event loop thread.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import anyio
import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from opentelemetry import trace

from qorgan.errors import PayloadTooLarge, UnknownRoute, UpstreamError, UpstreamTimeout
from qorgan.guard import (
    Guard,
    GuardRequest,
    GuardResponse,
    UpstreamRequest,
    UpstreamResponse,
    error_response,
)
from qorgan.payload import read_stream_body
from qorgan.runtime import Resolver, Runtime, runtime_for_policy
from qorgan.settings import Settings
from qorgan.upstream import upstream_chunks


class GuardTransport(httpx.AsyncBaseTransport, httpx.BaseTransport):
    def __init__(
        self,
        *,
        policy: str | Path = "builtin:default",
        transport: httpx.AsyncBaseTransport | None = None,
        api_prefix: str = "/v1",
        settings: Settings | None = None,
        resolver: Resolver | None = None,
        tracer_provider: trace.TracerProvider | None = None,
        runtime: Runtime | None = None,
    ) -> None:
        """``transport`` is where guarded requests go (default: a real HTTP transport)."""
        self._owns_runtime = runtime is None  # a shared runtime is closed by its owner
        self.runtime = runtime or runtime_for_policy(
            policy, settings=settings, resolver=resolver, tracer_provider=tracer_provider
        )
        self.guard = Guard(self.runtime)
        self.inner = transport or httpx.AsyncHTTPTransport()
        self.api_prefix = "/" + api_prefix.strip("/")
        self._portal: BlockingPortal | None = None
        self._portal_cm: Any = None
        self._lock = threading.Lock()

    # -- async ------------------------------------------------------------------------------

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        marker = self.api_prefix + "/"
        index = path.find(marker)
        route = path[index + len(marker):] if index >= 0 else ""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in request.headers.raw}
        stream = request.stream
        if not isinstance(stream, httpx.AsyncByteStream):
            raise TypeError("GuardTransport.handle_async_request needs an async request body")
        try:
            # refused while reading, as the proxy and the middleware do: an app's streamed
            # request body is never buffered past the limit
            body = await read_stream_body(stream, self.runtime.policy().traffic.max_body_bytes)
        except PayloadTooLarge as exc:
            return _to_httpx(error_response(exc), request)
        guard_request = GuardRequest(
            method=request.method, route=route, headers=headers, body=body,
            query=request.url.query.decode("ascii") if request.url.query else "",
        )
        base = request.url.copy_with(query=None)

        async def upstream(up: UpstreamRequest) -> UpstreamResponse:
            url = str(base)
            if up.query:
                url = f"{url}?{up.query}"
            req = httpx.Request(up.method, url, headers=up.headers,
                                content=up.body if up.body else None,
                                extensions=request.extensions)
            try:
                response = await self.inner.handle_async_request(req)
            except httpx.TimeoutException:
                raise UpstreamTimeout("upstream did not answer in time") from None
            except httpx.HTTPError as exc:
                raise UpstreamError("upstream is unreachable") from exc
            out_headers = [(k.decode("latin-1"), v.decode("latin-1"))
                           for k, v in response.headers.raw]
            stream = response.stream
            if not isinstance(stream, httpx.AsyncByteStream):
                raise UpstreamError("the inner transport is not asynchronous")
            # streamed or not, the Guard reads the body under its own size limit
            return UpstreamResponse(response.status_code, out_headers,
                                    chunks=upstream_chunks(response))

        if index < 0:
            return _to_httpx(error_response(UnknownRoute("this route is not guarded")), request)
        result = await self.guard.handle(guard_request, upstream)
        return _to_httpx(result, request)

    async def aclose(self) -> None:
        await self.inner.aclose()
        if self._owns_runtime:
            await self.runtime.aclose()

    # -- sync -------------------------------------------------------------------------------

    def _get_portal(self) -> BlockingPortal:
        with self._lock:
            if self._portal is None:
                self._portal_cm = start_blocking_portal()
                self._portal = self._portal_cm.__enter__()
            return self._portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        portal = self._get_portal()
        content = request.read()
        areq = httpx.Request(request.method, request.url, headers=request.headers,
                             content=content, extensions=request.extensions)
        # One task on the loop runs the request and pumps its stream: the request's trace
        # context is attached and detached in the same task, however the caller reads.
        head: Future[httpx.Response] = Future()
        sender, receiver = anyio.create_memory_object_stream[bytes | Exception](16)
        portal.start_task_soon(self._pump, areq, head, sender)
        response = head.result()
        if isinstance(response.stream, _GuardStream):
            return httpx.Response(response.status_code, headers=response.headers,
                                  stream=_SyncBridge(receiver, portal), request=request)
        receiver.close()
        return httpx.Response(response.status_code, headers=response.headers,
                              content=response.content, request=request)

    async def _pump(
        self, request: httpx.Request, head: Future[httpx.Response],
        sender: MemoryObjectSendStream[bytes | Exception],
    ) -> None:
        async with sender:
            try:
                response = await self.handle_async_request(request)
                stream = response.stream
                if not isinstance(stream, _GuardStream):
                    await response.aread()
            except BaseException as exc:
                if not head.done():
                    head.set_exception(exc if isinstance(exc, Exception)
                                       else UpstreamError("the request was cancelled"))
                raise
            head.set_result(response)
            if not isinstance(stream, _GuardStream):
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
        portal = self._portal
        if portal is not None:
            portal.call(self.aclose)
            self._portal_cm.__exit__(None, None, None)
            self._portal = None



class _GuardStream(httpx.AsyncByteStream):
    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.chunks:
            yield chunk

    async def aclose(self) -> None:
        close = getattr(self.chunks, "aclose", None)
        if close is not None:
            await close()


class _SyncBridge(httpx.SyncByteStream):
    """The calling thread's side of :meth:`GuardTransport._pump`."""

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


def _to_httpx(result: GuardResponse, request: httpx.Request) -> httpx.Response:
    headers = [(k, v) for k, v in result.headers if k.lower() != "content-length"]
    if result.chunks is not None:
        return httpx.Response(result.status, headers=headers, stream=_GuardStream(result.chunks),
                              request=request)
    return httpx.Response(result.status, headers=headers, content=result.body or b"",
                          request=request)


__all__ = ["GuardTransport"]
