"""Towns after a street line (``street_towns``), through the pattern-only detector: the
street must be found for its town to be read."""

from __future__ import annotations

from functools import lru_cache

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector
from qorgan.types import Finding


@lru_cache(maxsize=1)
def _patterns() -> Detector:
    from qorgan.detection.default import build_detector

    return build_detector(DetectionConfig(), cache_size=0, ner=False)


def _places(text: str) -> list[str]:
    found: tuple[Finding, ...] = tuple(_patterns().analyze(text))
    return [text[f.start : f.end] for f in found if f.entity_type == "LOCATION"]


@pytest.mark.parametrize(
    ("text", "town"),
    [
        # English words and given names as towns
        ("parked outside 141 Barrack Street, Cork. Owner identified", "Cork"),
        ("received at 8 Church Lane, Bath. CSAT: 5/5.", "Bath"),
        ("craftsman at 915 Magnolia Street, Savannah. Original floors", "Savannah"),
        # a town no list holds, a flat between the street and the town, a state and ZIP
        ("a fall at home (1207 Pecan Hollow Street, Wacoville). Daughter present", "Wacoville"),
        ("Addr: Rua das Flores 245, apto 702, Curitiba - PR, CEP 80010-090.", "Curitiba"),
        ("Ship to 22 Orchard St, Newark, NJ 07102, USA", "Newark"),
    ],
)
def test_the_town_after_a_street(text: str, town: str) -> None:
    assert town in _places(text)


@pytest.mark.parametrize(
    "text",
    [
        "Deliver to 4 Larkspur Close, Second Floor, please",  # English words
        "Our office: 10 Downing Street, Apartment 5",
        "Meet at 12 High Street, Main Road entrance.",  # a street type ends it
        "Send it to 5 Elm Street, please, before noon",  # lower case
        "ORDER 12345, Shipped today",  # no street before it
    ],
)
def test_no_town_where_the_field_is_no_town(text: str) -> None:
    assert _places(text) == []


def test_the_town_after_a_floor_and_a_flat() -> None:
    text = "Dirección: Av. Insurgentes Sur 1602, Piso 4, Int. 401, Ciudad de México."
    assert "Int" not in _places(text)
