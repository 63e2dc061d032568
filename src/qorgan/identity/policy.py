"""Who is calling, as the active policy's ``auth:`` section says: authenticators built from
it (one set per policy version), and the keyed hashes that stand for a caller in scopes and
telemetry.

    identity = Identity(id_key, resolver=None)
    caller = await identity.identify(engine.auth, engine.version, headers)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from qorgan.errors import AuthError
from qorgan.identity.apikeys import ApiKeyAuthenticator, ApiKeyEntry
from qorgan.identity.base import (
    Authenticator,
    ChainAuthenticator,
    Resolver,
    ResolverAuthenticator,
)
from qorgan.identity.jwt_auth import JwtAuthenticator, JwtConfig, secret_from_env
from qorgan.keys import keyed_hash
from qorgan.policy.schema import AuthSpec
from qorgan.types import Principal


@dataclass(frozen=True, slots=True)
class Caller:
    """The identified caller, and whether the ``Authorization`` header carried qorgan's own
    credential (which is then never forwarded upstream)."""

    principal: Principal
    consumed_authorization: bool = False


def build_authenticator(auth: AuthSpec, resolver: Resolver | None = None) -> Authenticator | None:
    """The authenticators a policy's ``auth`` section configures, after the application's
    own ``resolver``; ``None`` when nothing authenticates (every caller is anonymous)."""
    chain: list[Authenticator] = []
    if resolver is not None:
        chain.append(ResolverAuthenticator(resolver))
    if auth.api_keys:
        chain.append(ApiKeyAuthenticator([
            ApiKeyEntry(id=k.id, sha256=k.sha256, roles=frozenset(k.roles), tenant=k.tenant)
            for k in auth.api_keys
        ]))
    if auth.jwt is not None:
        jwt = auth.jwt
        secret = secret_from_env(jwt.secret_env) if jwt.secret_env else None
        chain.append(JwtAuthenticator(JwtConfig(
            issuer=jwt.issuer, audience=jwt.audience, algorithms=tuple(jwt.algorithms),
            jwks_file=jwt.jwks_file, secret=secret, roles_claim=jwt.roles_claim,
            tenant_claim=jwt.tenant_claim, subject_claim=jwt.subject_claim,
            purpose_claim=jwt.purpose_claim, leeway=jwt.leeway, header=jwt.header,
        )))
    if not chain:
        return None
    return chain[0] if len(chain) == 1 else ChainAuthenticator(chain)


class Identity:
    """Authenticates callers under the policy in force and names them by keyed hash."""

    def __init__(self, id_key: bytes, *, resolver: Resolver | None = None) -> None:
        if not id_key:
            raise ValueError("the identity key must not be empty")
        self._key = id_key
        self.resolver = resolver
        self._authenticators: dict[str, Authenticator | None] = {}

    def authenticator(self, auth: AuthSpec, version: str) -> Authenticator | None:
        """The authenticator of one policy version (built once; a reload builds anew)."""
        if version not in self._authenticators:
            self._authenticators[version] = build_authenticator(auth, self.resolver)
        return self._authenticators[version]

    async def identify(
        self, auth: AuthSpec, version: str, headers: Mapping[str, str]
    ) -> Caller:
        authenticator = self.authenticator(auth, version)
        principal = None
        if authenticator is not None:
            principal = await authenticator.authenticate(headers)
        authenticated = principal is not None
        if principal is None:
            if auth.required:
                raise AuthError("credentials are required")
            principal = Principal.anonymous()
        # Authorization carried qorgan's own credential only when a key or token configured
        # in the policy authenticated the caller; a resolver's caller, or an anonymous one,
        # may be sending the provider's key there, which passes through
        own_scheme = bool(auth.api_keys) or (
            auth.jwt is not None and auth.jwt.header.lower() == "authorization")
        consumed = (authenticated and own_scheme and "x-qorgan-key" not in headers
                    and "authorization" in headers)
        return Caller(principal, consumed)

    def principal_id(self, principal: Principal) -> str:
        """What records and spans carry for a caller: a keyed hash, never the id."""
        if principal.id == "anonymous":
            return "anonymous"
        return keyed_hash(self._key, f"{principal.tenant}\x00{principal.id}",
                          domain="principal")

    def conversation_key(self, principal: Principal, conversation: str) -> str:
        """A conversation's pseudonym scope: the caller's, so another caller naming the
        same conversation id never reaches this caller's values."""
        return keyed_hash(self._key, f"{principal.tenant}\x00{principal.id}\x00"
                          f"{conversation}", domain="conversation")[:32]


__all__ = ["Caller", "Identity", "build_authenticator"]
