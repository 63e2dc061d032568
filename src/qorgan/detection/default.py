"""The detector as deployed: English, Russian and Kazakh NER routed per text.

``Detector()`` alone runs English NER only; everything that serves traffic (the guard, the
``scan`` command, the benchmarks) builds its detector here so the three languages are wired
one way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from qorgan.detection.base import NerBackend
from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector


def ner_backends(config: DetectionConfig) -> list[NerBackend]:
    """spaCy English, slovnet Russian, and Kazakh names/places/organisations — the last on
    Russian text too, where Kazakh names usually appear in Russian spelling."""
    from qorgan.detection.nlp import EnglishNerBackend
    from qorgan.detection.recognizers.kk import KazakhNameRecognizer
    from qorgan.detection.recognizers.ru import RussianNer

    backends: list[NerBackend] = []
    if "en" in config.languages:
        backends.append(EnglishNerBackend())
    if "ru" in config.languages:
        backends.append(RussianNer())
    kazakh = frozenset(config.languages) & {"kk", "ru"}
    if kazakh:
        backends.append(KazakhNameRecognizer(languages=kazakh))
    return backends


def build_detector(
    config: DetectionConfig | None = None,
    *,
    language_router: Callable[[str], frozenset[str]] | None = None,
    cache_size: int = 4096,
    ner: bool = True,
) -> Detector:
    """A detector for ``config`` with every NER backend its languages need; texts are routed
    by :func:`~qorgan.detection.language.detect_languages` unless a router is given. With
    ``ner=False`` only the pattern recognizers run (identifiers, addresses, secrets)."""
    from qorgan.detection.decode import DecodingDetector
    from qorgan.detection.language import detect_languages

    config = config or DetectionConfig()
    # values hidden as percent-encoding or base64 (a markdown image URL carrying an e-mail
    # in its query) are decoded and scanned too
    return DecodingDetector(
        config,
        ner_backends=ner_backends(config) if ner else [],
        language_router=language_router or detect_languages,
        cache_size=cache_size,
    )
