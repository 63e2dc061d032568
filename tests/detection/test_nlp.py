"""The English backend's handling of text it cannot read: Cyrillic words in its spans."""

from __future__ import annotations

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.engine import Detector
from qorgan.detection.nlp import _latin_pieces


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Aigerim Серікова", ["Aigerim"]),
        ("Серікова Aigerim", ["Aigerim"]),
        ("Astana Удостоверение", ["Astana"]),
        ("Aigerim, Серікова", ["Aigerim"]),
        ("Lydia Aguilar", ["Lydia Aguilar"]),
        ("Серікова", []),
    ],
)
def test_latin_pieces(text: str, pieces: list[str]) -> None:
    assert [text[s:e] for s, e in _latin_pieces(text, 0, len(text))] == pieces


@pytest.fixture(scope="module")
def detector() -> Detector:
    return build_detector(DetectionConfig())


def test_a_mixed_script_name_keeps_both_halves(detector: Detector) -> None:
    # the model reads "Aigerim Серікова" as one person: the Latin half stays the English
    # backend's, the Cyrillic half is the Kazakh lists'
    text = "Dear Aigerim Серікова, hi"
    found = {text[f.start : f.end] for f in detector.analyze(text) if f.entity_type == "PERSON"}
    assert found == {"Aigerim", "Серікова"}


def test_a_town_before_a_russian_word_is_the_town(detector: Detector) -> None:
    text = "Notes: wants a demo in Astana Удостоверение личности"
    found = [(f.entity_type, text[f.start : f.end]) for f in detector.analyze(text)]
    assert ("LOCATION", "Astana") in found
