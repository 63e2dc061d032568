"""Names joined to a person found beside them (``latin_lists.coordinated``), through the
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


@pytest.mark.parametrize(
    ("text", "person"),
    [
        # the model's organisation in a field only a person fills
        ("Name: Okonkwo Chidi\nDOB: 12/03/1988", "Okonkwo Chidi"),
        ("DISCHARGE SUMMARY\nName: Oyelaran, Adebola  MRN: 00488213", "Oyelaran"),
        # capitals in such a field: a word that is no English word after the first part,
        # a given name that is a word too before such a word
        ("NAME: OKONKWO CHIDI\nCITY: LAGOS", "OKONKWO CHIDI"),
        ("Patient: FAITH NNAMDI\nDOB: 03/11/1987", "FAITH NNAMDI"),
        # the surname first, in capitals
        ('"SHEVCHENKO OLENA","KYIV","o.shevchenko@example.ua"', "SHEVCHENKO OLENA"),
        # a lower-case given name inside a sentence, before a verb of saying
        ("hey can u remind me what chinedu said about the rent?", "chinedu"),
        # given names of the world list
        ("Account 00419 | Holder: Serkan Çelikbaş | Branch: Kayseri", "Serkan Çelikbaş"),
        # the model's organisation over a given name after a greeting
        ("Dear Faith,\nYour leave request has been approved.", "Faith"),
        ("Thanks so much, Joy! It was a joy working with you.", "Joy"),
        # lower case: spoken to before "pls", opening a clause after a comma
        ("fatima pls review PR #212 before lunch", "fatima"),
        ("ok so we drive, oksana will take the train", "oksana"),
        # a capitalised given name inside a sentence after "to", "by", "with"
        ("Spoke to Dawn this morning; she's happy with it.", "Dawn"),
        ("Picked by Woody for the Friday social.", "Woody"),
        # a given name that is a word too, before what only people do
        ("Grace reviewed the audit before lunch.", "Grace"),
        ("Heath walked the dog across the heath before work.", "Heath"),
    ],
)
def test_names_in_fields_capitals_and_speech(text: str, person: str) -> None:
    assert person in _people(text)


@pytest.mark.parametrize(
    "text",
    [
        "the doctor said it was fine",  # "said" is a given name too, and a title's word
        "NAME: PLEASE REMOVE",
        "Name: Globex LLC",
        "what the report said about margins",
        "Hi, I'm interested in listing #4",
        "Can you recommend recipes that use Thai basil and Greek yogurt?",
        "The report is due by May and goes to Summer camp staff.",
        "Table saw, drill set. Cash paid, will pick up.",
        "Rain started at noon and the match was called off.",
    ],
)
def test_no_person(text: str) -> None:
    assert _people(text) == []
