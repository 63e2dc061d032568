"""API keys: the policy holds only their sha256 digests; the comparison is constant-time.

Keys arrive in ``X-Qorgan-Key: <key>`` or ``Authorization: Bearer <key>``. A bearer value
shaped like a JWT is left to the JWT authenticator, so both can share the header; API keys
therefore never contain ``.``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qorgan.errors import AuthError
from qorgan.identity.base import bearer_token, looks_like_jwt
from qorgan.types import Principal

_SHA256_RE = re.compile(r"[0-9a-f]{64}")
#: Longer values are refused before hashing: no legitimate key is this long.
MAX_KEY_LENGTH = 512


def hash_api_key(key: str) -> str:
    """Hex sha256 of an API key: what a policy's ``auth.api_keys[].sha256`` holds."""
    if not key:
        raise ValueError("an API key must not be empty")
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class ApiKeyEntry:
    id: str
    sha256: str
    roles: frozenset[str]
    tenant: str = "default"

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("api key id must not be empty")
        digest = self.sha256.lower() if isinstance(self.sha256, str) else ""
        if not _SHA256_RE.fullmatch(digest):
            raise ValueError(f"api key {self.id!r}: sha256 must be 64 hex digits")
        if isinstance(self.roles, str):
            raise ValueError(f"api key {self.id!r}: roles must be a collection, not a string")
        if not self.tenant:
            raise ValueError(f"api key {self.id!r}: tenant must not be empty")
        object.__setattr__(self, "sha256", digest)
        # A policy hands over a list; keep the declared frozenset type true.
        object.__setattr__(self, "roles", frozenset(self.roles))


class ApiKeyAuthenticator:
    """Authenticates by API key against the configured digests."""

    def __init__(
        self,
        entries: Sequence[ApiKeyEntry],
        *,
        headers: Sequence[str] = ("x-qorgan-key", "authorization"),
    ) -> None:
        ids = [e.id for e in entries]
        if len(set(ids)) != len(ids):
            raise ValueError("api key ids must be unique")
        digests = [e.sha256 for e in entries]
        if len(set(digests)) != len(digests):
            raise ValueError("two api key entries have the same key")
        if not headers:
            raise ValueError("at least one header must be configured")
        self._entries = tuple(entries)
        self._digests = tuple(bytes.fromhex(d) for d in digests)
        self._headers = tuple(h.lower() for h in headers)

    def _presented(self, headers: Mapping[str, str]) -> str | None:
        for name in self._headers:
            value = headers.get(name)
            if value is None:
                continue
            if name == "authorization":
                token = bearer_token(value)
                if token is None or looks_like_jwt(token):
                    continue
                return token
            value = value.strip()
            if not value:
                raise AuthError("empty API key")
            return value
        return None

    async def authenticate(self, headers: Mapping[str, str]) -> Principal | None:
        key = self._presented(headers)
        if key is None:
            return None
        if len(key) > MAX_KEY_LENGTH:
            raise AuthError("invalid API key")
        presented = hashlib.sha256(key.encode()).digest()
        match: ApiKeyEntry | None = None
        # Compare against every entry, never stopping early: the time taken must not tell
        # which entry (if any) matched.
        for entry, digest in zip(self._entries, self._digests, strict=True):
            if hmac.compare_digest(presented, digest):
                match = entry
        if match is None:
            raise AuthError("invalid API key")
        return Principal(
            id=match.id,
            roles=match.roles,
            tenant=match.tenant,
            attributes={"auth": "api_key"},
            namespace="api-key",
        )
