"""The policy's access and traffic sections: who may call (``auth``), where a request's
context comes from (``context``), whose data consent covers (``consent``) and what
reaches the upstream besides the body (``traffic``)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from qorgan.policy.spec import HEADER, Model


class ApiKeySpec(Model):
    id: str
    #: hex sha256 of the key: the key itself is never written in a policy
    sha256: str
    roles: tuple[str, ...] = ()
    tenant: str = "default"

    @field_validator("sha256")
    @classmethod
    def _digest(cls, value: str) -> str:
        value = value.lower()
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise ValueError("sha256 is the 64-character hex digest of the key")
        return value


_HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
_KEY_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class JwtSpec(Model):
    issuer: str = Field(min_length=1)
    audience: str | tuple[str, ...]
    algorithms: tuple[str, ...] = ("RS256",)
    jwks_file: str | None = None
    #: environment variable holding the HMAC secret (the secret never sits in a policy)
    secret_env: str | None = None
    roles_claim: str = Field(default="roles", min_length=1)
    tenant_claim: str | None = None
    subject_claim: str | None = None
    purpose_claim: str | None = None
    #: clock skew tolerated on exp/nbf, seconds
    leeway: int = Field(default=30, ge=0)
    header: str = "authorization"

    @model_validator(mode="after")
    def _one_key_source(self) -> JwtSpec:
        if not self.audience:
            raise ValueError("audience must not be empty")
        if (self.jwks_file is None) == (self.secret_env is None):
            raise ValueError("set exactly one of jwks_file or secret_env")
        if not self.algorithms:
            raise ValueError("algorithms must not be empty")
        if any(alg.lower() == "none" for alg in self.algorithms):
            raise ValueError("the 'none' algorithm accepts unsigned tokens and is not allowed")
        unknown = set(self.algorithms) - _HMAC_ALGORITHMS - _KEY_ALGORITHMS
        if unknown:
            valid = ", ".join(sorted(_HMAC_ALGORITHMS | _KEY_ALGORITHMS))
            raise ValueError(f"unknown algorithms {sorted(unknown)}; valid: {valid}")
        symmetric = set(self.algorithms) & _HMAC_ALGORITHMS
        if symmetric and symmetric != set(self.algorithms):
            raise ValueError("do not mix HMAC and public-key algorithms")
        if symmetric and self.secret_env is None:
            raise ValueError("HS* algorithms need secret_env")
        if not symmetric and self.secret_env is not None:
            raise ValueError("secret_env works with HS* algorithms only")
        return self


class AuthSpec(Model):
    required: bool = False
    api_keys: tuple[ApiKeySpec, ...] = ()
    jwt: JwtSpec | None = None

    @model_validator(mode="after")
    def _usable(self) -> AuthSpec:
        if self.required and not self.api_keys and self.jwt is None:
            raise ValueError("required is true but neither api_keys nor jwt is configured")
        return self


class ContextSpec(Model):
    subject_header: str = "X-Qorgan-Subject"
    purpose_header: str = "X-Qorgan-Purpose"
    conversation_header: str = "X-Qorgan-Conversation"
    #: what a request header may say at all; a verified identity's own claim always wins,
    #: and a header that contradicts it is refused
    from_headers: tuple[Literal["purpose", "subject", "conversation"], ...] = (
        "purpose", "subject", "conversation")

    @field_validator("subject_header", "purpose_header", "conversation_header")
    @classmethod
    def _header(cls, value: str) -> str:
        if not HEADER.fullmatch(value):
            raise ValueError("a header name is letters, digits and '-'")
        return value


#: headers no policy can forward: hop-by-hop, framing, credentials and qorgan's own
_NEVER_FORWARDED = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host", "content-length", "content-encoding",
    "accept-encoding", "content-type", "cookie", "forwarded", "authorization", "x-api-key",
    "api-key", "traceparent", "tracestate", "baggage",
})


class TrafficSpec(Model):
    unknown_routes: Literal["deny", "generic"] = "deny"
    credentials: Literal["passthrough", "configured"] = "passthrough"
    #: request headers forwarded besides the built-in ones (``accept``, the provider's
    #: documented headers), each with the regular expression its whole value must match
    forward_headers: dict[str, str] = Field(default_factory=dict)
    max_body_bytes: int = Field(default=1 << 20, gt=0)
    max_json_depth: int = Field(default=64, gt=0, le=1024)
    max_array_length: int = Field(default=10_000, gt=0)


    @field_validator("forward_headers")
    @classmethod
    def _forward_headers(cls, value: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, pattern in value.items():
            lower = name.lower()
            if not HEADER.fullmatch(name):
                raise ValueError("a header name is letters, digits and '-'")
            if lower in _NEVER_FORWARDED or lower.startswith(("x-qorgan-", "x-forwarded-")):
                raise ValueError(f"header {name} is never forwarded")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"the pattern for header {name} does not compile: {exc}")\
                    from exc
            out[lower] = pattern
        return out


class ConsentSpec(Model):
    #: whose data a subject's consent covers: ``subject`` — only values that are the
    #: subject's own identifiers (the id the request names, and those recorded with the
    #: consent); ``request`` — everything in the request
    attribution: Literal["subject", "request"] = "subject"


__all__ = ["ApiKeySpec", "AuthSpec", "ConsentSpec", "ContextSpec", "JwtSpec", "TrafficSpec"]
