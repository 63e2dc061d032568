"""Detection for the HTTP API: off the event loop, behind the runtime's limiter and timeout.

The native scan without a language uses the runtime's own detectors (one per detection
configuration, shared with guarded traffic). A Presidio request names its language, and
Presidio runs only that language's NLP engine: here that is a detector whose NER is the
language's backends alone, with every text routed to it. Such detectors are built once per
(language, entity set) and kept in a small LRU; the models under them are loaded once per
process, so a second detector costs its pattern recognizers only.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from qorgan.detection.base import NER_ENTITIES
from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.engine import Detector
from qorgan.detection.registry import DEFAULT_RECOGNIZERS, PATTERN_ENTITIES
from qorgan.errors import PayloadError
from qorgan.pipeline import Runtime

T = TypeVar("T")

#: NER backend names per language (``qorgan.detection.default.ner_backends``)
NER_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "en": ("spacy-en",),
    "ru": ("slovnet-ru", "kk-lexicon"),
    "kk": ("kk-lexicon",),
}


async def run_detection(runtime: Runtime, work: Callable[[], T]) -> T:
    """``work`` in one of the runtime's detection slots, under its timeout
    (``DetectionService.run``): a failure or timeout is a DetectionError."""
    return await runtime.detection.run(work)


def check_language(config: DetectionConfig, language: str) -> None:
    if language not in config.languages:
        raise PayloadError(
            f"language is not supported; supported: {', '.join(config.languages)}",
            code="unsupported_language", field="language",
        )


def supported_entities(config: DetectionConfig, language: str | None) -> list[str]:
    """Every entity qorgan can report for ``language`` (all configured languages: None)."""
    languages = config.languages if language is None else (language,)
    found = set(PATTERN_ENTITIES) | {c.entity for c in config.custom}
    if any(NER_BY_LANGUAGE.get(lang) for lang in languages):
        found |= NER_ENTITIES
    return sorted(found)


@functools.lru_cache(maxsize=1)
def pattern_recognizers() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Pattern recognizer name -> (entity, context words), from the registry."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    config = DetectionConfig()
    for entity, factories in DEFAULT_RECOGNIZERS.items():
        for factory, _trigger in factories:
            recognizer = factory(config)
            out[type(recognizer).__name__] = (entity, tuple(recognizer.context or ()))
    return out


def recognizer_names(config: DetectionConfig, language: str | None) -> list[str]:
    languages = config.languages if language is None else (language,)
    names = set(pattern_recognizers())
    if config.custom:
        names.add("CustomPatternRecognizer")
    for lang in languages:
        names.update(NER_BY_LANGUAGE.get(lang, ()))
    return sorted(names)


class DetectorPool:
    """Detectors for one language and entity set each, built once, least recently used
    dropped past ``size``."""

    def __init__(self, size: int = 16,
                 factory: Callable[..., Detector] = build_detector) -> None:
        self._size = size
        self._factory = factory
        self._detectors: OrderedDict[tuple[str, str], Detector] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, base: DetectionConfig, language: str | None,
            entities: Sequence[str]) -> Detector:
        """A detector reporting ``entities`` at any score (the caller filters by its
        threshold), with ``base``'s allow list and custom patterns; NER for ``language``
        alone, or (None) for the languages each text is written in."""
        config = replace(base, threshold=0.0, entities=tuple(sorted(set(entities))))
        if language is not None:
            config = replace(config, languages=(language,))
        key = (language or "", config.fingerprint)
        with self._lock:
            detector = self._detectors.get(key)
            if detector is not None:
                self._detectors.move_to_end(key)
                return detector
        if language is None:
            detector = self._factory(config)
        else:
            only = frozenset({language})
            detector = self._factory(config, language_router=lambda _text: only)
        with self._lock:
            self._detectors[key] = detector
            while len(self._detectors) > self._size:
                self._detectors.popitem(last=False)
        return detector
