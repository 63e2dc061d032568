"""Names joined to a person found beside them (``latin_people.coordinated``), through the
deployed detector: the person beside them is the model's or another layer's."""

from __future__ import annotations

from functools import lru_cache

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector


@lru_cache(maxsize=1)
def _detector() -> Detector:
    from qorgan.detection.default import build_detector

    return build_detector(DetectionConfig(), cache_size=0)


def _people(text: str) -> list[str]:
    return [text[f.start : f.end] for f in _detector().analyze(text)
            if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Aigerim Serikova and Summer are co-hosting the quiz.", "Summer"),
        ("Hope and Finn split the driving.", "Hope"),
        # a list after a comma: items of their own, a word too or not
        ("Table 1: Oksana, Marat, Priya\nTable 2: Tobias, Adaeze, Xiao Ming", "Tobias"),
        ("Invited: Aisling, Ciarán, Padraig and Grace.", "Grace"),
    ],
)
def test_names_joined_to_a_person(text: str, person: str) -> None:
    assert person in _people(text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("I met John Smith, Will you come too?", "Will"),  # the sentence goes on
        ("Thanks, John Smith", "Thanks"),  # no given name
        ("Nice ? Merci, Julien Moreau, 06 12 34 56 78", "Merci"),  # no list opens there
    ],
)
def test_words_beside_a_person_that_are_no_list_item(text: str, word: str) -> None:
    assert word not in _people(text)
