"""A given name and a surname written as one handle or login."""

from __future__ import annotations

import pytest

from qorgan.detection.recognizers.handles import HandleRecognizer


def _names(text: str) -> list[str]:
    return [text[h.start : h.end] for h in HandleRecognizer().scan(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("login: aigerim.serikova", ["aigerim.serikova"]),
        ("see github.com/dana-omarova/repo", ["dana-omarova"]),
        ("ping @john_smith on slack", ["john_smith"]),
        ("user AigerimSerikova logged in", ["AigerimSerikova"]),
        ("smith.john", ["smith.john"]),
    ],
)
def test_handles(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "max_length = 5",
        "grace_period",
        "use ruby-rails",
        "pip install django-allauth flask-login celery-beat",
        "model: bert-base-uncased, roberta-large",
        "SELECT first_name, last_name FROM users",
        "JavaScript and TypeScript",
        "import numpy.linalg",
        "file: report_final.pdf",
    ],
)
def test_no_handles(text: str) -> None:
    assert _names(text) == []


def test_an_address_keeps_its_name() -> None:
    # the local part of an e-mail address is the address's
    assert _names("write to aigerim.serikova@mail.kz") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("PASSENGER: KOWALSKI/ANNA MS  SEAT 14C", ["KOWALSKI/ANNA"]),
        ("PAX TOKTAROV/ARMAN MR  CONNECTING ASTANA", ["TOKTAROV/ARMAN"]),
        ("BOARDING PASS NAME: NAZAROVA/MALIKA FLIGHT HY 602", ["NAZAROVA/MALIKA"]),
        ("MANIFEST LINE 08: WANG/FANG MRS  DOCS: PASSPORT", ["WANG/FANG"]),
        ("SEMENKO/IRYNA MARIA MS", ["SEMENKO/IRYNA MARIA"]),
    ],
)
def test_a_passengers_surname_and_given_name(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text", ["TCP/IP and UDP/TCP ports", "INPUT/OUTPUT ERROR", "AND/OR MORE", "I/O BOUND"]
)
def test_capitals_with_a_slash_and_no_title_or_label_are_no_name(text: str) -> None:
    assert _names(text) == []
