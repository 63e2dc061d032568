"""The pattern-recognizer registry: every registered recognizer builds, reports only its
entity, and is skipped only by a trigger that cannot miss what it finds; a new recognizer
is one class and one entry in ``DEFAULT_RECOGNIZERS``."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import pytest
from presidio_analyzer import Pattern, PatternRecognizer

from qorgan.detection import registry
from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector
from qorgan.detection.registry import DEFAULT_RECOGNIZERS, build_rules

ENTRIES = [(entity, factory, trigger) for entity, entries in DEFAULT_RECOGNIZERS.items()
           for factory, trigger in entries]


@pytest.mark.parametrize(("entity", "factory", "trigger"), ENTRIES,
                         ids=[f"{e}-{getattr(f, '__name__', 'factory')}" for e, f, _ in ENTRIES])
def test_every_registered_recognizer_builds(entity: str, factory: Any,
                                            trigger: Any) -> None:
    recognizer = factory(DetectionConfig())
    assert entity in recognizer.supported_entities
    if isinstance(trigger, str):
        re.compile(trigger)
    else:  # a cheap pre-check object of its own
        assert trigger is None or callable(getattr(trigger, "search", None))


def test_every_default_entity_has_a_rule() -> None:
    config = DetectionConfig()
    ruled = {rule.entity for rule in build_rules(config)}
    assert {e for e in config.entities if e in DEFAULT_RECOGNIZERS} <= ruled


class TicketRecognizer(PatternRecognizer):
    """A recognizer the way a new one is written: patterns as data, a context, a check."""

    PATTERNS: ClassVar[list[Pattern]] = [Pattern("ticket", r"\bTCK-\d{6}\b", 0.9)]

    def __init__(self) -> None:
        super().__init__(supported_entity="TICKET_ID", patterns=self.PATTERNS,
                         context=["ticket"])

    def validate_result(self, pattern_text: str) -> bool:
        return pattern_text[-1] != "0"


def test_a_new_recognizer_is_one_registry_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(DEFAULT_RECOGNIZERS, "TICKET_ID",
                        ((lambda config: TicketRecognizer(), r"TCK-"),))
    monkeypatch.setattr(registry, "PATTERN_ENTITIES", frozenset(DEFAULT_RECOGNIZERS))
    import qorgan.detection.engine as engine

    monkeypatch.setattr(engine, "PATTERN_ENTITIES", registry.PATTERN_ENTITIES)
    detector = Detector(DetectionConfig(entities=("TICKET_ID",)), ner_backends=[],
                        cache_size=0)
    found = detector.analyze("see ticket TCK-123457, not TCK-123450")
    assert [(f.entity_type, f.start, f.end) for f in found] == [("TICKET_ID", 11, 21)]
