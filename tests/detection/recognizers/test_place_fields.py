"""Places named by their field or column."""

from __future__ import annotations

import pytest

from qorgan.detection.recognizers.place_fields import PlaceFieldRecognizer


def _places(text: str) -> list[str]:
    return [text[h.start : h.end] for h in PlaceFieldRecognizer().scan(text)]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Yaşadığı şehir: Eskişehir", ["Eskişehir"]),
        ('{"owner": "Lydia Taylor", "city": "Amsterdam"}', ["Amsterdam"]),
        ("City: New York, NY", ["New York"]),
        ("My city: Almaty is great", ["Almaty"]),
        ("country=Germany", ["Germany"]),
        ("Город: Кокшетау", ["Кокшетау"]),
        ("Місто: Ворзель", ["Ворзель"]),
        ("Stadt: Frankfurt am Main", ["Frankfurt am Main"]),
        ("shipping_city: Sarahfurt", ["Sarahfurt"]),
        ("City: Reading", ["Reading"]),  # a known place that is a word too
        ("City: ALMATY", ["ALMATY"]),
        ("name,city\nAnn Lee,Lake Jane\nBob Ray,Port Kevin\n", ["Lake Jane", "Port Kevin"]),
        ("<client><name>Élise Moreau</name><city>Lyon</city></client>", ["Lyon"]),
        ("INSERT INTO users (name, city) VALUES ('Ann', 'Bursa'), ('Bob', 'Konya');",
         ["Bursa", "Konya"]),
    ],
)
def test_places(text: str, places: list[str]) -> None:
    assert _places(text) == places


@pytest.mark.parametrize(
    "text",
    ["City: N/A", "City: Unknown", "Город: Не указан", '"city": "string"', "region: us-east-1",
     "email: aigerim@mail.kz", "city: 050000", "Capacity: Large", "name,city\nAnn,n/a\n",
     # codes and English words are no place's name; a meeting room is no town
     "Region: EMEA", "Country: US", "Ort: Online", "Delivery region: West", "city: Remote",
     "City: Headquarters"],
)
def test_no_places(text: str) -> None:
    assert _places(text) == []


@pytest.mark.parametrize(
    ("text", "place"),
    [("lead source: webinar, city: pune, email r@x.com", "pune"), ('"city": "osaka"', "osaka"),
     ("city: new york", "new york"), ("country: germany", "germany")],
)
def test_a_listed_place_in_lower_case(text: str, place: str) -> None:
    assert _places(text) == [place]


@pytest.mark.parametrize("text", ["city: reading", "city: nice", "city: unknown"])
def test_no_lower_case_word_for_a_place(text: str) -> None:
    assert _places(text) == []
