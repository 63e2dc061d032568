"""Validity rules for the labelled identifiers, written from /shared/LAW.md and the
standards, independently of the recognizers under test (so a recognizer bug cannot make a
corpus pass its own check)."""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum import luhn

_W1 = tuple(range(1, 12))
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}
#: regions the corpora's phones come from; a phone without ``+`` must be valid in one
PHONE_REGIONS = ("US", "KZ", "RU", "GB", "DE", "FR", "TR", "CN", "UZ", "KG")


def kz_check(body: str) -> int | None:
    """The IIN/BIN check digit of eleven digits (LAW.md), ``None`` when there is none."""
    values = [int(c) for c in body[:11]]
    check = sum(w * v for w, v in zip(_W1, values, strict=True)) % 11
    if check == 10:
        check = sum(w * v for w, v in zip(_W2, values, strict=True)) % 11
    return None if check == 10 else check


def digits_of(value: str) -> str:
    return re.sub(r"\D", "", value)


def iin_ok(value: str) -> bool:
    d = digits_of(value)
    if len(d) != 12 or kz_check(d) != int(d[11]):
        return False
    century = _CENTURY.get(int(d[6]))
    if century is None:
        return False
    try:
        dt.date(century + int(d[:2]), int(d[2:4]), int(d[4:6]))
    except ValueError:
        return False
    return True


def bin_ok(value: str) -> bool:
    d = digits_of(value)
    return (
        len(d) == 12
        and kz_check(d) == int(d[11])
        and 1 <= int(d[2:4]) <= 12
        and d[4] in "456"
        and d[5] in "0123"
    )


def card_ok(value: str) -> bool:
    d = digits_of(value)
    return 13 <= len(d) <= 19 and luhn.is_valid(d)


def iban_ok(value: str) -> bool:
    return bool(stdnum_iban.is_valid(value.replace(" ", "")))


def phone_ok(value: str) -> bool:
    """Valid by libphonenumber: as written with ``+``, else in one of PHONE_REGIONS."""
    plus = value.lstrip("(").startswith("+")
    regions: tuple[str | None, ...] = (None,) if plus else PHONE_REGIONS
    for region in regions:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


# digits said as words, as a voice transcript writes an SSN ("five one two, three four, ...")
_SPOKEN = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3",
           "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def ssn_ok(value: str) -> bool:
    words = re.findall(r"[a-z]+|\d", value.lower())
    spoken = bool(words) and all(w in _SPOKEN or w.isdigit() for w in words)
    d = "".join(_SPOKEN.get(w, w) for w in words) if spoken else digits_of(value)
    return (
        len(d) == 9
        and d[:3] not in {"000", "666"}
        and d[0] != "9"
        and d[3:5] != "00"
        and d[5:] != "0000"
    )


def passport_ok(value: str) -> bool:
    return re.fullmatch(r"N\d{8}", value) is not None


def id_card_ok(value: str) -> bool:
    """Nine digits, plain or in three groups of three with one kind of separator."""
    return re.fullmatch(r"\d{3}([ .\-]?)\d{3}\1\d{3}", value) is not None


#: entity type -> validity check of the labelled text, for the types with a rule
VALIDATORS = {
    "KZ_IIN": iin_ok,
    "KZ_BIN": bin_ok,
    "CREDIT_CARD": card_ok,
    "IBAN_CODE": iban_ok,
    "PHONE_NUMBER": phone_ok,
    "US_SSN": ssn_ok,
    "KZ_PASSPORT": passport_ok,
    "KZ_ID_CARD": id_card_ok,
}
