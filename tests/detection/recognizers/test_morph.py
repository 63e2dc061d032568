"""Russian word classes from the dictionary."""

from __future__ import annotations

import pytest

from qorgan.detection.recognizers.morph import is_common_noun, is_everyday, is_verb


@pytest.mark.parametrize("word", ["Буду", "Личное", "Код", "Кэш"])
def test_everyday_words(word: str) -> None:
    assert is_everyday(word)


@pytest.mark.parametrize("word", ["Роза", "Надежда", "Асель", "Айгерім", "Vera", "Ерлан"])
def test_names_and_unknown_words_are_not_everyday(word: str) -> None:
    assert not is_everyday(word)


def test_verbs_and_nouns() -> None:
    assert is_verb("Посоветуй")
    assert not is_verb("Роза")
    assert is_common_noun("лилия")
    assert not is_common_noun("Посоветуй")
