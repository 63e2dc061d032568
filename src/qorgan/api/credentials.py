"""How a caller of qorgan's HTTP API presents credentials, and the role check every
admin-only route makes. Declared for the OpenAPI document; the policy's authenticators (or
the consent API's own) do the checking."""

from __future__ import annotations

from fastapi.security import APIKeyHeader, HTTPBearer

from qorgan.errors import AuthError, ForbiddenError
from qorgan.types import Principal

API_KEY = APIKeyHeader(name="X-Qorgan-Key", auto_error=False,
                       description="an API key listed in the policy's auth.api_keys")
BEARER = HTTPBearer(auto_error=False, description="an API key or a JWT the policy accepts")


def require_role(principal: Principal | None, role: str, what: str) -> Principal:
    """``principal`` when it holds ``role``; 401 without one, 403 without the role."""
    if principal is None:
        raise AuthError("authentication required")
    if role not in principal.roles:
        raise ForbiddenError(f"the {what} needs the {role} role")
    return principal


__all__ = ["API_KEY", "BEARER", "require_role"]
