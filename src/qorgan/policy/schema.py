"""The policy file's schema: pydantic models, every one frozen and ``extra="forbid"``.

Shape checks live here (types, ranges, per-action operator parameters). Checks that need
the whole document (unknown category in a rule, duplicate ids) live in ``semantics.py`` so
the loader can point each one at its own line.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from qorgan.detection.config import (
    DEFAULT_ENTITIES,
    DEFAULT_PHONE_REGIONS,
    CustomPattern,
    DetectionConfig,
)
from qorgan.types import Action, Direction

Risk = Literal["minimal", "medium", "high"]

_REGION = re.compile(r"[A-Z]{2}")
_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
_HEADER = re.compile(r"[A-Za-z0-9-]+")
_LINK_HOST = re.compile(r"(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_ident(value: str, what: str) -> str:
    if not _IDENT.fullmatch(value):
        raise ValueError(f"{what} must be letters, digits, '_', '.', ':' or '-'")
    return value


class CustomEntitySpec(_Model):
    entity: str
    regex: str
    score: float = 0.8
    context: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _valid_pattern(self) -> CustomEntitySpec:
        self.to_pattern()  # raises ValueError with a readable reason
        return self

    def to_pattern(self) -> CustomPattern:
        return CustomPattern(
            entity=self.entity, regex=self.regex, score=self.score, context=self.context
        )


class DetectionSpec(_Model):
    languages: tuple[str, ...] = ("en", "ru", "kk")
    threshold: float = 0.5
    entities: tuple[str, ...] = DEFAULT_ENTITIES
    allow: tuple[str, ...] = ()
    custom: tuple[CustomEntitySpec, ...] = ()
    phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS

    @model_validator(mode="after")
    def _valid_config(self) -> DetectionSpec:
        self.to_config()
        return self

    def to_config(self) -> DetectionConfig:
        return DetectionConfig(
            languages=self.languages,
            threshold=self.threshold,
            entities=self.entities,
            allow=self.allow,
            custom=tuple(c.to_pattern() for c in self.custom),
            phone_regions=self.phone_regions,
        )

    @property
    def known_entities(self) -> frozenset[str]:
        return frozenset(self.entities) | {c.entity for c in self.custom}


class DestinationSpec(_Model):
    id: str
    model: str = "*"
    route: str | None = None
    region: str
    risk: Risk = "medium"
    provider: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _check_ident(value, "destination id")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION.fullmatch(value):
            raise ValueError("region must be a two-letter upper-case ISO 3166 code, e.g. KZ")
        return value


class PurposeSpec(_Model):
    id: str
    description: str | None = None
    #: roles allowed to use the purpose; empty = anyone
    roles: tuple[str, ...] = ()
    denied: bool = False
    cite: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _check_ident(value, "purpose id")


class ApiKeySpec(_Model):
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


class JwtSpec(_Model):
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


class AuthSpec(_Model):
    required: bool = False
    api_keys: tuple[ApiKeySpec, ...] = ()
    jwt: JwtSpec | None = None

    @model_validator(mode="after")
    def _usable(self) -> AuthSpec:
        if self.required and not self.api_keys and self.jwt is None:
            raise ValueError("required is true but neither api_keys nor jwt is configured")
        return self


class ContextSpec(_Model):
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
        if not _HEADER.fullmatch(value):
            raise ValueError("a header name is letters, digits and '-'")
        return value


#: headers no policy can forward: hop-by-hop, framing, credentials and qorgan's own
_NEVER_FORWARDED = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host", "content-length", "content-encoding",
    "accept-encoding", "content-type", "cookie", "forwarded", "authorization", "x-api-key",
    "api-key", "traceparent", "tracestate", "baggage",
})


class TrafficSpec(_Model):
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
            if not _HEADER.fullmatch(name):
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


class ConsentSpec(_Model):
    #: whose data a subject's consent covers: ``subject`` — only values that are the
    #: subject's own identifiers (the id the request names, and those recorded with the
    #: consent); ``request`` — everything in the request
    attribution: Literal["subject", "request"] = "subject"


class _MaskParams(_Model):
    keep: int = Field(default=4, ge=0)
    char: str = Field(default="*", min_length=1, max_length=1)


class _HashParams(_Model):
    length: int = Field(default=16, ge=8, le=64)


class _RedactParams(_Model):
    #: replacement text; ``{entity}`` is replaced by the entity type
    placeholder: str = "<{entity}>"


class _NoParams(_Model):
    pass


#: operator parameters accepted per action; unknown parameters are errors
ACTION_PARAMS: dict[Action, type[_Model]] = {
    Action.ALLOW: _NoParams,
    Action.REDACT: _RedactParams,
    Action.MASK: _MaskParams,
    Action.HASH: _HashParams,
    Action.PSEUDONYMIZE: _NoParams,
    Action.SYNTHESIZE: _NoParams,
    Action.ENCRYPT: _NoParams,
    Action.BLOCK: _NoParams,
}


class RuleSpec(_Model):
    id: str
    description: str | None = None
    categories: tuple[str, ...] | None = None
    entities: tuple[str, ...] | None = None
    roles: tuple[str, ...] | None = None
    purposes: tuple[str, ...] | None = None
    destinations: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    risk: tuple[Risk, ...] | None = None
    directions: tuple[Direction, ...] | None = None
    when: str | None = None
    action: Action
    params: dict[str, Any] = Field(default_factory=dict)
    require_consent: bool = False
    consent_fallback: Action = Action.BLOCK
    cite: str | None = None
    #: ``monitor``: the rule is decided and audited but changes nothing; the finding goes on
    #: to the rules below it, as if this rule were not there (a shadow rule)
    mode: Literal["enforce", "monitor"] = "enforce"

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _check_ident(value, "rule id")

    @field_validator("consent_fallback")
    @classmethod
    def _fallback(cls, value: Action) -> Action:
        if value is Action.ALLOW:
            raise ValueError("consent_fallback must not be allow: it would ignore missing consent")
        return value

    @field_validator("params")
    @classmethod
    def _params(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        action = info.data.get("action")
        if not isinstance(action, Action):
            return value  # the action itself is invalid and reported
        model = ACTION_PARAMS[action]
        unknown = set(value) - set(model.model_fields)
        if unknown:
            valid = ", ".join(sorted(model.model_fields)) or "none"
            raise ValueError(
                f"unknown params {sorted(unknown)} for action {action.value}; valid: {valid}"
            )
        try:
            model.model_validate(value)
        except ValidationError as exc:
            err = exc.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(p) for p in err["loc"])
            raise ValueError(f"{where}: {err['msg']}") from exc
        return value

    def operator_params(self, action: Action) -> dict[str, Any]:
        """The rule's params with defaults filled in, for ``action`` (may be the fallback)."""
        if action is not self.action:
            return ACTION_PARAMS[action]().model_dump()
        return ACTION_PARAMS[action].model_validate(self.params).model_dump()


