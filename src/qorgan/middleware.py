"""``GuardMiddleware``, the Guard as pure ASGI middleware (``qorgan.edges.middleware``)."""

from __future__ import annotations

from qorgan.edges.middleware import GuardMiddleware

__all__ = ["GuardMiddleware"]
