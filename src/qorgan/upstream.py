"""Reading an upstream's streamed body through httpx (or httpx2), its failures mapped to
qorgan's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any

import httpx

from qorgan.errors import UpstreamError, UpstreamTimeout


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
