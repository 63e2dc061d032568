"""Identifier values with correct check digits, in the written shapes people use.

Both splits draw from these generators (a checksum is a checksum), each with its own set of
written shapes, chosen by the split's source (``sources.py``).
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import string

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum import iban as stdnum_iban

from benchmarks.corpora.checks import bin_ok, iin_ok, kz_check, phone_ok

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"


def words(text: str) -> tuple[str, ...]:
    """A list written as one string of words (a name, a city or a month each)."""
    return tuple(text.split())


def pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


# --- Kazakh identifiers ------------------------------------------------------------------


def iin_digits(rng: random.Random) -> str:
    while True:
        year = rng.randint(1945, 2012)
        century = (3 if year < 2000 else 5) + rng.randint(0, 1)
        body = f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{century}"
        body += f"{rng.randint(0, 9999):04d}"
        check = kz_check(body)
        if check is not None and iin_ok(body + str(check)):
            return body + str(check)


def bin_digits(rng: random.Random) -> str:
    while True:
        body = f"{rng.randint(0, 24):02d}{rng.randint(1, 12):02d}{rng.choice('456')}"
        body += f"{rng.choice('0123')}{rng.randint(0, 99999):05d}"
        check = kz_check(body)
        if check is not None and bin_ok(body + str(check)):
            return body + str(check)


def twelve_not_kz(rng: random.Random) -> str:
    """Twelve digits that are neither an IIN nor a BIN (order numbers and the like)."""
    while True:
        value = pick(rng, string.digits, 12)
        if not iin_ok(value) and not bin_ok(value):
            return value


def group12(digits: str, style: str) -> str:
    if style == "plain":
        return digits
    if style == "space":
        return f"{digits[:6]} {digits[6:]}"
    if style == "space4":
        return " ".join(digits[i : i + 4] for i in range(0, 12, 4))
    if style == "slash":
        return f"{digits[:6]}/{digits[6:]}"
    if style == "underscore":
        return "_".join(digits[i : i + 4] for i in range(0, 12, 4))
    if style == "dash":
        return f"{digits[:6]}-{digits[6:]}"
    if style == "dot":
        return ".".join(digits[i : i + 3] for i in range(0, 12, 3))
    raise ValueError(style)


def kz_iban(rng: random.Random, spaced: bool = False) -> str:
    bank = f"{rng.randint(100, 999)}"
    account = pick(rng, string.digits + "KZT", 13)
    check = stdnum_iban.calc_check_digits("KZ00" + bank + account)
    value = f"KZ{check}{bank}{account}"
    return " ".join(value[i : i + 4] for i in range(0, 20, 4)) if spaced else value


def passport(rng: random.Random) -> str:
    return "N" + f"{rng.randint(0, 99_999_999):08d}"


def id_card(rng: random.Random) -> str:
    return f"0{rng.randint(10_000_000, 99_999_999)}"


# --- cards, SSN, IP ------------------------------------------------------------------------

_CARD_PREFIXES = {
    "visa": ("4",), "mastercard": ("51", "52", "53", "54", "55", "2221", "2720"),
    "amex": ("34", "37"), "mir": ("2200", "2202", "2204"), "unionpay": ("62",),
}  # fmt: skip


def card_digits(rng: random.Random, brand: str) -> str:
    prefix = rng.choice(_CARD_PREFIXES[brand])
    length = 15 if brand == "amex" else 16
    digits = [int(c) for c in prefix] + [rng.randint(0, 9) for _ in range(length - len(prefix) - 1)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = d * 2 if i % 2 == 0 else d
        total += v - 9 if v > 9 else v
    digits.append((10 - total % 10) % 10)
    return "".join(map(str, digits))


def card_format(raw: str, style: str) -> str:
    if len(raw) == 15:  # Amex 4-6-5
        parts = [raw[:4], raw[4:10], raw[10:]]
    else:
        parts = [raw[i : i + 4] for i in range(0, 16, 4)]
    sep = {"plain": "", "space": " ", "dash": "-", "dot": "."}[style]
    return sep.join(parts)


def ssn(rng: random.Random, dashed: bool = True) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    value = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
    return f"{value[:3]}-{value[3:5]}-{value[5:]}" if dashed else value


def ipv4(rng: random.Random, private: bool = False) -> str:
    if private:
        return rng.choice(
            [f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
             f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
             f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"]
        )
    first = rng.choice([a for a in range(1, 224) if a not in (10, 127, 172, 192)])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv6(rng: random.Random) -> str:
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)]
    if rng.random() < 0.5:
        return "2a02:" + ":".join(groups[1:4]) + "::" + groups[7]
    return "2001:" + ":".join(groups[1:])


# --- phones --------------------------------------------------------------------------------

_PHONE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE)


def phone_number(rng: random.Random, region: str) -> phonenumbers.PhoneNumber:
    """A random number libphonenumber calls valid for ``region``."""
    while True:
        kind = rng.choice(_PHONE_TYPES)
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        nsn = str(example.national_number)
        keep = max(2, len(nsn) - rng.randint(4, 7))
        candidate = nsn[:keep] + pick(rng, string.digits, len(nsn) - keep)
        number = phonenumbers.parse(f"+{example.country_code}{candidate}", None)
        if phonenumbers.is_valid_number(number):
            return number


def phone_format(number: phonenumbers.PhoneNumber, style: str) -> str:
    nsn = str(number.national_number)
    cc = number.country_code
    if style == "e164":
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if style == "intl":
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if style == "national":
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if style == "intl_dash":
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL).replace(
            " ", "-"
        )
    if cc in (1, 7) and len(nsn) == 10:
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        if style == "dash":
            return f"{a}-{b}-{c}" if cc == 1 else f"8-{a}-{b}-{c[:2]}-{c[2:]}"
        if style == "dots":
            return f"{a}.{b}.{c}" if cc == 1 else f"+7.{a}.{b}.{c}"
        if style == "paren":
            return f"({a}) {b}-{c}" if cc == 1 else f"+7 ({a}) {b}-{c[:2]}-{c[2:]}"
        if style == "paren_plus":
            return f"+1 ({a}) {b}-{c}" if cc == 1 else f"8 ({a}) {b}-{c[:2]}-{c[2:]}"
        if style == "spaced":
            return f"+{cc} {a} {b} {c}" if cc == 1 else f"+7 {a} {b} {c[:2]} {c[2:]}"
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def phone(rng: random.Random, region: str, styles: tuple[str, ...]) -> str:
    while True:
        value = phone_format(phone_number(rng, region), rng.choice(styles))
        if phone_ok(value):
            return value


# --- secrets -------------------------------------------------------------------------------


def pem_block(rng: random.Random, kind: str = "RSA PRIVATE KEY", lines: int = 6) -> list[str]:
    body = [pick(rng, B64, 64) for _ in range(lines - 1)]
    body.append(pick(rng, B64, rng.randint(20, 60)) + "==")
    return [f"-----BEGIN {kind}-----", *body, f"-----END {kind}-----"]


def jwt(rng: random.Random) -> str:
    def seg(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = seg(b'{"alg":"HS256","typ":"JWT"}')
    issued = rng.randint(1_600_000_000, 1_800_000_000)
    payload = seg(f'{{"sub":"{rng.randint(10**6, 10**7)}","iat":{issued}}}'.encode())
    return f"{header}.{payload}.{pick(rng, ALNUM + '-_', 43)}"


def secret(rng: random.Random, kind: str) -> str:
    """One credential of ``kind``; the shapes follow the vendors' published formats."""
    if kind == "aws_id":
        return "AKIA" + pick(rng, string.ascii_uppercase + "234567", 16)
    if kind == "aws_secret":
        return pick(rng, ALNUM + "/+", 40)
    if kind == "github":
        return "ghp_" + pick(rng, ALNUM, 36)
    if kind == "github_pat":
        return "github_pat_11" + pick(rng, string.ascii_uppercase + string.digits, 20) + "_" + pick(
            rng, ALNUM, 59
        )
    if kind == "gitlab":
        return "glpat-" + pick(rng, ALNUM + "-_", 20)
    if kind == "stripe":
        return rng.choice(["sk_live_", "rk_live_"]) + pick(rng, ALNUM, rng.choice([24, 99]))
    if kind == "hf":
        return "hf_" + pick(rng, ALNUM, 34)
    if kind == "slack":
        team, bot = rng.randint(10**10, 10**11), rng.randint(10**11, 10**12)
        return f"xoxb-{team}-{bot}-{pick(rng, ALNUM, 24)}"
    if kind == "google":
        return "AIza" + pick(rng, ALNUM + "-_", 35)
    if kind == "openai":
        return "sk-proj-" + pick(rng, ALNUM + "-_", 56)
    if kind == "anthropic":
        return "sk-ant-api03-" + pick(rng, ALNUM + "-_", 80)
    if kind == "jwt":
        return jwt(rng)
    if kind == "password":
        return pick(rng, string.ascii_letters, 4) + pick(rng, "!#%&*", 1) + pick(rng, ALNUM, 7)
    if kind == "telegram":
        return f"{rng.randint(10**8, 10**10)}:AA{pick(rng, ALNUM + '_-', 33)}"
    raise ValueError(kind)


