"""Who is calling: the authenticator contract, resolver callables and chains of them.

An authenticator reads request headers (a case-insensitive mapping with lower-case keys)
and answers with a :class:`~qorgan.types.Principal`, ``None`` when the request presented no
credentials it understands, or raises :class:`~qorgan.errors.AuthError` when it presented
credentials that are not valid. Messages never contain the credential.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Protocol, runtime_checkable

from qorgan.errors import AuthError, QorganError
from qorgan.types import Principal

Resolver = Callable[[Mapping[str, str]], Principal | Awaitable[Principal | None] | None]


@runtime_checkable
class Authenticator(Protocol):
    async def authenticate(self, headers: Mapping[str, str]) -> Principal | None:
        """``None``: no credentials presented; :class:`AuthError`: presented but invalid."""
        ...


def bearer_token(value: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value, or ``None`` for other schemes."""
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = token.strip()
    if not token:
        raise AuthError("empty bearer token")
    return token


def looks_like_jwt(token: str) -> bool:
    """Three dot-separated parts: the shape of a JWS compact serialization."""
    parts = token.split(".")
    return len(parts) == 3 and all(parts[:2])


class ResolverAuthenticator:
    """Adapts an application's own callable (sync or async) into an authenticator.

    A synchronous resolver runs on the event loop: it must not block. A resolver that
    fails with anything but a qorgan error is treated as a failed authentication, so a
    broken resolver never lets a request through.
    """

    def __init__(self, resolver: Resolver) -> None:
        if not callable(resolver):
            raise ValueError("resolver must be callable")
        self._resolver = resolver

    async def authenticate(self, headers: Mapping[str, str]) -> Principal | None:
        try:
            result = self._resolver(headers)
            if inspect.isawaitable(result):
                result = await result
        except QorganError:
            raise
        except Exception as exc:
            raise AuthError("identity resolver failed") from exc
        if result is not None and not isinstance(result, Principal):
            raise AuthError("identity resolver returned something other than a Principal")
        return result


class ChainAuthenticator:
    """Asks each authenticator in turn: the first principal wins; the first error stops."""

    def __init__(self, authenticators: Sequence[Authenticator]) -> None:
        self._chain = tuple(authenticators)
        if not self._chain:
            raise ValueError("a chain needs at least one authenticator")

    async def authenticate(self, headers: Mapping[str, str]) -> Principal | None:
        for auth in self._chain:
            principal = await auth.authenticate(headers)
            if principal is not None:
                return principal
        return None
