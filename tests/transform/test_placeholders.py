from __future__ import annotations

import pytest

from qorgan.transform.placeholders import (
    MAX_PLACEHOLDER_LEN,
    PLACEHOLDER_RE,
    find_placeholders,
    format_placeholder,
    is_placeholder,
    normalize_value,
)


@pytest.mark.parametrize(
    ("entity", "a", "b"),
    [
        ("PHONE_NUMBER", "+7 701 234 5678", "87012345678"),
        ("PHONE_NUMBER", "+7 (701) 234-56-78", "8 701 234 56 78"),
        ("EMAIL_ADDRESS", " Aliya@Example.KZ ", "aliya@example.kz"),
        ("EMAIL_ADDRESS", "ａｌｉｙａ@example.kz", "aliya@example.kz"),  # fullwidth, NFKC
        ("KZ_IIN", "9011 2330 0258", "901123300258"),
        ("KZ_BIN", "940140-000385", "940140000385"),
        ("CREDIT_CARD", "4111-1111-1111-1111", "4111111111111111"),
        ("IBAN_CODE", "kz86 125K ZT50 0410 0100", "KZ86125KZT5004100100"),
        ("IBAN_CODE", "KZ86-125K-ZT50-0410-0100", "KZ86125KZT5004100100"),
        ("KZ_ID_CARD", "012 345 678", "012345678"),
        ("KZ_ID_CARD", "012-345-678", "012345678"),
        ("KZ_PASSPORT", "N 12345678", "n12345678"),
        ("US_SSN", "123 45 6789", "123-45-6789"),
        ("PERSON", "Aliya  Omarova", "aliya omarova"),
    ],
)
def test_spellings_of_one_value_normalize_equal(entity: str, a: str, b: str) -> None:
    assert normalize_value(entity, a) == normalize_value(entity, b)


@pytest.mark.parametrize(
    ("entity", "a", "b"),
    [
        ("PHONE_NUMBER", "+7 701 234 5678", "+7 701 234 5679"),
        ("PERSON", "Aliya Omarova", "Aliya Omarov"),
        ("KZ_IIN", "901123300258", "850101300124"),
        ("KZ_ID_CARD", "012345678", "012345679"),
        ("KZ_PASSPORT", "N12345678", "N12345679"),
    ],
)
def test_different_values_normalize_differently(entity: str, a: str, b: str) -> None:
    assert normalize_value(entity, a) != normalize_value(entity, b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no tokens", []),
        ("<PERSON_1> and <KZ_IIN_12> and <PERSON_1>", ["<PERSON_1>", "<KZ_IIN_12>"]),
        ("<PERSON> <PERSON_0> <person_1> <PERSON_01> < PERSON_1>", []),
        ("<ENC:PERSON:abc> <PERSON:h:0123456789ab>", []),
    ],
)
def test_find_placeholders(text: str, expected: list[str]) -> None:
    assert find_placeholders(text) == expected


def test_format_and_grammar_agree() -> None:
    token = format_placeholder("KZ_IIN", 2)
    assert token == "<KZ_IIN_2>"
    assert is_placeholder(token)
    longest = format_placeholder("A" * 48, 9_999_999_999)
    assert len(longest) == MAX_PLACEHOLDER_LEN
    assert PLACEHOLDER_RE.fullmatch(longest)


@pytest.mark.parametrize(
    ("entity", "number", "message"),
    [("person", 1, "upper-case"), ("A" * 49, 1, "at most 48"), ("PERSON", 0, "start at 1")],
)
def test_format_placeholder_rejects_bad_input(entity: str, number: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        format_placeholder(entity, number)
