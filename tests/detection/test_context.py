from __future__ import annotations

import pytest

from qorgan.detection.context import CONTEXT_FLOOR, ContextMatcher, boosted

TERMS = ("телефон", "iin", "тел.", "жеке куәлік", "ао")


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("номер телефона: 87011234567", True),  # Russian inflection: prefix match
        ("IIN: 87011234567", True),
        ("Тел. 87011234567", True),
        ("жеке куәлік нөмірі 87011234567", True),  # a phrase
        ("АО 87011234567", True),  # short terms match whole words only
        ("аорта 87011234567", False),
        (
            "телефон one two three four five six seven 87011234567",  # too far before
            False,
        ),
        ("87011234567 (телефон)", True),  # right after the value
        ("nothing relevant 87011234567", False),
    ],
)
def test_context_window(text: str, present: bool) -> None:
    start = text.index("8701")
    assert ContextMatcher(TERMS).present(text, start, start + 11) is present


@pytest.mark.parametrize(("score", "expected"), [(0.05, CONTEXT_FLOOR), (0.4, 0.75), (0.9, 1.0)])
def test_boost(score: float, expected: float) -> None:
    assert boosted(score) == pytest.approx(expected)


def test_empty_matcher_is_false() -> None:
    assert not ContextMatcher(())
