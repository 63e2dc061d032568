"""Card numbers: Luhn-checked, grouped by spaces, dashes or dots, or not grouped."""

from __future__ import annotations

import functools

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector


@functools.cache
def detector() -> Detector:
    return Detector(DetectionConfig(), ner_backends=[])


def cards(text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector().analyze(text)
            if f.entity_type == "CREDIT_CARD"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("card 4111.1111.1111.1111", "4111.1111.1111.1111"),
        ("card 4111 1111 1111 1111", "4111 1111 1111 1111"),
        ("card 4111-1111-1111-1111.", "4111-1111-1111-1111"),
        ("card 4111111111111111", "4111111111111111"),
        ("Mastercard 5555 5555 5555 4444", "5555 5555 5555 4444"),
        ("Mir 2200 1234 5678 9019", "2200 1234 5678 9019"),
        ("карта 2200.1234.5678.9019", "2200.1234.5678.9019"),
        ("Amex 3782 822463 10005", "3782 822463 10005"),
        ("Amex 378282246310005", "378282246310005"),
        ("Diners 3056 930902 5904", "3056 930902 5904"),
        ("Discover 6011 1111 1111 1117", "6011 1111 1111 1117"),
        ("UnionPay 6212 3456 7890 1232", "6212 3456 7890 1232"),
        ("19 digits 6212 3456 7890 1234 569", "6212 3456 7890 1234 569"),
        ("19 digits 6212345678901234569", "6212345678901234569"),
    ],
)
def test_card_found(text: str, value: str) -> None:
    assert cards(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "card 4111.1111.1111.1112",  # Luhn fails
        "card 4111 1111 1111 1112",
        "mixed 4111.1111 1111-1111",  # separators must agree
        "version 4111.1111.1111.1111.2",  # part of a longer dotted run
        "order 1111 1111 1111 1117",  # no card starts with 1
        "ip 10.20.30.40",
        "date 2024.03.14 1111",
        "IIN 901123300258",
        "IBAN KZ86125KZT5004100100",
    ],
)
def test_not_a_card(text: str) -> None:
    assert cards(text) == []
