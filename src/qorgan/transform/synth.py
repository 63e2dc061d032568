"""Realistic fakes of the same kind, script and format as the value they stand for.

A fake keeps what a model needs to reason (a Kazakh name stays a Kazakh name in the same
script, an IIN keeps its century/sex digit and a valid checksum, a phone keeps its operator
prefix and layout) and nothing that identifies the person. Fakes are drawn at random and
stored in the vault, which is what makes them reversible; nothing here is derived from the
value's secret parts.
"""

from __future__ import annotations

import random
import re
import string

import phonenumbers

from qorgan.transform.synth_data import CITIES as _CITIES
from qorgan.transform.synth_data import NAMES as _NAMES

_CYR_UPPER = "АБВГДЕЖЗИКЛМНОПРСТУФХЧШЭЮЯ"
_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_FEMALE_ENDINGS = ("ова", "ева", "ина", "қызы", "кызы", "ovna", "ova", "eva", "ina", "qyzy", "kyzy")

IIN_WEIGHTS = (tuple(range(1, 12)), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))


def kz_check_digit(first11: str) -> int | None:
    """The IIN/BIN check digit of 11 digits, or None when no check digit exists."""
    for weights in IIN_WEIGHTS:
        total = sum(int(d) * w for d, w in zip(first11, weights, strict=True)) % 11
        if total != 10:
            return total
    return None


def iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = "".join(str(int(ch, 36)) for ch in rearranged.upper())
    return f"{98 - int(number) % 97:02d}"


def _script(value: str) -> str:
    if any(ch in _KAZAKH_LETTERS for ch in value):
        return "kk"
    if re.search(r"[\u0400-\u04FF]", value):
        return "ru"
    return "latn"


def _match_case(fake: str, like: str) -> str:
    letters = [ch for ch in like if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) > 1:
        return fake.upper()
    if letters and all(ch.islower() for ch in letters):
        return fake.lower()
    return fake


def _into_layout(digits: str, like: str) -> str:
    """``digits`` written into the digit positions of ``like`` (separators kept)."""
    if sum(ch.isdigit() for ch in like) != len(digits):
        return digits
    it = iter(digits)
    return "".join(next(it) if ch.isdigit() else ch for ch in like)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def fake_person(value: str, rng: random.Random) -> str:
    script = _script(value)
    males, females, surnames = _NAMES[script]
    words = value.split()
    female = any(w.casefold().endswith(_FEMALE_ENDINGS) for w in words) or any(
        w.casefold() in {n.casefold() for n in females} for w in words
    )
    seen = [w.casefold() for w in words]

    def pick(names: tuple[str, ...]) -> str:
        # never reuse a word of the real name (nor a stem of one: Omarov/Omarova)
        fresh = [n for n in names if not any(w.startswith(n.casefold()) for w in seen)]
        return rng.choice(fresh or list(names))

    first = pick(females if female else males)
    surname = pick(surnames)
    if female and script in ("ru", "latn") and surname.endswith(("ov", "ev", "ов", "ев")):
        surname += "a" if script == "latn" else "а"
    if len(words) <= 1:
        fake = first
    elif len(words) == 2:
        fake = f"{first} {surname}"
    else:
        father = pick(males)
        patronymic = {
            "kk": f"{father}{'қызы' if female else 'ұлы'}",
            "ru": f"{father}{'овна' if female else 'ович'}",
            "latn": f"{father}{'ovna' if female else 'ovich'}",
        }[script]
        fake = f"{surname} {first} {patronymic}"
    return _match_case(fake, value)


def fake_iin(value: str, rng: random.Random) -> str:
    digits = _digits(value)
    marker = int(digits[6]) if len(digits) == 12 and digits[6] in "123456" else rng.choice((3, 4))
    century_years = {1: (60, 99), 2: (60, 99), 3: (0, 99), 4: (0, 99), 5: (0, 20), 6: (0, 20)}
    low, high = century_years[marker]
    while True:
        head = (
            f"{rng.randint(low, high):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            f"{marker}{rng.randint(0, 9999):04d}"
        )
        check = kz_check_digit(head)
        if check is not None:
            return _into_layout(f"{head}{check}", value)


