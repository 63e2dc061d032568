"""Identity: who is calling, as a :class:`~qorgan.types.Principal`.

API keys (digests only, constant-time comparison), JWT bearer tokens verified offline,
an application's own resolver callable, and chains of these.
"""

from __future__ import annotations

from qorgan.identity.apikeys import ApiKeyAuthenticator, ApiKeyEntry, hash_api_key
from qorgan.identity.base import (
    Authenticator,
    ChainAuthenticator,
    Resolver,
    ResolverAuthenticator,
)
from qorgan.identity.jwt_auth import JwtAuthenticator, JwtConfig, secret_from_env
from qorgan.identity.policy import Caller, Identity, build_authenticator

__all__ = [
    "ApiKeyAuthenticator",
    "ApiKeyEntry",
    "Authenticator",
    "Caller",
    "ChainAuthenticator",
    "Identity",
    "JwtAuthenticator",
    "JwtConfig",
    "Resolver",
    "ResolverAuthenticator",
    "build_authenticator",
    "hash_api_key",
    "secret_from_env",
]