class ResponseSpec(_Model):
    restore: bool = True
    #: roles allowed to see restored values; empty = the caller always
    restore_roles: tuple[str, ...] = ()
    scan: bool = True
    label: bool = True
    label_header: str = "X-AI-Generated"
    label_value: str = "true"
    label_notice: str | None = None
    #: hosts into whose URLs values are restored (``crm.example.kz``, ``*.example.kz``); a
    #: token in any other link (a URL, a markdown link or image target, an HTML attribute)
    #: is not restored
    restore_link_hosts: tuple[str, ...] = ()
    #: what such a token becomes: itself (``keep``) or the redaction ``<ENTITY>``
    link_placeholders: Literal["keep", "redact"] = "keep"

    @field_validator("restore_link_hosts")
    @classmethod
    def _hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for host in value:
            if not _LINK_HOST.fullmatch(host):
                raise ValueError("a link host is a host name, or *. and a domain")
        return tuple(host.lower() for host in value)
    #: also put ``label_notice`` into JSON answers as an ``ai_notice`` field (off: strict
    #: clients may reject a field their schema does not know; the header is always sent)
    label_field: bool = False

    @field_validator("label_header")
    @classmethod
    def _header(cls, value: str) -> str:
        if not _HEADER.fullmatch(value):
            raise ValueError("a header name is letters, digits and '-'")
        return value


class Policy(_Model):
    version: Literal[1]
    name: str
    description: str | None = None
    mode: Literal["enforce", "monitor"] = "enforce"
    on_error: Literal["block", "allow"] = "block"
    home_region: str = "KZ"
    detection: DetectionSpec = DetectionSpec()
    categories: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    destinations: tuple[DestinationSpec, ...] = ()
    purposes: tuple[PurposeSpec, ...] = ()
    default_purpose: str | None = None
    auth: AuthSpec = AuthSpec()
    context: ContextSpec = ContextSpec()
    consent: ConsentSpec = ConsentSpec()
    traffic: TrafficSpec = TrafficSpec()
    rules: tuple[RuleSpec, ...] = Field(min_length=1)
    response: ResponseSpec = ResponseSpec()

    @field_validator("purposes", mode="before")
    @classmethod
    def _purpose_names(cls, value: Any) -> Any:
        # A bare name is shorthand for {id: name}: keeps simple policies readable.
        if isinstance(value, list | tuple):
            return [{"id": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("home_region")
    @classmethod
    def _home(cls, value: str) -> str:
        if not _REGION.fullmatch(value):
            raise ValueError("home_region must be a two-letter upper-case ISO 3166 code")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_ident(value, "policy name")

    def purpose(self, purpose_id: str) -> PurposeSpec | None:
        for spec in self.purposes:
            if spec.id == purpose_id:
                return spec
        return None
