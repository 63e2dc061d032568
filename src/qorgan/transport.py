"""``GuardTransport``: the Guard as an httpx transport, for an app's own outbound calls.

    client = openai.AsyncOpenAI(http_client=httpx.AsyncClient(
        transport=GuardTransport(policy="policies/default.yaml")))

Both ``httpx.AsyncClient`` and ``httpx.Client`` accept it. The route the protocol adapter
sees is the request path after ``api_prefix`` (``/v1/chat/completions`` ->
``chat/completions``); requests outside it are refused. The synchronous side runs the same
asynchronous Guard on a private event loop thread.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from opentelemetry import trace

from qorgan.errors import UpstreamError, UpstreamTimeout
from qorgan.guard import Guard, GuardRequest, GuardResponse, UpstreamRequest, UpstreamResponse
from qorgan.payload import media_type
from qorgan.runtime import Resolver, Runtime, runtime_for_policy
from qorgan.settings import Settings


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
        body = await request.aread()
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
            content_type = response.headers.get("content-type", "")
            stream = response.stream
            if not isinstance(stream, httpx.AsyncByteStream):
                raise UpstreamError("the inner transport is not asynchronous")
            chunks = _decoded(response)
            if media_type(content_type) == "text/event-stream":
                return UpstreamResponse(response.status_code, out_headers, chunks=chunks)
            data = b"".join([c async for c in chunks])
            return UpstreamResponse(response.status_code, out_headers, body=data)

        if index < 0:
            from qorgan.errors import UnknownRoute
            from qorgan.guard import error_response

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
        response = portal.call(self.handle_async_request, areq)
        stream = response.stream
        if isinstance(stream, _GuardStream):
            return httpx.Response(response.status_code, headers=response.headers,
                                  stream=_SyncBridge(stream.chunks, portal),
                                  request=request)
        body = portal.call(response.aread)
        return httpx.Response(response.status_code, headers=response.headers, content=body,
                              request=request)

    def close(self) -> None:
        portal = self._portal
        if portal is not None:
            portal.call(self.aclose)
            self._portal_cm.__exit__(None, None, None)
            self._portal = None


async def _decoded(response: httpx.Response) -> AsyncIterator[bytes]:
    # the guard asks for identity encoding; a server that compresses anyway is decoded by
    # aiter_bytes, so the scanner always sees text
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except httpx.TimeoutException:
        raise UpstreamTimeout("upstream stream stalled") from None
    except httpx.HTTPError as exc:
        raise UpstreamError("upstream stream failed") from exc
    finally:
        await response.aclose()


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
    def __init__(self, chunks: AsyncIterator[bytes], portal: BlockingPortal) -> None:
        self.chunks = chunks
        self.portal = portal

    def __iter__(self) -> Iterator[bytes]:
        while True:
            try:
                chunk = self.portal.call(anext, self.chunks)
            except StopAsyncIteration:
                return
            yield chunk

    def close(self) -> None:
        close = getattr(self.chunks, "aclose", None)
        if close is not None:
            self.portal.call(close)


def _to_httpx(result: GuardResponse, request: httpx.Request) -> httpx.Response:
    headers = [(k, v) for k, v in result.headers if k.lower() != "content-length"]
    if result.chunks is not None:
        return httpx.Response(result.status, headers=headers, stream=_GuardStream(result.chunks),
                              request=request)
    return httpx.Response(result.status, headers=headers, content=result.body or b"",
                          request=request)


__all__ = ["GuardTransport"]
