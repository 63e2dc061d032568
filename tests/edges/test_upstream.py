"""The proxy's pooled upstream client never carries one caller's cookies to another."""

from __future__ import annotations

import httpx
import pytest

from qorgan.edges.upstream import upstream_client
from qorgan.settings import Settings

pytestmark = pytest.mark.anyio


async def test_upstream_cookies_are_never_stored_or_replayed() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return httpx.Response(200, headers={"set-cookie": "session=caller-a; Path=/"},
                              json={"ok": True})

    settings = Settings(upstream="http://127.0.0.1:9/v1")
    async with upstream_client(settings, transport=httpx.MockTransport(handler)) as client:
        first = await client.post("http://127.0.0.1:9/v1/chat/completions", json={})
        assert first.headers["set-cookie"].startswith("session=")  # still reaches its caller
        await client.post("http://127.0.0.1:9/v1/chat/completions", json={})
        assert len(client.cookies) == 0
    assert seen == [None, None]


def test_client_does_not_read_proxy_settings_from_the_environment() -> None:
    client = upstream_client(Settings(upstream="http://127.0.0.1:9/v1"))
    assert client.trust_env is False
    assert client.follow_redirects is False
