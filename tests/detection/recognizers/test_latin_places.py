"""Places from the gazetteers in Latin-script text, on their own (``latin_places``)."""

from __future__ import annotations

import functools

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector
from qorgan.detection.recognizers.gazetteer import gazetteer
from qorgan.detection.recognizers.latin import LatinLayers
from qorgan.detection.recognizers.latin_places import SCORE_PLACE, find_places
from qorgan.detection.recognizers.latin_words import Word, word_facts
from qorgan.detection.recognizers.names import tokenize


def _places(text: str) -> list[str]:
    gz = gazetteer()
    tokens = tokenize(text)
    words = [Word(t, *word_facts(gz, t.text)) for t in tokens]
    found = find_places(gz, text, tokens, words)
    assert all(label == "LOCATION" and score == SCORE_PLACE for label, _, _, score in found)
    return [text[s:e] for _, s, e, _ in found]


@pytest.mark.parametrize(
    ("text", "place"),
    [("We moved to Kostanay last year.", "Kostanay"),
     ("The venue in Bath can only hold 80 people.", "Bath"),
     ("PROPERTY: 5021 WILSHIRE BLVD, APT 9, LOS ANGELES", "LOS ANGELES"),
     ("i live in dubai now", "dubai"),
     ("Offices in the Almaty region", "Almaty region"),
     # in capitals after a field's colon, or alone; in lower case after a preposition
     ("MANIFEST LINE 08: WANG/FANG MRS  DEST: SHANGHAI", "SHANGHAI"),
     ("PAX: TOKTAROV  DEST: ASTANA", "ASTANA"),
     ("we should invite bohdan from lviv to the meetup", "lviv"),
     ("meet us at the station in samarkand", "samarkand"),
     ("my aunt from manchester is visiting", "manchester"),
     # a Central Asian or Turkish town with a Latin case ending
     ("Buxoroda 2 xonali kvartira sotiladi.", "Buxoroda"),
     ("Erlan erteñ Şymkentke barady.", "Şymkentke"),
     ("Qodirov Nukusdan ko'chib kelgan.", "Nukusdan")],
)
def test_places(text: str, place: str) -> None:
    assert place in _places(text)


@pytest.mark.parametrize(
    "text",
    ["Put it in Turn order.", "Reading is fun.", "She moved from Human Resources to Sales.",
     "for the win", "I moved to mobile development.", "i went to nice last week",
     "KAZAKHSTAN PREMIER LEAGUE: KAIRAT 2-0", "STATUS: READING LIST",
     "Amanda met Rhonda and Miranda"],
)
def test_words_that_name_towns_too(text: str) -> None:
    assert _places(text) == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # frequent in English text as the place, no English word: a place without "in"
        ("can you check the forecast for Chattanooga?", "Chattanooga"),
        ("Support hours: 08:00–20:00 Kyiv time", "Kyiv"),
        ("a retirement dinner at our Rotterdam location", "Rotterdam"),
        # ... in lower case after a preposition, a smaller town too
        ("ok so we are driving to asheville friday", "asheville"),
        ("remind me when i get to galveston to call mom", "galveston"),
    ],
)
def test_a_place_english_writes_often_but_holds_as_no_word(text: str, place: str) -> None:
    found = LatinLayers(gazetteer()).analyze(text, [])
    assert ("LOCATION", place) in [(s[0], text[s[1] : s[2]]) for s in found]


@pytest.mark.parametrize(
    "text",
    [
        "Reading is fun, Bath time is over",  # dictionary words
        "Tyler will send it",  # a name too
        "i talked to david yesterday",  # a town in Panama, a name first
        "KAZAKHSTAN PREMIER LEAGUE: KAIRAT 2-0",  # shouted: the word list's old reading
    ],
)
def test_dictionary_words_and_names_keep_the_common_reading(text: str) -> None:
    found = LatinLayers(gazetteer()).analyze(text, [])
    assert [s for s in found if s[0] == "LOCATION"] == []


@functools.cache
def _detector() -> Detector:
    from qorgan.detection.default import build_detector

    return build_detector(DetectionConfig(), cache_size=0)


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # the model's person over a well-known town that is a rare surname and no given name
        ("The duplicate you saw was the Bielefeld one, which was cancelled.", ["Bielefeld"]),
        ("Pharmacy: collect at the Harbin branch.", ["Harbin"]),
        # the model's organisation over a town and its state, or two towns
        ("Mom says you're driving up to Bangor, Maine for Thanksgiving?", ["Bangor", "Maine"]),
        ("Same thing for Chimkent vs Shymkent.", ["Chimkent", "Shymkent"]),
        # the cells of a CSV row are read apart
        ("Customer,Town,County\nBexley Harrow,Leominster,Herefordshire", ["Leominster"]),
    ],
)
def test_places_the_model_read_otherwise(text: str, places: list[str]) -> None:
    found = [text[f.start : f.end] for f in _detector().analyze(text)
             if f.entity_type == "LOCATION"]
    assert all(p in found for p in places), found


def test_a_firm_of_two_town_names_is_no_place() -> None:
    text = "Talent Acquisition Partner, Hartley & Moss\nTel: +44 161 496 0753"
    assert [f for f in _detector().analyze(text) if f.entity_type == "LOCATION"] == []


def test_a_surname_alone_in_a_name_field_stays_a_person() -> None:
    text = '{"first_name": "Mary", "last_name": "Lincoln", "city": "Omaha"}'
    people = [text[f.start : f.end] for f in _detector().analyze(text)
              if f.entity_type == "PERSON"]
    assert "Lincoln" in people


@pytest.mark.parametrize(
    ("text", "place"),
    [("+33 7 81 52 39 64\nJulien\nToulouse", "Toulouse"),
     ("Flat 4, 27 Cavendish Road\nManchester\nM20 1JQ", "Manchester"),
     ("Berlin'den geliyorum", "Berlin")],
)
def test_a_city_alone_on_its_line_or_with_its_case_ending(text: str, place: str) -> None:
    assert place in _places(text)


@pytest.mark.parametrize("text", ["Reading\nNice", "Jordan", "Kerem'in telefonu"])
def test_words_and_names_alone_stay_clean(text: str) -> None:
    assert _places(text) == []
