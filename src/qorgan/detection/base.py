"""The contract between the detector and a named-entity backend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from qorgan.types import Finding

#: Entity types that come from NER models rather than patterns.
NER_ENTITIES: frozenset[str] = frozenset({"PERSON", "LOCATION", "ORGANIZATION"})


@runtime_checkable
class NerBackend(Protocol):
    """A named-entity recognizer for some languages.

    ``analyze_batch`` returns, per text, findings with offsets into that text. The detector
    filters by the configured entities and threshold, so a backend may report everything it
    knows.
    """

    name: str
    languages: frozenset[str]
    entities: frozenset[str]

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]: ...
