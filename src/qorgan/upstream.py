"""Reading an upstream's streamed body through httpx, its failures mapped to qorgan's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from qorgan.errors import UpstreamError, UpstreamTimeout


async def upstream_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The decoded body of ``response``, chunk by chunk; closes it however iteration ends.

    The guard asks for identity encoding, and a server that compresses anyway is decoded by
    ``aiter_bytes``, so the scanner always sees text.
    """
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except httpx.TimeoutException:
        raise UpstreamTimeout("upstream stream stalled") from None
    except httpx.HTTPError as exc:
        raise UpstreamError("upstream stream failed") from exc
    finally:
        await response.aclose()
