"""Models of qorgan's native scan API and of what the policy playground reads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qorgan.api.presidio_models import MAX_TEXTS
from qorgan.types import Action, ConsentStatus, Direction


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DecideSpec(_Strict):
    """The situation to decide the findings in, as a guarded request would carry it."""

    policy: str = Field(default="current", max_length=100,
                        description="'current' (the policy being served) or builtin:NAME")
    purpose: str | None = Field(default=None, max_length=128)
    roles: list[str] = Field(default_factory=list, max_length=64)
    tenant: str = Field(default="default", min_length=1, max_length=128)
    model: str | None = Field(default=None, max_length=200,
                              description="the model name; picks the destination")
    destination: str | None = Field(default=None, max_length=128,
                                    description="a destination id of the policy (instead of "
                                                "model)")
    route: str = Field(default="chat/completions", max_length=200)
    subject: str | None = Field(default=None, max_length=256,
                                description="the data subject, for the consent lookup; "
                                            "never stored or returned")
    direction: Direction = Direction.REQUEST


class ScanRequest(_Strict):
    text: str | list[str] = Field(description="a text, or a list of texts")
    language: str | None = Field(default=None, description="en, ru or kk: only that "
                                 "language's NER; omitted: each text's own languages")
    entities: list[str] | None = Field(default=None, max_length=200,
                                       description="omitted: the policy's detection entities")
    decide: DecideSpec | None = Field(default=None, description="decide each finding under "
                                      "this situation")
    rewrite: bool = Field(default=False, description="with decide: also return the text the "
                          "model would receive")

    @field_validator("text")
    @classmethod
    def _batch(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, list) and len(value) > MAX_TEXTS:
            raise ValueError(f"at most {MAX_TEXTS} texts")
        return value

    def texts(self) -> list[str]:
        return self.text if isinstance(self.text, list) else [self.text]


class MonitoredOut(BaseModel):
    rule_id: str
    action: Action
    consent: ConsentStatus


class FindingDecisionOut(BaseModel):
    action: Action
    rule_id: str
    category: str | None
    cite: str | None
    consent: ConsentStatus
    reason: str
    monitored: list[MonitoredOut] = Field(default_factory=list,
                                          description="monitor-mode rules that matched")


class ScanFinding(BaseModel):
    entity_type: str
    start: int = Field(description="offset in code points of the original text")
    end: int
    score: float
    recognizer: str
    decision: FindingDecisionOut | None = None


class DecisionOut(BaseModel):
    policy: str
    policy_version: str
    mode: Literal["enforce", "monitor"]
    outcome: Literal["allow", "transform", "block"]
    blocked: bool
    enforced: bool = Field(description="false in monitor mode: nothing would change")
    denied_reason: str | None
    purpose: str | None
    destination: str
    region: str
    cross_border: bool
    rules: list[str]
    block_rules: list[str]
    monitor_rules: list[str]
    consent_registry: bool = Field(description="whether a consent registry was asked")


class ScanResponse(BaseModel):
    findings: list[ScanFinding] | list[list[ScanFinding]]
    decision: DecisionOut | None = None
    text: str | list[str] | None = Field(
        default=None, description="with rewrite: what the model would receive (null when "
                                  "the request would be blocked)")


class PolicyChoice(BaseModel):
    id: str = Field(description="'current' or builtin:NAME")
    name: str
    version: str
    mode: str
    purposes: list[str]
    roles: list[str]
    destinations: list[str]
    models: list[str]
    has_tests: bool


class PolicyTestsRequest(_Strict):
    policy: str = Field(default="current", max_length=100)


class CaseOut(BaseModel):
    name: str
    passed: bool
    diff: list[str]


class PolicyTestsResponse(BaseModel):
    policy: str
    passed: int
    failed: int
    cases: list[CaseOut]
