from __future__ import annotations

import datetime as dt
import random
import re

import phonenumbers
import pytest
from stdnum import iban, luhn

from qorgan.transform.synth import kz_check_digit, synthesize

SEEDS = range(25)


def _iin_valid(value: str) -> bool:
    return len(value) == 12 and value.isdigit() and kz_check_digit(value[:11]) == int(value[11])


@pytest.mark.parametrize(
    "value",
    ["901123300258", "850101300124", "000505500127", "900101400404", "940140000385"],
)
def test_check_digit_accepts_known_valid_numbers(value: str) -> None:
    assert _iin_valid(value)


@pytest.mark.parametrize("value", ["901123300259", "850101300125"])
def test_check_digit_rejects_altered_numbers(value: str) -> None:
    assert not _iin_valid(value)


def _layout(value: str) -> str:
    return re.sub(r"\d", "9", value)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("value", ["901123300258", "000505500127", "9004 0140 0404"])
def test_fake_iin_is_valid_and_keeps_century_sex_and_layout(value: str, seed: int) -> None:
    fake = synthesize("KZ_IIN", value, random.Random(seed))
    digits = fake.replace(" ", "")
    assert _iin_valid(digits)
    assert digits[6] == value.replace(" ", "")[6]
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}[digits[6]]
    dt.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))  # a real date
    assert _layout(fake) == _layout(value)
    assert digits != value.replace(" ", "")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("value", ["940140000385", "990940003030", "150551001236"])
def test_fake_bin_is_valid_and_keeps_type_and_division(value: str, seed: int) -> None:
    fake = synthesize("KZ_BIN", value, random.Random(seed))
    assert _iin_valid(fake)
    assert fake[4:6] == value[4:6]
    assert 1 <= int(fake[2:4]) <= 12


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "value",
    ["KZ86125KZT5004100100", "KZ24 4350 0000 1234 4567", "DE89370400440532013000"],
)
def test_fake_iban_validates(value: str, seed: int) -> None:
    fake = synthesize("IBAN_CODE", value, random.Random(seed))
    assert iban.is_valid(fake)
    assert fake[:2] == value[:2]
    assert (" " in fake) == (" " in value)
    assert iban.compact(fake) != iban.compact(value)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    ("value", "region"),
    [
        ("+7 701 234 5678", "KZ"),
        ("+7 (777) 123-45-67", "KZ"),
        ("87051234567", "KZ"),
        ("+7 916 123-45-67", "RU"),
    ],
)
def test_fake_phone_is_valid_same_operator_same_layout(value: str, region: str, seed: int) -> None:
    fake = synthesize("PHONE_NUMBER", value, random.Random(seed))
    parsed = phonenumbers.parse(fake, "KZ")
    assert phonenumbers.is_valid_number(parsed)
    assert phonenumbers.region_code_for_number(parsed) == region
    assert _layout(fake) == _layout(value)
    digits = re.sub(r"\D", "", value)
    assert re.sub(r"\D", "", fake)[:4] == digits[:4]
    assert fake != value


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    ("value", "domain"),
    [("aliya@mail.kz", "example.kz"), ("john.smith@gmail.com", "example.com")],
)
def test_fake_email_is_at_an_example_domain(value: str, domain: str, seed: int) -> None:
    fake = synthesize("EMAIL_ADDRESS", value, random.Random(seed))
    assert re.fullmatch(r"[a-z]+\.[a-z]+\d{1,2}@" + re.escape(domain), fake)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("value", ["4111 1111 1111 1111", "5500-0000-0000-0004"])
def test_fake_card_passes_luhn_with_same_layout(value: str, seed: int) -> None:
    fake = synthesize("CREDIT_CARD", value, random.Random(seed))
    assert luhn.is_valid(re.sub(r"\D", "", fake))
    assert _layout(fake) == _layout(value)


_KAZAKH = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04FF]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    ("value", "script"),
    [
        ("Нұрлан Сейітұлы", "kk"),
        ("Әлия", "kk"),
        ("Алия Омарова", "ru"),
        ("Омаров Нурлан Серикович", "ru"),
        ("Aliya Omarova", "latn"),
        ("John", "latn"),
    ],
)
def test_fake_person_keeps_script_and_word_count(value: str, script: str, seed: int) -> None:
    fake = synthesize("PERSON", value, random.Random(seed))
    words = fake.split()
    assert len(words) == len(value.split())
    word_re = _LATIN_WORD if script == "latn" else _CYRILLIC_WORD
    assert all(word_re.fullmatch(w) for w in words)
    if script == "ru":
        assert not _KAZAKH.search(fake)


@pytest.mark.parametrize("seed", SEEDS)
def test_fake_person_keeps_grammatical_gender(seed: int) -> None:
    fake = synthesize("PERSON", "Алия Омарова", random.Random(seed))
    assert fake.split()[1].endswith("а")
    fake = synthesize("PERSON", "Омаров Нурлан Серикович", random.Random(seed))
    assert fake.endswith("ович")


@pytest.mark.parametrize(
    ("entity", "value", "pattern"),
    [
        ("IP_ADDRESS", "10.1.2.3", r"(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}"),
        ("IP_ADDRESS", "fe80::1", r"2001:db8::[0-9a-f]{1,4}"),
        ("US_SSN", "123-45-6789", r"\d{3}-\d{2}-\d{4}"),
        ("SECRET", "sk-abcDEF123", r"[a-z]{2}-[a-z]{3}[A-Z]{3}\d{3}"),
        ("EMPLOYEE_ID", "EMP-123456", r"[A-Z]{3}-\d{6}"),
        ("LOCATION", "Алматы", r"[\u0400-\u04FF]+"),
    ],
)
def test_other_kinds_keep_their_shape(entity: str, value: str, pattern: str) -> None:
    for seed in SEEDS:
        assert re.fullmatch(pattern, synthesize(entity, value, random.Random(seed)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("value", ["Aliya Omarova", "Алия Омарова", "Омаров Нурлан Серикович"])
def test_fake_person_shares_no_word_with_the_real_name(value: str, seed: int) -> None:
    fake = synthesize("PERSON", value, random.Random(seed))
    real = [w.casefold() for w in value.split()]
    for word in fake.casefold().split():
        assert not any(r.startswith(word) or word.startswith(r) for r in real)
