"""Presidio's analyzer and anonymizer REST contract, served by qorgan under ``/presidio``.

A Presidio client's analyzer and anonymizer base URL is ``http://HOST:PORT/presidio``.
Requests and answers have Presidio's shapes; the findings are qorgan's (its recognizers,
its English, Russian and Kazakh NER), for the language the request names. Errors are in
qorgan's envelope (docs/presidio.md lists how they and the findings differ).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import regex
from fastapi import APIRouter, Query, Request
from presidio_analyzer import Pattern, PatternRecognizer
from pydantic import BaseModel, ValidationError
from starlette.responses import JSONResponse, PlainTextResponse, Response

from qorgan.api import anonymizer as ops
from qorgan.api.access import caller
from qorgan.api.body import error_responses, json_body, read_body, validation_error
from qorgan.api.detect import (
    DetectorPool,
    check_language,
    pattern_recognizers,
    recognizer_names,
    run_detection,
    supported_entities,
)
from qorgan.api.presidio_models import (
    AdHocRecognizer,
    AnalysisExplanation,
    AnalyzeRequest,
    AnalyzerResult,
    AnonymizeRequest,
    DeanonymizeRequest,
    EngineResult,
)
from qorgan.detection.context import ContextMatcher, boosted
from qorgan.detection.engine import Detector
from qorgan.errors import PayloadError
from qorgan.pipeline import Runtime
from qorgan.types import Finding

HEALTH = "qorgan Presidio-compatible analyzer and anonymizer are up"
#: seconds an allow-list pattern (the caller's regex) may run on one finding
ALLOW_LIST_TIMEOUT = 0.5


@dataclass(frozen=True, slots=True)
class _Found:
    entity_type: str
    start: int
    end: int
    score: float
    explanation: dict[str, Any]

    def to_dict(self, explain: bool) -> dict[str, Any]:
        return {"analysis_explanation": self.explanation if explain else None,
                "end": self.end, "entity_type": self.entity_type, "score": self.score,
                "start": self.start}


def _words(terms: Sequence[str]) -> list[str]:
    return [w for term in terms for w in regex.findall(r"\w+", term.casefold())]


def _context_word(request_words: Sequence[str], recognizer_context: Sequence[str]) -> str:
    """The first word the request's ``context`` shares with a recognizer's context."""
    wanted = set(_words(recognizer_context))
    return next((w for w in request_words if w in wanted), "")


class _Analysis:
    """One ``/analyze`` call's work, run in a worker thread."""

    def __init__(self, req: AnalyzeRequest, language: str,
                 detector: Callable[[], Detector] | None, threshold: float,
                 entities: frozenset[str] | None) -> None:
        self.req = req
        self.language = language
        self.detector = detector
        self.threshold = threshold
        self.entities = entities
        self.context = _words(req.context or [])
        self.ad_hoc = [r for r in req.ad_hoc_recognizers or []
                       if r.supported_language == language]

    def run(self, texts: list[str]) -> list[list[dict[str, Any]]]:
        # the detector is fetched here, in the worker thread: a first build loads recognizers
        found = (self.detector().analyze_batch(texts) if self.detector is not None
                 else [[] for _ in texts])
        recognizers = [_pattern_recognizer(spec) for spec in self.ad_hoc]
        explain = bool(self.req.return_decision_process)
        out = []
        for text, findings in zip(texts, found, strict=True):
            results = [self._ours(f) for f in findings]
            for spec, recognizer in zip(self.ad_hoc, recognizers, strict=True):
                results.extend(self._ad_hoc(text, spec, recognizer))
            kept = [r for r in results if self._wanted(text, r)]
            kept.sort(key=lambda r: (r.start, r.end, r.entity_type))
            out.append([r.to_dict(explain) for r in kept])
        return out

    def _ours(self, finding: Finding) -> _Found:
        score = finding.score
        word = ""
        entry = pattern_recognizers().get(finding.recognizer)
        if self.context and entry is not None and score < 1.0:
            word = _context_word(self.context, entry[1])
            if word:
                score = boosted(score)
        recognizer = finding.recognizer or "qorgan"
        return _Found(finding.entity_type, finding.start, finding.end, score, _explanation(
            recognizer=recognizer, original=finding.score, score=score, word=word,
            text=f"Identified as {finding.entity_type} by {recognizer}"))

    def _ad_hoc(self, text: str, spec: AdHocRecognizer,
                recognizer: PatternRecognizer) -> list[_Found]:
        matcher = ContextMatcher(spec.context)
        results = []
        for result in recognizer.analyze(text, [spec.supported_entity], None,
                                         self.req.regex_flags):
            original = float(result.score)
            score = original
            word = _context_word(self.context, spec.context) if spec.context else ""
            if original < 1.0 and (word or (matcher and matcher.present(text, result.start,
                                                                      result.end))):
                score = boosted(original)
            given = result.analysis_explanation
            explanation = _explanation(
                recognizer=str(getattr(recognizer, "name", "")), original=original,
                score=score, word=word, pattern_name=getattr(given, "pattern_name", None),
                pattern=getattr(given, "pattern", None),
                text=getattr(given, "textual_explanation", None), flags=self.req.regex_flags)
            results.append(_Found(result.entity_type, result.start, result.end, score,
                                  explanation))
        return results

    def _wanted(self, text: str, found: _Found) -> bool:
        if found.score < self.threshold:
            return False
        if self.entities is not None and found.entity_type not in self.entities:
            return False
        allow = [a for a in self.req.allow_list or [] if a]
        if not allow:
            return True
        word = text[found.start:found.end]
        if self.req.allow_list_match == "exact":
            return word not in allow
        try:
            return regex.search("|".join(allow), word, flags=self.req.regex_flags,
                                timeout=ALLOW_LIST_TIMEOUT) is None
        except TimeoutError:
            return True  # a runaway allow-list pattern allows nothing: the finding stays