# --- dates of birth -----------------------------------------------------------------------

MONTHS_EN = words("January February March April May June July August September October "
             "November December")
MONTHS_RU = words("января февраля марта апреля мая июня июля августа сентября октября ноября "
             "декабря")
MONTHS_KK = words("қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша "
             "желтоқсан")


def birth_date(rng: random.Random) -> dt.date:
    return dt.date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))


def date_format(day: dt.date, style: str) -> str:
    d, m, y = day.day, day.month, day.year
    return {
        "iso": f"{y:04d}-{m:02d}-{d:02d}",
        "dmy_dot": f"{d:02d}.{m:02d}.{y}",
        "dmy_slash": f"{d:02d}/{m:02d}/{y}",
        "mdy_slash": f"{m:02d}/{d:02d}/{y}",
        "en_long": f"{d} {MONTHS_EN[m - 1]} {y}",
        "en_us": f"{MONTHS_EN[m - 1]} {d}, {y}",
        "en_short": f"{MONTHS_EN[m - 1][:3]} {d}, {y}",
        "ru_long": f"{d} {MONTHS_RU[m - 1]} {y}",
        "kk_long": f"{y} жылғы {d} {MONTHS_KK[m - 1]}",
        "kk_short": f"{d} {MONTHS_KK[m - 1]} {y}",
    }[style]
