"""Closing async iterators that may or may not be generators.

A response body is an async iterator of chunks; when it is a generator, closing it runs its
``finally`` blocks now (releasing the upstream connection) rather than whenever it is
garbage-collected. Plain iterables have nothing to close.
"""

from __future__ import annotations

from typing import Any


async def aclose(iterator: Any) -> None:
    """``await iterator.aclose()`` when it has one."""
    close = getattr(iterator, "aclose", None)
    if close is not None:
        await close()


__all__ = ["aclose"]
