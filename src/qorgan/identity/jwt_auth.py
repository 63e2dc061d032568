"""JWT bearer tokens, verified offline.

Keys come from a JWKS file on disk or a shared secret: the guard never fetches keys over
the network at run time. Symmetric and asymmetric algorithms cannot be mixed in one
configuration (the classic algorithm-confusion attack), and ``none`` is never accepted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from qorgan.errors import AuthError, ConfigError
from qorgan.identity.base import bearer_token, looks_like_jwt
from qorgan.types import Principal

_HMAC = {"HS256": 32, "HS384": 48, "HS512": 64}  # minimum secret bytes = digest size
_ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
#: Refused before parsing: a token this long is not one we issued.
MAX_TOKEN_LENGTH = 16_384


def secret_from_env(name: str) -> bytes:
    """The HMAC secret held in environment variable ``name`` (a policy's ``secret_env``)."""
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"environment variable {name} (JWT secret) is not set")
    return value.encode()


@dataclass(frozen=True, kw_only=True)
class JwtConfig:
    """Mirrors a policy's ``auth.jwt`` section (the guard resolves ``secret_env``).

    Claim names may be dotted paths into nested objects (``realm_access.roles``).
    """

    issuer: str
    audience: str | tuple[str, ...]
    algorithms: tuple[str, ...] = ("RS256",)
    jwks_file: str | None = None
    secret: bytes | None = None
    roles_claim: str = "roles"
    tenant_claim: str | None = None
    subject_claim: str | None = None
    purpose_claim: str | None = None
    leeway: int = 30
    header: str = "authorization"

    def __post_init__(self) -> None:
        if not self.issuer:
            raise ValueError("jwt.issuer must not be empty")
        audience = self.audience if isinstance(self.audience, str) else tuple(self.audience)
        if not audience or (not isinstance(audience, str) and not all(audience)):
            raise ValueError("jwt.audience must not be empty")
        object.__setattr__(self, "audience", audience)
        algorithms = tuple(self.algorithms)
        object.__setattr__(self, "algorithms", algorithms)
        if not algorithms:
            raise ValueError("jwt.algorithms must not be empty")
        unknown = [a for a in algorithms if a not in _HMAC and a not in _ASYMMETRIC]
        if unknown:
            valid = ", ".join(sorted([*_HMAC, *_ASYMMETRIC]))
            raise ValueError(f"jwt.algorithms: {unknown[0]!r} is not accepted (valid: {valid})")
        symmetric = [a for a in algorithms if a in _HMAC]
        if symmetric and len(symmetric) != len(algorithms):
            raise ValueError("jwt.algorithms must not mix HMAC and public-key algorithms")
        if (self.jwks_file is None) == (self.secret is None):
            raise ValueError("jwt needs exactly one of jwks_file or secret")
        if symmetric:
            if self.secret is None:
                raise ValueError("HMAC algorithms need jwt.secret")
            need = max(_HMAC[a] for a in symmetric)
            if len(self.secret) < need:
                raise ValueError(f"jwt.secret must be at least {need} bytes for {symmetric}")
        elif self.jwks_file is None:
            raise ValueError("public-key algorithms need jwt.jwks_file")
        if self.leeway < 0:
            raise ValueError("jwt.leeway must not be negative")
        if not self.roles_claim or not self.header:
            raise ValueError("jwt.roles_claim and jwt.header must not be empty")
        object.__setattr__(self, "header", self.header.lower())

    def __repr__(self) -> str:
        secret = "<hidden>" if self.secret is not None else None
        return (
            f"JwtConfig(issuer={self.issuer!r}, audience={self.audience!r}, "
            f"algorithms={self.algorithms!r}, jwks_file={self.jwks_file!r}, secret={secret})"
        )


