"""The policy playground: one self-contained page at ``/qorgan/ui`` (``qorgan serve --ui``).

The page holds no data: what it shows comes from ``/qorgan/scan``, ``/qorgan/policies`` and
``/qorgan/policy-tests``, which need the admin role when authentication is configured (the
page asks for the key and keeps it in memory only). It loads nothing from elsewhere — no
CDN, no web fonts — and its Content-Security-Policy allows its own inline script (by hash)
and calls to this server only. Nothing pasted is kept: no storage, no cookies, no query
strings, and the server's answers are not cached.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from importlib import resources

from fastapi import APIRouter
from starlette.responses import HTMLResponse, Response

PAGE = "playground.html"
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@functools.lru_cache(maxsize=1)
def page() -> tuple[str, str]:
    """The page and its Content-Security-Policy."""
    html = resources.files("qorgan.api").joinpath("static", PAGE).read_text(encoding="utf-8")
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode()
        + "'" for m in _SCRIPT.finditer(html))
    csp = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           f"script-src {hashes}; connect-src 'self'; base-uri 'none'; form-action 'none'; "
           "frame-ancestors 'none'")
    return html, csp


def ui_router() -> APIRouter:
    router = APIRouter(tags=["playground"])

    @router.get("/ui", response_class=HTMLResponse, summary="The policy playground page",
                operation_id="playground")
    async def playground() -> Response:
        html, csp = page()
        return HTMLResponse(html, headers={
            "content-security-policy": csp, "cache-control": "no-store",
            "x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
        })

    return router
