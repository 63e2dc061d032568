"""Kazakh passport and ID card numbers: what the text around them says decides."""

from __future__ import annotations

import functools

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector
from qorgan.detection.recognizers.kz_documents import (
    PASSPORT_BARE,
    PASSPORT_CUED,
    PASSPORT_LABELLED,
    KzPassportRecognizer,
)


@functools.cache
def detector() -> Detector:
    return Detector(DetectionConfig(), ner_backends=[])


def found(text: str, entity: str) -> list[str]:
    return [text[f.start : f.end] for f in detector().analyze(text) if f.entity_type == entity]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Passport N12345678", "N12345678"),
        ("passport number: N12345678", "N12345678"),
        ("паспорт № N12345678, выдан МВД РК", "N12345678"),
        ("номер паспорта N 12345678", "N 12345678"),
        ("Төлқұжат нөмірі: N12345678", "N12345678"),
        ("паспорт гражданина РК N12345678", "N12345678"),
        # the shape alone is reported
        ("N12345678", "N12345678"),
        ("документ N09876543 действителен", "N09876543"),
    ],
)
def test_passport_found(text: str, value: str) -> None:
    assert found(text, "KZ_PASSPORT") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "SKU N12345678",
        "part N12345678 in stock",
        "артикул: N12345678",
        "model #N12345678",
        "код товара N12345678",
        "order no. N12345678",
        "N 12345678",  # "No. 12345678" without a cue
        "N1234567",  # seven digits
        "N123456789",  # nine digits
        "AN12345678",  # inside a longer code
        "n12345678",
        "N12345678X",
    ],
)
def test_not_a_passport(text: str) -> None:
    assert found(text, "KZ_PASSPORT") == []


@pytest.mark.parametrize(
    ("text", "score"),
    [("паспорт N12345678", PASSPORT_CUED), ("N12345678", PASSPORT_BARE),
     ("SKU N12345678", PASSPORT_LABELLED)],
)
def test_passport_scores(text: str, score: float) -> None:
    assert [r.score for r in KzPassportRecognizer().analyze(text, ["KZ_PASSPORT"])] == [score]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("удостоверение личности № 041234567", "041234567"),
        ("Удостоверение личности №041234567 выдано МВД РК", "041234567"),
        ("уд. личности № 041234567", "041234567"),
        ("уд.личности: 041 234 567", "041 234 567"),
        ("номер удостоверения личности 041234567", "041234567"),
        ("удостоверения личности (номер) 041234567", "041234567"),
        ("жеке куәлік № 041234567", "041234567"),
        ("Жеке куәліктің нөмірі: 041234567", "041234567"),
        ("ID card 041234567", "041234567"),
        ("national ID card no. 041234567", "041234567"),
        ("Identity card number: 041-234-567", "041-234-567"),
        # "удостоверение" alone, other spellings, keys, words between cue and number
        ("Где проверить удостоверение № 063922295?", "063922295"),
        ("УДЛ 063922295", "063922295"),
        ("ID-карта 063922295", "063922295"),
        ("national ID: 063922295", "063922295"),
        ('{"id_card": "063922295"}', "063922295"),
        ("idCard=063922295", "063922295"),
        ("удостоверение личности гражданина РК № 063922295", "063922295"),
        ("ID card of the Republic of Kazakhstan No. 063922295", "063922295"),
        ("ID card number is 063.922.295", "063.922.295"),
        ("name,id_card\nAigerim,063922295", "063922295"),
    ],
)
def test_id_card_found(text: str, value: str) -> None:
    assert found(text, "KZ_ID_CARD") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "order 041234567",  # nine digits without a cue
        "заказ № 041234567",
        "номер счёта 041234567",
        "ID 041234567",
        "card 041234567",
        "ID card expired, call 041234567",  # the cue is not about this number
        "удостоверение личности № 0412345678",  # ten digits
        "удостоверение личности № 04123456",  # eight digits
        "удостоверение личности и ИИН 901123300258",
        # another document called "удостоверение"
        "водительское удостоверение № 063922295",
        "служебное удостоверение 063922295",
        # a column of another number
        "name,order\nAigerim,063922295",
        "name,id_card\nAigerim,0639222951",
    ],
)
def test_not_an_id_card(text: str) -> None:
    assert found(text, "KZ_ID_CARD") == []
