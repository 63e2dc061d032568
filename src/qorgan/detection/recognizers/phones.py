"""Phone numbers of any country, validated by libphonenumber.

A regex picks the digit runs that could be numbers; libphonenumber decides. A number
written with ``+`` is read in its own country's plan; one written without it in each of the
configured regions' plans (``detection.phone_regions``) until one calls it valid.

How a number is written decides its score, not a context word:

* valid and written in a phone shape (a leading ``+``, or separators or parentheses that
  group the digits the way the region's plan does) -> reported on its own (``SHAPED``);
* valid, but a bare run of digits or grouped some other way (``7734-2291-05``) ->
  ``WEAK``, reported only when a context word ("call", "тел.") is near;
* right after a label such as "order", "invoice" or "номер заказа" -> ``LABELLED``, below
  the threshold even with a context word.

libphonenumber's own matcher checks the grouping and that a national prefix is written
where its plan wants one (``Leniency.STRICT_GROUPING``), which is what keeps year ranges
("2019-2023" is a valid German number without its leading 0) out. Dates, decimals, dotted
quads, the dashed SSN shape, the tail of a code ("TCK-2024-001234") and runs of twelve or
more bare digits (IINs, cards) are never phones.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import ClassVar

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from qorgan.detection.recognizers.scan import Hit, ScanRecognizer

SHAPED = 0.6
WEAK = 0.4
LABELLED = 0.1

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
# not glued to a word, nor the tail of a code ("TCK-2024-001234")
_CANDIDATE = re.compile(
    r"(?<![\w+])(?<!\w[\-/.])(?:\+|\()?\d[\d \-.()/" + _DASHES + r"]{5,22}\d(?!\w)"
)
_SEPARATED = re.compile(r"\d[ \-.()/" + _DASHES + r"]+\d")
_DATE = re.compile(
    r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})"
)
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
# one dot and nothing else between the digits: a decimal number ("0.3955571")
_DECIMAL = re.compile(r"\+?\d+\.\d+")
# the dashed US social security number shape; some plans (DE) would read it as a number
_SSN_SHAPE = re.compile(r"\d{3}-\d\d-\d{4}")
# a label right before the number, optionally followed by "number"/"no."/"№"/"#"
_LABEL_BEFORE = re.compile(
    r"(?i)\b(?:order|invoice|ticket|ref|reference|tracking|code|id|sku|part|serial|"
    r"model|article|item|batch|lot|case|claim|booking|reservation|confirmation|"
    r"transaction|receipt|account|acct|contract|policy|isbn|issn|doi|version|build|"
    r"заказ\w*|счет\w*|счёт\w*|фактур\w*|накладн\w*|артикул\w*|договор\w*|квитанц\w*|"
    r"заявк\w*|билет\w*|тикет\w*|чек\w*|тапсырыс\w*|шот\w*|түбіртек\w*|келісімшарт\w*)"
    r"(?:\W{0,3}(?:number|num|no|nr|номер|нөмірі|№|#))?\W{0,3}$"
)
# "no.", "№" (NFKC: "No") or "#" alone label a number too, unless a phone word comes before
# them: "Phone no. 212-504-7577", "тел. № 8 701 ..." are phones
_NUMBER_SIGN_BEFORE = re.compile(r"(?i)(?:\bno\.?|№|#)\W{0,3}$")
_PHONE_WORD_BEFORE = re.compile(
    r"(?i)(?:phone|tel|mobile|mob|cell|fax|whatsapp|contact|телефон|тел|моб|факс|нөмір|"
    r"ұялы)\w*\W{0,3}$"
)
_LABEL_WINDOW = 40


class IntlPhoneRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "PHONE_NUMBER"
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "phone", "telephone", "tel", "cell", "cellphone", "mobile", "call", "fax", "sms",
        "whatsapp", "telegram", "viber", "signal", "dial", "reach", "hotline", "helpline",
        "contact", "телефон", "тел", "моб", "мобильный", "сотовый", "звоните", "звонить",
        "позвоните", "перезвоните", "факс", "номер телефона", "нөмір", "ұялы",
        "хабарласыңыз", "қоңырау",
    )  # fmt: skip

    def __init__(self, regions: tuple[str, ...] = ("KZ", "RU", "US")) -> None:
        self.regions = tuple(regions)
        super().__init__()

    def scan(self, text: str) -> Iterator[Hit]:
        for candidate in _CANDIDATE.finditer(text):
            chunk = candidate.group()
            digits = sum(c.isdigit() for c in chunk)
            # E.164 numbers have at most 15 digits; long bare runs are IINs, cards, accounts
            if not 7 <= digits <= 15 or (chunk.isdigit() and digits >= 12):
                continue
            if (
                _DATE.fullmatch(chunk)
                # a timestamp: "2024-11-06 11:42" (the date and the hour)
                or (_DATE.match(chunk) is not None and text.startswith(":", candidate.end()))
                or _SSN_SHAPE.fullmatch(chunk)
                or _DECIMAL.fullmatch(chunk)
                or _is_dotted_quad(chunk)
            ):
                continue
            verdict = self._verdict(chunk)
            if verdict is None:
                continue
            region, grouped = verdict
            start = candidate.start()
            shaped = chunk.startswith("+") or (grouped and _SEPARATED.search(chunk) is not None)
            if labelled(text, start):
                yield Hit(start, candidate.end(), LABELLED, f"valid {region} number after a label")
            elif shaped:
                yield Hit(start, candidate.end(), SHAPED, f"valid {region} phone number")
            else:
                yield Hit(start, candidate.end(), WEAK, f"valid {region} number, no phone shape")

    def _verdict(self, chunk: str) -> tuple[str, bool] | None:
        """``(region, grouped)`` if libphonenumber calls ``chunk`` a valid number;
        ``grouped`` when its digits are grouped as the region writes them (a region that
        groups them so wins over one that merely accepts them: "0532 123 45 67" is
        Turkish, though valid in Germany too)."""
        if chunk.startswith("+"):
            number = _parse(chunk, None)
            if number is None or not phonenumbers.is_valid_number(number):
                return None
            # the "+" and the country code are the shape: any grouping is fine. The main
            # region of the code names it (RU for +7): which of a code's regions the number
            # belongs to would cost a second validation and changes nothing
            return phonenumbers.region_code_for_country_code(number.country_code or 0), True
        # bare digits have no grouping to check: only validity and the national prefix
        bare = chunk.isdigit()
        weak: str | None = None
        for region in self.regions:
            number = _parse(chunk, region)
            if number is None or not phonenumbers.is_valid_number(number):
                continue
            if not bare and _whole(chunk, region, Leniency.STRICT_GROUPING):
                return region, True
            if weak is not None and not _trunk_prefixed(chunk, region):
                continue  # a weak reading is had; only the trunk prefix could add to it
            if _whole(chunk, region, Leniency.VALID):
                if bare:
                    return region, False
                if _trunk_prefixed(chunk, region):
                    # grouped its own way, but written as a call inside the country is
                    # dialled: "0176 3490 2217", "0772 41 63 88", "8 7172 45 17 39"
                    return region, True
                weak = region
        return (weak, False) if weak is not None else None


def labelled(text: str, start: int) -> bool:
    """Whether a label such as "order" or "номер заказа" ends right before ``start``."""
    window = max(0, start - _LABEL_WINDOW)
    if _LABEL_BEFORE.search(text, window, start) is not None:
        return True
    sign = _NUMBER_SIGN_BEFORE.search(text, window, start)
    return sign is not None and _PHONE_WORD_BEFORE.search(text, window, sign.start()) is None


def _trunk_prefixed(chunk: str, region: str) -> bool:
    """Whether ``chunk`` (nine digits or more in three groups or more) opens with the trunk
    prefix ("0", "8") a call inside ``region`` is dialled with."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = metadata.national_prefix if metadata is not None else None
    groups = re.findall(r"\d+", chunk)
    digits = "".join(groups)
    # three groups or more, none of one digit: not "03-0419882" (an EIN) or an ISBN
    return (prefix in ("0", "8") and len(digits) >= 9 and digits.startswith(prefix)
            and len(groups) >= 3 and min(map(len, groups)) >= 2)


def _parse(chunk: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(chunk, region)
    except phonenumbers.NumberParseException:
        return None


def _whole(chunk: str, region: str, leniency: int) -> bool:
    """Whether libphonenumber's matcher, at ``leniency``, finds all of ``chunk``."""
    return any(
        m.start == 0 and m.end == len(chunk) for m in PhoneNumberMatcher(chunk, region, leniency)
    )


def _is_dotted_quad(chunk: str) -> bool:
    if not _DOTTED_QUAD.fullmatch(chunk):
        return False
    try:
        ipaddress.IPv4Address(chunk)
    except ValueError:
        return False
    return True
