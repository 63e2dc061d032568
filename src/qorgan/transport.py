"""``GuardTransport``, the Guard as an httpx transport (``qorgan.edges.transport``)."""

from __future__ import annotations

from qorgan.edges.transport import GuardTransport

__all__ = ["GuardTransport"]