def _explanation(*, recognizer: str, original: float, score: float, word: str,
                 text: str | None, pattern_name: str | None = None,
                 pattern: str | None = None, flags: int | None = None) -> dict[str, Any]:
    return AnalysisExplanation(
        recognizer=recognizer, pattern_name=pattern_name, pattern=pattern,
        original_score=original, score=score, textual_explanation=text,
        score_context_improvement=score - original, supportive_context_word=word,
        regex_flags=flags,
    ).model_dump()


def _pattern_recognizer(spec: AdHocRecognizer) -> PatternRecognizer:
    options: dict[str, Any] = {
        "supported_entity": spec.supported_entity,
        "name": spec.name or f"{spec.supported_entity} ad-hoc recognizer",
        "supported_language": spec.supported_language,
        "patterns": [Pattern(p.name, p.regex, p.score) for p in spec.patterns] or None,
        "deny_list": spec.deny_list or None,
        # context is applied with qorgan's matcher (_Analysis._ad_hoc), not by the recognizer
        "context": None,
        "deny_list_score": spec.deny_list_score,
    }
    if spec.global_regex_flags is not None:
        options["global_regex_flags"] = spec.global_regex_flags
    return PatternRecognizer(**options)


def _parse(raw: bytes, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_error(exc, model) from None


def _require_object(raw: bytes) -> None:
    """Presidio answers an empty body or ``{}`` with 400 before anything else."""
    try:
        empty = not raw.strip() or json.loads(raw) == {}
    except ValueError:
        return  # the model reports it as invalid_json
    if empty:
        raise PayloadError("request body is empty", code="invalid_payload")


def presidio_router(runtime: Runtime, pool: DetectorPool) -> APIRouter:
    router = APIRouter(tags=["presidio"], dependencies=[caller(runtime)],
                       responses=error_responses(401))

    def limit() -> int:
        return runtime.policy().traffic.max_body_bytes

    @router.get("/health", response_class=PlainTextResponse, summary="Health probe",
                operation_id="presidioHealth")
    async def health() -> Response:
        return PlainTextResponse(HEALTH)

    @router.post("/analyze", summary="Find personal data (presidio-analyzer)",
                 operation_id="presidioAnalyze",
                 response_model=list[AnalyzerResult] | list[list[AnalyzerResult]],
                 openapi_extra=json_body(AnalyzeRequest),
                 responses=error_responses(400, 413, 415, 503))
    async def analyze(request: Request) -> Response:
        req: AnalyzeRequest = _parse(await read_body(request, limit()), AnalyzeRequest)
        if not req.text:
            raise PayloadError("no text provided", code="missing_field", field="text")
        if not req.language:
            raise PayloadError("no language provided", code="missing_field", field="language")
        engine = runtime.policy()
        base = engine.detection_config()
        check_language(base, req.language)
        known = set(supported_entities(base, req.language))
        wanted = frozenset(req.entities) if req.entities else None
        entities = sorted((wanted & known) if wanted is not None else
                          set(base.entities) | {c.entity for c in base.custom})
        language = req.language
        detector = (lambda: pool.get(base, language, entities)) if entities else None
        threshold = req.score_threshold if req.score_threshold is not None else base.threshold
        work = _Analysis(req, req.language, detector, threshold, wanted)
        texts = req.text if isinstance(req.text, list) else [req.text]
        results = await run_detection(runtime, lambda: work.run(texts))
        return JSONResponse(results if isinstance(req.text, list) else results[0])

    @router.get("/recognizers", response_model=list[str], summary="Recognizer names",
                operation_id="presidioRecognizers", responses=error_responses(400))
    async def recognizers(language: str | None = Query(None)) -> Response:
        base = runtime.policy().detection_config()
        if language is not None:
            check_language(base, language)
        return JSONResponse(recognizer_names(base, language))

    @router.get("/supportedentities", response_model=list[str],
                summary="Entity types the analyzer can report",
                operation_id="presidioSupportedEntities", responses=error_responses(400))
    async def entities(language: str | None = Query(None)) -> Response:
        base = runtime.policy().detection_config()
        if language is not None:
            check_language(base, language)
        return JSONResponse(supported_entities(base, language))

    @router.post("/anonymize", response_model=EngineResult,
                 summary="Replace given spans (presidio-anonymizer)",
                 operation_id="presidioAnonymize", openapi_extra=json_body(AnonymizeRequest),
                 responses=error_responses(400, 413, 415))
    async def anonymize(request: Request) -> Response:
        raw = await read_body(request, limit())
        _require_object(raw)
        req: AnonymizeRequest = _parse(raw, AnonymizeRequest)
        configs = ops.operator_configs(
            {k: v.params() for k, v in (req.anonymizers or {}).items()})
        spans = [ops.Span(r.start, r.end, r.entity_type, r.score) for r in req.analyzer_results]
        text, items = ops.anonymize(req.text, spans, configs)
        return JSONResponse({"text": text, "items": [i.to_dict() for i in items]})

    @router.post("/deanonymize", response_model=EngineResult,
                 summary="Reverse encrypted spans (presidio-anonymizer)",
                 operation_id="presidioDeanonymize",
                 openapi_extra=json_body(DeanonymizeRequest),
                 responses=error_responses(400, 413, 415))
    async def deanonymize(request: Request) -> Response:
        raw = await read_body(request, limit())
        _require_object(raw)
        req: DeanonymizeRequest = _parse(raw, DeanonymizeRequest)
        configs = ops.operator_configs(
            {k: v.params() for k, v in (req.deanonymizers or {}).items()}, deanonymize=True)
        spans = [ops.Span(r.start, r.end, r.entity_type) for r in req.anonymizer_results]
        text, items = ops.operate(req.text, spans, configs, deanonymize=True)
        return JSONResponse({"text": text, "items": [i.to_dict() for i in items]})

    @router.get("/anonymizers", response_model=list[str], summary="Anonymizer operators",
                operation_id="presidioAnonymizers")
    async def anonymizers() -> Response:
        return JSONResponse(list(ops.ANONYMIZERS))

    @router.get("/deanonymizers", response_model=list[str], summary="Deanonymizer operators",
                operation_id="presidioDeanonymizers")
    async def deanonymizers() -> Response:
        return JSONResponse(list(ops.DEANONYMIZERS))

    return router
