from __future__ import annotations

import pytest

from qorgan.detection.recognizers.cues import cue_positions, ends_with_cue, person_field_before


@pytest.mark.parametrize(
    ("text", "kind", "next_word"),
    [
        ("Dear Lydia Aguilar,", "greeting", "Lydia"),
        ("Call Ivan Petrov", "command", "Ivan"),
        ("Mr. Petrov asked", "title", "Petrov"),
        ("Regards,\nMaria", "line", "Maria"),
        ("From: Peter <p@example.com>", "field", "Peter"),
        ("my name is dmitry", "intro", "dmitry"),
        ("PLEASE FORWARD THIS TO AIGERIM", "command", "AIGERIM"),
        ("Позвоните Ивану", "command", "Ивану"),
        ("Г-н Петров", "title", "Петров"),
        ("Құрметті Айгерім", "greeting", "Айгерім"),
        # a name's XML element and its JSON parts
        ("<contact><firstName>Kemal</firstName>", "field", "Kemal"),
        ('{"given": "Zhiwei", "family": "Huang"}', "field", "Zhiwei"),
        ('{"given": "Zhiwei", "family": "Huang"}', "field", "Huang"),
        # a field of two words with an underscore or a hyphen between them
        ('{"first_name": "Bao", "last_name": "Tran"}', "field", "Bao"),
        ("first_name=Bao last_name=Tran", "field", "Tran"),
        ("full-name: Ayesha Siddiqui", "field", "Ayesha"),
    ],
)
def test_cues(text: str, kind: str, next_word: str) -> None:
    positions = cue_positions(text)
    at = text.index(next_word)
    assert positions.get(at) == kind


@pytest.mark.parametrize("text", ["You wrote: Summarize", "recall the facts", "emailing it"])
def test_no_cue(text: str) -> None:
    assert cue_positions(text) == {}


@pytest.mark.parametrize(
    ("context", "expected"),
    [("Please call ", True), ("Dear ", True), ("Please recall ", False), ("The end. ", False)],
)
def test_ends_with_cue(context: str, expected: bool) -> None:
    assert ends_with_cue(context) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Name: ", True),
        ("Patient: ", True),
        ('{"first_name": "', True),
        ("ФИО: ", True),
        ("Customer: ", False),  # a company can be the customer
        ("Rename: ", False),
        ("Name of the company: ", False),
    ],
)
def test_person_field_before(text: str, expected: bool) -> None:
    assert person_field_before(text + "Okonkwo", len(text)) is expected
