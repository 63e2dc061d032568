"""Personal-data detection: Presidio recognizers, Kazakh identifiers, secrets, NER.

Names are imported on first use: importing a light submodule (``detection.config``) must not
load Presidio and spaCy, which every ``qorgan`` command would otherwise pay for at start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qorgan.detection.base import NerBackend
    from qorgan.detection.config import DEFAULT_ENTITIES, CustomPattern, DetectionConfig
    from qorgan.detection.default import build_detector, ner_backends
    from qorgan.detection.engine import Detector

_WHERE = {
    "DEFAULT_ENTITIES": "qorgan.detection.config",
    "CustomPattern": "qorgan.detection.config",
    "DetectionConfig": "qorgan.detection.config",
    "Detector": "qorgan.detection.engine",
    "NerBackend": "qorgan.detection.base",
    "build_detector": "qorgan.detection.default",
    "ner_backends": "qorgan.detection.default",
}

__all__ = [
    "DEFAULT_ENTITIES",
    "CustomPattern",
    "DetectionConfig",
    "Detector",
    "NerBackend",
    "build_detector",
    "ner_backends",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'qorgan.detection' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
