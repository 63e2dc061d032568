"""Phone numbers: valid for libphonenumber and written as a phone is found without a context
word; labels, dates, versions, order numbers and IINs stay clean."""

from __future__ import annotations

import functools

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector
from qorgan.detection.recognizers.phones import (
    LABELLED,
    SHAPED,
    WEAK,
    IntlPhoneRecognizer,
)


@functools.cache
def detector(regions: tuple[str, ...] | None = None) -> Detector:
    config = DetectionConfig() if regions is None else DetectionConfig(phone_regions=regions)
    return Detector(config, ner_backends=[])


def phones(text: str, regions: tuple[str, ...] | None = None) -> list[str]:
    return [text[f.start : f.end] for f in detector(regions).analyze(text)
            if f.entity_type == "PHONE_NUMBER"]


# the "Phones" examples of issue 13 first, then every default region
POSITIVES = [
    ("reach me at x@y.org or 212-504-7577", "212-504-7577"),
    ("+1 212 736 5000", "+1 212 736 5000"),
    ("(206) 645-4496", "(206) 645-4496"),
    ("415-555-2671", "415-555-2671"),
    ("Front desk: 212-555-0123.", "212-555-0123"),
    ("test line 415-555-0199", "415-555-0199"),
    ("+7 (912) 345-67-89", "+7 (912) 345-67-89"),
    ("8 (912) 345-67-89 до вечера", "8 (912) 345-67-89"),
    ("менің нөмірім 8 701 234 56 78", "8 701 234 56 78"),
    ("+7 701 234 56 78", "+7 701 234 56 78"),
    ("Office +7 727 258 12 34", "+7 727 258 12 34"),
    ("London 020 7946 0958", "020 7946 0958"),
    ("+44 20 7946 0958", "+44 20 7946 0958"),
    ("Berlin 030 1234567", "030 1234567"),
    ("mobil 0151 23456789", "0151 23456789"),
    ("Paris 01 23 45 67 89", "01 23 45 67 89"),
    ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
    ("İstanbul 0532 123 45 67", "0532 123 45 67"),
    ("+90 532 123 45 67", "+90 532 123 45 67"),
    ("Beijing 010-1234-5678", "010-1234-5678"),
    ("手机 138 0013 8000", "138 0013 8000"),
    ("Tashkent +998 90 123 45 67", "+998 90 123 45 67"),
    ("Bishkek +996 555 123 456", "+996 555 123 456"),
    ("Bishkek 0555 123 456", "0555 123 456"),
    ("toll free 1-800-555-0199", "1-800-555-0199"),
    ("dial 212.504.7577", "212.504.7577"),
    ("en dash 212–504–7577", "212–504–7577"),
    ("+77012345678", "+77012345678"),
    # bare digits are a phone only with a context word
    ("call 2125047577", "2125047577"),
    ("тел. 87012345678", "87012345678"),
    ("WhatsApp: 7012345678", "7012345678"),
    # "no." and "№" after a phone word say "number", not "order"
    ("Phone no. 212-504-7577", "212-504-7577"),
    ("Tel. No: +7 701 234 56 78", "+7 701 234 56 78"),
    ("тел. № 8 (701) 234-56-78", "8 (701) 234-56-78"),
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_phone_found(text: str, value: str) -> None:
    assert phones(text) == [value]


NEGATIVES = [
    "Total: 1 250 000 тенге",
    "Budget 12 345 678 KZT",
    "Years 2019-2023 and 1990 - 2024",
    "ISBN 978-3-16-148410-0",
    "Python 3.11.4 and version 10.2.3.4567",
    "host 10.20.30.40 and 192.168.100.200",
    "Coordinates 43.2220, 76.8512",
    "Meeting 10:30-11:45",
    "Pages 123-145",
    "Dates 14.03.2024, 2024/03/14, 03/14/2024 and 2024-03-14",
    "Zip 050000 Almaty",
    "Resolution 1920x1080 at 60 Hz",
    "SSN 078-05-1120",
    "Ticket TCK-2024-001234",
    "Build 20240314-1022",
    "Account 40702810900000012345",
    "card 4111 1111 1111 1111",
    "The years 1941-1945",
    "Sizes 42-44-46-48",
    "Population 19 000 000",
    "weights [ 0.3955571 ,  0.11600914, -0.35206917]",
    "precision = 0.982492",
    # IINs, bare or split, are not phones
    "ИИН 901123300258",
    "ИИН 901 123 300 258",
    "IIN 9011-2330-0258",
    # order numbers and other labelled numbers, even valid ones, even with "call"
    "call me about order 7734-2291-05",
    "Order #212-504-7577 shipped",
    "Invoice 2024-000123",
    "invoice no. 415-555-2671",
    "Ticket: 415 555 2671",
    "номер заказа 8 701 234 56 78",
    "счёт-фактура № 212-504-7577",
    "Serial 0123-4567-89",
    "No. 212-504-7577 in the list",
    "# 212-504-7577",
    "Order No. 212-504-7577",
    "tracking number 212 504 7577",
    # a valid bare number without a context word
    "reference 2125047577 in the log",
    "batch 7012345678",
    "id 45 06 123456",
    # grouped unlike any plan, no context
    "code 7734-2291-05",
    "seen 4506 123456 times",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_a_phone(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("212-504-7577", SHAPED),
        ("+7 7012 34 56 78", SHAPED),  # "+" and a country code are shape enough
        ("2125047577", WEAK),
        ("773-422-9105", SHAPED),
        ("7734-2291-05", WEAK),  # valid US, grouped as no US number is
        ("order 212-504-7577", LABELLED),
        ("номер заказа: 212-504-7577", LABELLED),
    ],
)
def test_scores_follow_the_shape(text: str, score: float) -> None:
    recognizer = IntlPhoneRecognizer(DetectionConfig().phone_regions)
    assert [r.score for r in recognizer.analyze(text, ["PHONE_NUMBER"])] == [score]


def test_context_words_raise_and_labels_hold_below_the_threshold() -> None:
    det = detector()
    (bare,) = det.analyze("call 2125047577")
    (shaped,) = det.analyze("call 212-504-7577")
    assert bare.score >= 0.5
    assert shaped.score > SHAPED
    # a label wins over a context word: "call about order ..." stays clean
    assert det.analyze("call about order 212-504-7577") == []


def test_regions_come_from_the_configuration() -> None:
    # a Turkish number in national format is read only when TR is listed
    assert phones("0532 123 45 67", ("TR",)) == ["0532 123 45 67"]
    assert phones("0532 123 45 67", ("KZ", "US")) == []
    # an international number carries its country: found whatever the list
    assert phones("+90 532 123 45 67", ("KZ",)) == ["+90 532 123 45 67"]
    assert phones("+90 532 123 45 67", ()) == ["+90 532 123 45 67"]


@pytest.mark.parametrize("regions", [("UK",), ("KZ", "XX"), ("KZ", "KZ")])
def test_unknown_or_repeated_regions_are_refused(regions: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="region"):
        DetectionConfig(phone_regions=regions)


def test_regions_are_part_of_the_fingerprint() -> None:
    assert (DetectionConfig().fingerprint
            != DetectionConfig(phone_regions=("KZ",)).fingerprint)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # grouped their own way, but with the trunk prefix a call inside the country needs
        ("Дядя Бакыт в Оше: 0772 41 63 88", "0772 41 63 88"),
        ("sorry, the correct one is 0176 3490 2217 (Katrin)", "0176 3490 2217"),
        ("Driver: Ifeanyi Eze, 0803 555 2291.", "0803 555 2291"),
    ],
)
def test_national_numbers_with_their_trunk_prefix(text: str, value: str) -> None:
    assert phones(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Employer: Ridgeline Roofing Co., FEIN 03-0419882",
        "ISBN 978-0-306-40615-7 (ISBN-10: 0-306-40615-2), second printing",
        "call logged 2024-11-06 11:42 by the agent",
    ],
)
def test_no_phone_in_an_ein_an_isbn_or_a_timestamp(text: str) -> None:
    assert phones(text) == []
