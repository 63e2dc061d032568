"""What the edges of a model's person span keep, word by word."""

from __future__ import annotations

import pytest

from qorgan.detection.recognizers.gazetteer import gazetteer
from qorgan.detection.recognizers.latin_edges import (
    given_before_surname,
    surname_after_given,
)
from qorgan.detection.recognizers.latin_words import Word, word_facts
from qorgan.detection.recognizers.names import tokenize


def _words(text: str) -> list[Word]:
    return [Word(t, *word_facts(gazetteer(), t.text)) for t in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "kept"),
    [("Devon Price", True), ("Dana White", True), ("Jordan Street", False),
     ("John Monday", False), ("Summer Price", False), ("Devon price", False)],
)
def test_a_surname_that_is_a_word_after_a_given_name(text: str, kept: bool) -> None:
    assert surname_after_given(text, _words(text)) is kept


def test_a_label_after_the_name_is_no_surname() -> None:
    text = "Anna Summary: the plan"
    assert not surname_after_given(text, _words(text)[:2])


@pytest.mark.parametrize(
    ("text", "kept"), [("Tom Baker", True), ("Email Smith", False), ("Tom price", False)]
)
def test_a_given_name_before_a_surname(text: str, kept: bool) -> None:
    assert given_before_surname(text, _words(text), {}) is kept
