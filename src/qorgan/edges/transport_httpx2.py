"""``Httpx2GuardTransport``: ``qorgan.GuardTransport`` for clients built on ``httpx2``, such as
the Anthropic SDK 2.x, which accepts only an ``httpx2`` client:

    client = anthropic.AsyncAnthropic(http_client=httpx2.AsyncClient(
        transport=Httpx2GuardTransport(policy="policies/default.yaml")))

Importing this module needs ``httpx2`` installed; everything else is ``GuardTransport``'s.
"""

from __future__ import annotations

from types import ModuleType
from typing import ClassVar

import httpx2

from qorgan.edges.transport import BridgeStream, ChunkStream, TransportCore


class _GuardStream(ChunkStream, httpx2.AsyncByteStream):
    pass


class _SyncBridge(BridgeStream, httpx2.SyncByteStream):
    pass


class Httpx2GuardTransport(TransportCore, httpx2.AsyncBaseTransport, httpx2.BaseTransport):
    """The Guard as an ``httpx2`` transport (async and sync clients)."""

    lib: ClassVar[ModuleType] = httpx2
    chunk_stream: ClassVar[type[ChunkStream]] = _GuardStream
    bridge_stream: ClassVar[type[BridgeStream]] = _SyncBridge


__all__ = ["Httpx2GuardTransport"]
