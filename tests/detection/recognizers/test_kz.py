from __future__ import annotations

import pytest

from qorgan.detection.recognizers.kz import (
    KzBinRecognizer,
    KzIbanRecognizer,
    KzIinRecognizer,
    KzPhoneRecognizer,
    is_valid_bin,
    is_valid_iin,
    kz_check_digit,
)


def _with_check(first11: str) -> str:
    check = kz_check_digit(first11)
    if check is None:
        raise ValueError("no check digit")
    return first11 + str(check)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("901123300258", True),
        ("850101300124", True),
        ("000505500127", True),
        ("900101400404", True),  # second weight set
        ("901123300259", False),  # wrong check digit
        ("850101300125", False),
        (_with_check("90132330025"), False),  # month 13
        (_with_check("90023030025"), False),  # 30 February
        (_with_check("90112370025"), False),  # century digit 7
        (_with_check("90112300025"), False),  # century digit 0
        ("940140000385", False),  # a BIN: day 40
        ("90112330025", False),  # 11 digits
        ("9011233002580", False),
        ("90112330025a", False),
    ],
)
def test_iin_validation(value: str, expected: bool) -> None:
    assert is_valid_iin(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("940140000385", True),
        ("990140004654", True),
        ("990940003030", True),
        ("150140001239", True),
        ("940140000386", False),  # check digit
        (_with_check("94013000038"), False),  # type digit 3
        (_with_check("94017000038"), False),  # type digit 7
        (_with_check("94014400038"), False),  # division 4
        (_with_check("94134000038"), False),  # month 13
        ("901123300258", False),  # an IIN
    ],
)
def test_bin_validation(value: str, expected: bool) -> None:
    assert is_valid_bin(value) is expected


def _spans(recognizer: object, text: str) -> list[tuple[str, str, float]]:
    results = recognizer.analyze(text, [recognizer.supported_entities[0]])  # type: ignore[attr-defined]
    return [(r.entity_type, text[r.start : r.end], r.score) for r in results]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("IIN 901123300258.", ["901123300258"]),
        ("(850101300124)", ["850101300124"]),
        ("IIN 901123300259", []),
        ("order 1901123300258", []),  # part of a longer number
        ("9011233002581", []),
        # glued to letters: the check digit and the date decide
        ("ref 901123300258a", ["901123300258"]),
        ("ИИН:901123300258", ["901123300258"]),
        ("iin901123300258", ["901123300258"]),
        ("iin901123300259", []),
    ],
)
def test_iin_recognizer(text: str, found: list[str]) -> None:
    assert [value for _, value, _ in _spans(KzIinRecognizer(), text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("BIN 940140000385", ["940140000385"]),
        ("БИН: 150140001239,", ["150140001239"]),
        ("IIN 901123300258", []),
        ("BIN 940140000386", []),
    ],
)
def test_bin_recognizer(text: str, found: list[str]) -> None:
    assert [value for _, value, _ in _spans(KzBinRecognizer(), text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("IBAN KZ86125KZT5004100100", ["KZ86125KZT5004100100"]),
        ("счёт KZ244350000012344567.", ["KZ244350000012344567"]),
        ("KZ86 125K ZT50 0410 0100", ["KZ86 125K ZT50 0410 0100"]),
        ("kz86125kzt5004100100", ["kz86125kzt5004100100"]),
        ("KZ244350000012344568", []),  # check digits do not match
        ("KZ86125KZT50041001000", []),  # 21 characters
        ("DE89370400440532013000", []),  # not Kazakh: left to the generic IBAN recognizer
    ],
)
def test_kz_iban_recognizer(text: str, found: list[str]) -> None:
    assert [value for _, value, _ in _spans(KzIbanRecognizer(), text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("tel +7 701 234 56 78", ["+7 701 234 56 78"]),
        ("8 (777) 123-45-67", ["8 (777) 123-45-67"]),
        ("+77051234567", ["+77051234567"]),
        ("8 747 123 4567", ["8 747 123 4567"]),
        ("+7 (727) 250-12-34", ["+7 (727) 250-12-34"]),
        ("+7 7172 55 55 55", ["+7 7172 55 55 55"]),
        ("+7 916 123 45 67", []),  # a Russian mobile
        ("+7 799 123 45 67", []),  # not an assigned Kazakh range
        ("8 701 234 56", []),  # too short
        ("12+7 701 234 56 78", []),
    ],
)
def test_kz_phone_recognizer(text: str, found: list[str]) -> None:
    assert [value for _, value, _ in _spans(KzPhoneRecognizer(), text)] == found