def _claim(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _roles(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list) and all(isinstance(r, str) for r in value):
        return frozenset(value)
    raise AuthError("token roles claim is malformed")


def _load_jwks(path: str, algorithms: tuple[str, ...]) -> list[tuple[str | None, str | None, Any]]:
    try:
        with open(path, encoding="utf-8") as fh:
            document = json.load(fh)
    except OSError as exc:
        raise ConfigError("cannot read the JWKS file") from exc
    except ValueError as exc:
        raise ConfigError("the JWKS file is not JSON") from exc
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError("the JWKS file has no 'keys' list")
    keys: list[tuple[str | None, str | None, Any]] = []
    for entry in entries:
        # Shared secrets never come from a JWKS: that would reopen algorithm confusion.
        if not isinstance(entry, dict) or entry.get("kty") == "oct":
            continue
        alg = entry.get("alg")
        if alg is not None and alg not in algorithms:
            continue  # a key for an algorithm the policy does not accept
        try:
            jwk = jwt.PyJWK(entry)
        except jwt.PyJWTError as exc:
            raise ConfigError("the JWKS file holds a key that cannot be used") from exc
        kid = entry.get("kid")
        keys.append((kid if isinstance(kid, str) else None, alg, jwk.key))
    if not keys:
        raise ConfigError("the JWKS file has no key for the configured algorithms")
    return keys


class JwtAuthenticator:
    """Verifies signature, ``exp``/``nbf``/``iss``/``aud`` and maps claims to a Principal."""

    def __init__(self, config: JwtConfig) -> None:
        self._config = config
        self._keys: list[tuple[str | None, str | None, Any]] = []
        if config.secret is not None:
            self._keys.append((None, None, config.secret))
        elif config.jwks_file is not None:
            self._keys.extend(_load_jwks(config.jwks_file, config.algorithms))

    def _token(self, headers: Mapping[str, str]) -> str | None:
        value = headers.get(self._config.header)
        if value is None:
            return None
        token = bearer_token(value) if self._config.header == "authorization" else None
        if token is None:
            if self._config.header == "authorization":
                return None  # another scheme (Basic, ...) is not ours
            token = value.strip()
            if token[:7].lower() == "bearer ":
                token = token[7:].strip()
        if not looks_like_jwt(token):
            if self._config.header == "authorization":
                return None  # an opaque bearer value: an API key, not a JWT
            raise AuthError("malformed token")
        if len(token) > MAX_TOKEN_LENGTH:
            raise AuthError("token too long")
        return token

    def _key_for(self, header: Mapping[str, Any]) -> Any:
        alg, kid = header.get("alg"), header.get("kid")
        if not isinstance(alg, str) or alg not in self._config.algorithms:
            raise AuthError("token algorithm not accepted")
        candidates = [k for k in self._keys if k[1] is None or k[1] == alg]
        if kid is not None:
            candidates = [k for k in candidates if k[0] == kid]
        elif len(candidates) > 1:
            raise AuthError("token has no key id and several keys could verify it")
        if not candidates:
            raise AuthError("token key id not known")
        return candidates[0][2]

    async def authenticate(self, headers: Mapping[str, str]) -> Principal | None:
        token = self._token(headers)
        if token is None:
            return None
        cfg = self._config
        try:
            key = self._key_for(jwt.get_unverified_header(token))
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=list(cfg.algorithms),
                audience=cfg.audience,
                issuer=cfg.issuer,
                leeway=cfg.leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise AuthError("token is not valid yet") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError("token audience not accepted") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError("token issuer not accepted") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError("token lacks a required claim") from exc
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise AuthError("invalid token") from exc
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise AuthError("token subject is malformed")
        tenant = "default"
        if cfg.tenant_claim is not None:
            value = _claim(claims, cfg.tenant_claim)
            if not isinstance(value, str) or not value:
                raise AuthError("token lacks the tenant claim")
            tenant = value
        attributes: dict[str, Any] = {"auth": "jwt", "issuer": cfg.issuer}
        for name, claim in (("subject", cfg.subject_claim), ("purpose", cfg.purpose_claim)):
            if claim is not None:
                value = _claim(claims, claim)
                if isinstance(value, str) and value:
                    attributes[name] = value
        return Principal(
            id=sub,
            roles=_roles(_claim(claims, cfg.roles_claim)),
            tenant=tenant,
            attributes=attributes,
            namespace=f"jwt:{cfg.issuer}",
        )
