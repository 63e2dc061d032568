"""Who is calling, as the active policy's ``auth:`` section says: authenticators built from
it (one set per policy version), and the keyed hashes that stand for a caller in scopes and
telemetry.

    identity = Identity(id_key, resolver=None)
    caller = await identity.identify(engine.auth, engine.version, headers)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import jwt as pyjwt

from qorgan.errors import AuthError
from qorgan.identity.apikeys import ApiKeyAuthenticator, ApiKeyEntry
from qorgan.identity.base import (
    Authenticator,
    ChainAuthenticator,
    Resolver,
    ResolverAuthenticator,
    looks_like_jwt,
)
from qorgan.identity.jwt_auth import (
    MAX_TOKEN_LENGTH,
    JwtAuthenticator,
    JwtConfig,
    secret_from_env,
)
from qorgan.keys import keyed_hash
from qorgan.policy.access import AuthSpec
from qorgan.types import Principal


@dataclass(frozen=True, slots=True)
class Caller:
    """The identified caller, and the request headers that carry qorgan's own credentials
    (never forwarded upstream, on any route)."""

    principal: Principal
    credential_headers: frozenset[str] = frozenset()


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


#: what every conversation id this guard issues starts with
ISSUED_PREFIX = "qc1."


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
        if principal is None:
            if auth.required:
                raise AuthError("credentials are required")
            principal = Principal.anonymous()
        return Caller(principal, own_credentials(auth, headers))

    def principal_id(self, principal: Principal) -> str:
        """What records and spans carry for a caller: a keyed hash, never the id."""
        if not principal.authenticated:
            return "anonymous"
        return keyed_hash(self._key, _caller(principal), domain="principal")

    def conversation_key(self, principal: Principal, conversation: str) -> str:
        """A conversation's pseudonym scope: the caller's, so another caller naming the
        same conversation id never reaches this caller's values."""
        return keyed_hash(self._key, f"{_caller(principal)}\x00{conversation}",
                          domain="conversation")[:32]

    # -- conversations of callers nobody authenticated -------------------------------------

    def issue_conversation(self) -> str:
        """A new conversation id for an anonymous caller: random, and signed so that only
        ids this guard issued are ever accepted from anonymous callers."""
        nonce = base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode()
        return f"{ISSUED_PREFIX}{nonce}.{self._sign(nonce)}"

    def issued(self, conversation: str) -> bool:
        """Whether ``conversation`` is an id :meth:`issue_conversation` made."""
        if not conversation.startswith(ISSUED_PREFIX):
            return False
        nonce, dot, mac = conversation[len(ISSUED_PREFIX):].partition(".")
        return bool(dot and nonce) and hmac.compare_digest(mac, self._sign(nonce))

    def _sign(self, nonce: str) -> str:
        digest = hmac.new(self._key, b"qorgan-conversation\x00" + nonce.encode(),
                          hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def _caller(principal: Principal) -> str:
    return f"{principal.tenant}\x00{principal.namespace}\x00{principal.id}"


def own_credentials(auth: AuthSpec, headers: Mapping[str, str]) -> frozenset[str]:
    """The headers of this request that carry a credential of qorgan's own, whether or not
    it was the one that authenticated the caller: ``X-Qorgan-Key``, the JWT header, and
    ``Authorization`` when it holds a bearer token qorgan reads (a JWT where tokens are
    read from it, or any bearer where API keys are read from it and no ``X-Qorgan-Key``
    took their place). What is left may be the provider's key (passed through only when
    the policy says ``traffic.credentials: passthrough``)."""
    own: set[str] = set()
    if auth.api_keys and "x-qorgan-key" in headers:
        own.add("x-qorgan-key")
    jwt_header = auth.jwt.header.lower() if auth.jwt is not None else None
    if jwt_header is not None and jwt_header != "authorization" and jwt_header in headers:
        own.add(jwt_header)
    value = headers.get("authorization")
    if value is not None:
        scheme, _, token = value.strip().partition(" ")
        token = token.strip()
        bearer = scheme.lower() == "bearer" and bool(token)
        jwt_shaped = bearer and looks_like_jwt(token)
        as_jwt = jwt_shaped and (jwt_header == "authorization"
                                 or (auth.jwt is not None and _issued_by(token, auth.jwt.issuer)))
        as_key = bool(auth.api_keys) and bearer and "x-qorgan-key" not in headers
        if as_jwt or as_key:
            own.add("authorization")
    return frozenset(own)


def _issued_by(token: str, issuer: str) -> bool:
    """Whether a token names qorgan's configured issuer (read, not verified: a token of
    qorgan's issuer is qorgan's credential wherever it is sent)."""
    if len(token) > MAX_TOKEN_LENGTH:
        return False
    try:
        claims = pyjwt.decode(token, options={"verify_signature": False})
    except pyjwt.PyJWTError:
        return False
    return isinstance(claims, dict) and claims.get("iss") == issuer


__all__ = ["ISSUED_PREFIX", "Caller", "Identity", "build_authenticator", "own_credentials"]
