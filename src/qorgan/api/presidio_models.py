"""Request and response models of Presidio's analyzer and anonymizer REST contract.

Field names, types and defaults are Presidio's. Like Presidio, unknown top-level fields
(``correlation_id``, ``trace``) are accepted and ignored; the parts qorgan builds from
(ad-hoc patterns, analyzer results, operators) are checked strictly.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Presidio's default flags for ad-hoc patterns and regex allow lists
DEFAULT_REGEX_FLAGS = re.DOTALL | re.MULTILINE | re.IGNORECASE
MAX_TEXTS = 1000


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AdHocPattern(_Strict):
    name: str = Field(min_length=1, max_length=200)
    regex: str = Field(min_length=1, max_length=2000)
    score: float = Field(ge=0.0, le=1.0)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            regex.compile(value)
        except regex.error:
            raise ValueError("regex does not compile") from None
        return value


class AdHocRecognizer(_Loose):
    """presidio-analyzer's ``PatternRecognizer.from_dict`` input."""

    name: str | None = Field(default=None, max_length=200)
    supported_language: str = "en"
    supported_entity: str = Field(min_length=1, max_length=100)
    patterns: list[AdHocPattern] = Field(default_factory=list, max_length=50)
    deny_list: list[str] = Field(default_factory=list, max_length=1000)
    deny_list_score: float = Field(default=1.0, ge=0.0, le=1.0)
    context: list[str] = Field(default_factory=list, max_length=100)
    global_regex_flags: int | None = None

    @model_validator(mode="after")
    def _something_to_find(self) -> AdHocRecognizer:
        if not self.patterns and not self.deny_list:
            raise ValueError("an ad-hoc recognizer needs patterns or a deny_list")
        return self


class AnalyzeRequest(_Loose):
    """presidio-analyzer's ``POST /analyze`` body. ``text`` may be a list (a batch)."""

    text: str | list[str] | None = None
    language: str | None = None
    entities: list[str] | None = Field(default=None, max_length=200)
    correlation_id: str | None = None
    score_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    return_decision_process: bool | int | None = None
    ad_hoc_recognizers: list[AdHocRecognizer] | None = Field(default=None, max_length=20)
    context: list[str] | None = Field(default=None, max_length=100)
    allow_list: list[str] | None = Field(default=None, max_length=1000)
    allow_list_match: Literal["exact", "regex"] = "exact"
    regex_flags: int = DEFAULT_REGEX_FLAGS

    @field_validator("text")
    @classmethod
    def _batch(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list) and len(value) > MAX_TEXTS:
            raise ValueError(f"at most {MAX_TEXTS} texts")
        return value


class AnalysisExplanation(BaseModel):
    recognizer: str
    pattern_name: str | None = None
    pattern: str | None = None
    original_score: float
    score: float
    textual_explanation: str | None = None
    score_context_improvement: float = 0.0
    supportive_context_word: str = ""
    validation_result: bool | None = None
    regex_flags: int | None = None


class AnalyzerResult(BaseModel):
    """One finding, as presidio-analyzer's ``RecognizerResult`` serializes it."""

    entity_type: str
    start: int
    end: int
    score: float
    analysis_explanation: AnalysisExplanation | None = None


class ResultIn(_Loose):
    """An analyzer result given to the anonymizer (extra keys such as
    ``analysis_explanation`` are ignored, as Presidio does)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    entity_type: str = Field(min_length=1, max_length=100)
    score: float

    @model_validator(mode="after")
    def _ordered(self) -> ResultIn:
        if self.start > self.end:
            raise ValueError("start must not be after end")
        return self


class OperatorSpec(BaseModel):
    """``{"type": "mask", "masking_char": "*", "chars_to_mask": 4, "from_end": true}``: the
    operator and its parameters (replace: new_value; mask: masking_char, chars_to_mask,
    from_end; hash: hash_type, salt; encrypt and decrypt: key)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: str = Field(min_length=1, max_length=50)

    def params(self) -> dict[str, Any]:
        return {"type": self.type, **(self.model_extra or {})}


class AnonymizeRequest(_Loose):
    text: str = ""
    analyzer_results: list[ResultIn] = Field(max_length=100_000)
    anonymizers: dict[str, OperatorSpec] | None = Field(default=None, max_length=500)


class OperatorResultIn(_Loose):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    entity_type: str = Field(min_length=1, max_length=100)
    text: str | None = None
    operator: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> OperatorResultIn:
        if self.start > self.end:
            raise ValueError("start must not be after end")
        return self


class DeanonymizeRequest(_Loose):
    text: str = ""
    anonymizer_results: list[OperatorResultIn] = Field(default_factory=list,
                                                       max_length=100_000)
    deanonymizers: dict[str, OperatorSpec] | None = Field(default=None, max_length=500)


class OperatorItem(BaseModel):
    start: int
    end: int
    entity_type: str
    text: str
    operator: str


class EngineResult(BaseModel):
    """The anonymizer's answer: the new text, and where each replacement sits in it."""

    text: str
    items: list[OperatorItem]
