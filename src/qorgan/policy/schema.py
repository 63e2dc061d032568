"""The policy file's schema: pydantic models, every one frozen and ``extra="forbid"``.

Shape checks live here (types, ranges, per-action operator parameters). Checks that need
the whole document (unknown category in a rule, duplicate ids) live in ``semantics.py`` so
the loader can point each one at its own line.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
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
from qorgan.policy.access import AuthSpec, ConsentSpec, ContextSpec, TrafficSpec
from qorgan.policy.spec import HEADER, LINK_HOST, REGION, Model, Risk, check_ident
from qorgan.types import Action, Direction


class CustomEntitySpec(Model):
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


class DetectionSpec(Model):
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


class DestinationSpec(Model):
    id: str
    model: str = "*"
    route: str | None = None
    region: str
    risk: Risk = "medium"
    provider: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_ident(value, "destination id")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not REGION.fullmatch(value):
            raise ValueError("region must be a two-letter upper-case ISO 3166 code, e.g. KZ")
        return value


class PurposeSpec(Model):
    id: str
    description: str | None = None
    #: roles allowed to use the purpose; empty = anyone
    roles: tuple[str, ...] = ()
    denied: bool = False
    cite: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_ident(value, "purpose id")


class _MaskParams(Model):
    keep: int = Field(default=4, ge=0)
    char: str = Field(default="*", min_length=1, max_length=1)


class _HashParams(Model):
    length: int = Field(default=16, ge=8, le=64)


class _RedactParams(Model):
    #: replacement text; ``{entity}`` is replaced by the entity type
    placeholder: str = "<{entity}>"


class _NoParams(Model):
    pass


#: operator parameters accepted per action; unknown parameters are errors
ACTION_PARAMS: dict[Action, type[Model]] = {
    Action.ALLOW: _NoParams,
    Action.REDACT: _RedactParams,
    Action.MASK: _MaskParams,
    Action.HASH: _HashParams,
    Action.PSEUDONYMIZE: _NoParams,
    Action.SYNTHESIZE: _NoParams,
    Action.ENCRYPT: _NoParams,
    Action.BLOCK: _NoParams,
}


class RuleSpec(Model):
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
        return check_ident(value, "rule id")

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


class ResponseSpec(Model):
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
            if not LINK_HOST.fullmatch(host):
                raise ValueError("a link host is a host name, or *. and a domain")
        return tuple(host.lower() for host in value)
    #: also put ``label_notice`` into JSON answers as an ``ai_notice`` field (off: strict
    #: clients may reject a field their schema does not know; the header is always sent)
    label_field: bool = False

    @field_validator("label_header")
    @classmethod
    def _header(cls, value: str) -> str:
        if not HEADER.fullmatch(value):
            raise ValueError("a header name is letters, digits and '-'")
        return value


class Policy(Model):
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
        if not REGION.fullmatch(value):
            raise ValueError("home_region must be a two-letter upper-case ISO 3166 code")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_ident(value, "policy name")

    def purpose(self, purpose_id: str) -> PurposeSpec | None:
        for spec in self.purposes:
            if spec.id == purpose_id:
                return spec
        return None
