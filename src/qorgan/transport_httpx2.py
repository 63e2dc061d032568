"""``Httpx2GuardTransport``, the Guard as an httpx2 transport for SDKs built on httpx2, such
as the Anthropic SDK 2.x (``qorgan.edges.transport_httpx2``; needs ``httpx2`` installed)."""

from __future__ import annotations

from qorgan.edges.transport_httpx2 import Httpx2GuardTransport

__all__ = ["Httpx2GuardTransport"]