def fake_bin(value: str, rng: random.Random) -> str:
    digits = _digits(value)
    kind = digits[4] if len(digits) == 12 and digits[4] in "456" else "4"
    division = digits[5] if len(digits) == 12 and digits[5] in "0123" else "0"
    while True:
        head = f"{rng.randint(0, 24):02d}{rng.randint(1, 12):02d}{kind}{division}"
        head += f"{rng.randint(0, 99999):05d}"
        check = kz_check_digit(head)
        if check is not None:
            return _into_layout(f"{head}{check}", value)


def fake_iban(value: str, rng: random.Random) -> str:
    compact = re.sub(r"\s", "", value).upper()
    country = compact[:2] if re.fullmatch(r"[A-Z]{2}", compact[:2]) else "KZ"
    shape = compact[4:] if len(compact) > 4 else "1" * 16
    if country == "KZ":
        # KZ: 3-digit bank code + 13 alphanumerics
        shape = shape if len(shape) == 16 else "0" * 16
    bban = "".join(
        rng.choice(string.digits)
        if ch.isdigit()
        else rng.choice(string.ascii_uppercase)
        if ch.isalpha()
        else ch
        for ch in shape
    )
    fake = f"{country}{iban_check_digits(country, bban)}{bban}"
    if " " in value.strip():
        fake = " ".join(fake[i : i + 4] for i in range(0, len(fake), 4))
    return fake


def fake_phone(value: str, rng: random.Random) -> str:
    digits = _digits(value)
    keep = max(len(digits) - 7, 1)
    for _ in range(20):
        candidate = digits[:keep] + "".join(rng.choice(string.digits) for _ in digits[keep:])
        fake = _into_layout(candidate, value)
        try:
            parsed = phonenumbers.parse(fake, "KZ")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed) and candidate != digits:
            return fake
    return fake_shape(value, rng)


def fake_email(value: str, rng: random.Random) -> str:
    males, females, surnames = _NAMES["latn"]
    first = rng.choice(males + females).lower()
    local = f"{first}.{rng.choice(surnames).lower()}{rng.randint(1, 99)}"
    domain = "example.kz" if value.strip().lower().endswith(".kz") else "example.com"
    return f"{local}@{domain}"


def fake_card(value: str, rng: random.Random) -> str:
    digits = _digits(value)
    length = len(digits) if 12 <= len(digits) <= 19 else 16
    body = "4" + "".join(rng.choice(string.digits) for _ in range(length - 2))
    total = 0
    for index, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if index % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return _into_layout(body + str((10 - total % 10) % 10), value)


def fake_ip(value: str, rng: random.Random) -> str:
    if ":" in value:
        return f"2001:db8::{rng.randint(1, 0xFFFF):x}"
    net = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    return f"{net}.{rng.randint(1, 254)}"


def fake_location(value: str, rng: random.Random) -> str:
    return rng.choice([c for c in _CITIES[_script(value)] if c.casefold() != value.casefold()])


def fake_ssn(value: str, rng: random.Random) -> str:
    area = rng.randint(100, 665)
    digits = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
    return _into_layout(digits, value)


def fake_shape(value: str, rng: random.Random) -> str:
    """Same length and character classes (digit, Latin, Cyrillic, case), separators kept."""
    out = []
    for ch in value:
        if ch.isdigit():
            out.append(rng.choice(string.digits))
        elif "a" <= ch.lower() <= "z":
            pick = rng.choice(string.ascii_lowercase)
            out.append(pick.upper() if ch.isupper() else pick)
        elif "\u0400" <= ch <= "\u04ff":
            pick = rng.choice(_CYR_UPPER)
            out.append(pick if ch.isupper() else pick.lower())
        else:
            out.append(ch)
    return "".join(out)


_FAKERS = {
    "PERSON": fake_person,
    "KZ_IIN": fake_iin,
    "KZ_BIN": fake_bin,
    "IBAN_CODE": fake_iban,
    "PHONE_NUMBER": fake_phone,
    "EMAIL_ADDRESS": fake_email,
    "CREDIT_CARD": fake_card,
    "IP_ADDRESS": fake_ip,
    "LOCATION": fake_location,
    "US_SSN": fake_ssn,
}


def synthesize(entity_type: str, value: str, rng: random.Random) -> str:
    """A fake for ``value``; kinds without a dedicated generator keep the value's shape."""
    faker = _FAKERS.get(entity_type, fake_shape)
    return faker(value, rng)
