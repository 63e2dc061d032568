"""People in a table's name column, and the cells that are not people."""

from __future__ import annotations

import functools

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector


@functools.cache
def detector() -> Detector:
    return Detector(DetectionConfig(), ner_backends=[])


def people(text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector().analyze(text) if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("First Name,Last Name,Email\nAigerim,Serikova,a@b.kz", ["Aigerim", "Serikova"]),
        ("client,ssn\nazamat bekov,313-30-2216", ["azamat bekov"]),
        ("ФИО;ИИН\nКенжебаев Бауыржан Нұрланұлы;850220456202", ["Кенжебаев Бауыржан Нұрланұлы"]),
        ("| Name | Phone |\n|---|---|\n| IVAN PETROV | 1 |", ["IVAN PETROV"]),
        ("id\tcustomer_name\n1\tDana Omarova", ["Dana Omarova"]),
    ],
)
def test_names_in_a_name_column(text: str, names: list[str]) -> None:
    assert people(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "name: Aigerim",  # no table: NER's to judge
        "name,order\n12345,67890",  # digits are no name
        "id,name\n1,Acme LLC",  # a company
        "name,email\nn/a,a@b.kz",
        "product,price\nWidget Pro,15",  # no name column
        "name,phone\n" + "A" * 70 + ",1",  # far too long for a name
        "User name,Password\nci-bot,",  # a login
    ],
)
def test_not_a_person(text: str) -> None:
    assert people(text) == []
