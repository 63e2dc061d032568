"""The way to the upstream: the one pooled httpx client, forwarding a guarded request to the
configured base URL, and reading the upstream's body through httpx (or httpx2), its
failures mapped to qorgan's."""

from __future__ import annotations

import http.cookiejar
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any

import httpx

from qorgan.errors import UpstreamError, UpstreamTimeout
from qorgan.pipeline import UpstreamRequest, UpstreamResponse
from qorgan.settings import Settings


async def upstream_chunks(
    response: httpx.Response | Any, lib: ModuleType = httpx
) -> AsyncIterator[bytes]:
    """The decoded body of ``response``, chunk by chunk; closes it however iteration ends.

    ``lib`` is the client library the response comes from (``httpx`` or ``httpx2``, which
    share one interface). The guard asks for identity encoding, and a server that compresses
    anyway is decoded by ``aiter_bytes``, so the scanner always sees text.
    """
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except lib.TimeoutException:
        raise UpstreamTimeout("upstream stream stalled") from None
    except lib.HTTPError as exc:
        raise UpstreamError("upstream stream failed") from exc
    finally:
        await response.aclose()


class HttpxUpstream:
    """Forwards a guarded request to the configured upstream base URL."""

    def __init__(self, base_url: str, client: httpx.AsyncClient) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client

    async def __call__(self, request: UpstreamRequest) -> UpstreamResponse:
        url = f"{self.base_url}/{request.route}"
        if request.query:
            url = f"{url}?{request.query}"
        req = self.client.build_request(
            request.method, url, headers=request.headers,
            content=request.body if request.method not in {"GET", "HEAD"} else None,
        )
        try:
            response = await self.client.send(req, stream=True)
        except httpx.TimeoutException:
            raise UpstreamTimeout("upstream did not answer in time") from None
        except httpx.HTTPError as exc:
            raise UpstreamError("upstream is unreachable") from exc
        headers = list(response.headers.multi_items())
        # every body is handed over as chunks, streamed or not: the Guard reads a whole
        # body under its own size limit, never an unbounded read here
        return UpstreamResponse(response.status_code, headers, chunks=upstream_chunks(response))


def upstream_client(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The one pooled client that carries every caller's requests upstream."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.upstream_timeout, connect=settings.connect_timeout),
        # idle connections are dropped before a typical server's 5 s keep-alive ends, so a
        # request is not sent on a connection the upstream is closing
        limits=httpx.Limits(max_connections=512, max_keepalive_connections=64,
                            keepalive_expiry=4.0),
        follow_redirects=False,
        trust_env=False,  # the upstream is configuration, not the environment's proxy
        # one client serves every caller: a cookie one upstream answer sets must never ride
        # along on another caller's request
        cookies=http.cookiejar.CookieJar(
            http.cookiejar.DefaultCookiePolicy(allowed_domains=[])),
        transport=transport,
    )


__all__ = ["HttpxUpstream", "upstream_chunks", "upstream_client"]
