"""Who may call qorgan's HTTP API.

The policy's ``auth`` section decides, as it does for guarded routes: with
``auth.required`` every route needs a principal its authenticators accept. The admin-only
parts (consents, the playground) need the ``admin`` role whenever authentication is
configured at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request

from qorgan.api.credentials import API_KEY, BEARER, require_role
from qorgan.errors import AuthError
from qorgan.identity import Authenticator
from qorgan.pipeline import Runtime
from qorgan.types import Principal

ADMIN_ROLE = "admin"


def _authenticator(runtime: Runtime) -> Authenticator | None:
    engine = runtime.policy()
    return runtime.identity.authenticator(engine.auth, engine.version)


async def authenticate(runtime: Runtime, headers: Mapping[str, str]) -> Principal | None:
    authenticator = _authenticator(runtime)
    if authenticator is None:
        return None
    return await authenticator.authenticate(headers)


def caller(runtime: Runtime) -> Any:
    """A dependency: the principal, required when the policy says ``auth.required``."""

    async def principal(
        request: Request,
        _key: Annotated[Any, Depends(API_KEY)],
        _bearer: Annotated[Any, Depends(BEARER)],
    ) -> Principal:
        found = await authenticate(runtime, request.headers)
        if found is None:
            if runtime.policy().auth.required:
                raise AuthError("authentication required")
            return Principal.anonymous()
        return found

    return Depends(principal)


def admin_when_auth(runtime: Runtime, what: str) -> Any:
    """A dependency: with authentication configured, the admin role; without, anyone."""

    async def principal(
        request: Request,
        _key: Annotated[Any, Depends(API_KEY)],
        _bearer: Annotated[Any, Depends(BEARER)],
    ) -> Principal:
        if _authenticator(runtime) is None:
            return Principal.anonymous()
        return require_role(await authenticate(runtime, request.headers), ADMIN_ROLE, what)

    return Depends(principal)
