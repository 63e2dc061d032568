"""Kazakhstan identifiers: IIN, BIN, KZ IBAN and Kazakh phone numbers.

Each is a thin Presidio ``PatternRecognizer``: a regex finds candidates, ``validate_result``
checks the structure (date, type digits, check digit, libphonenumber metadata) so that a
random twelve-digit number is not reported as an IIN. Formats: ``LAW.md`` beside the design.

An IIN or BIN may touch letters (``ИИН:901123300258``, ``iin901123300258``): the check digit
and the date decide, not what it is glued to; it may not touch other digits. Groups split
by spaces, dots, dashes, slashes or underscores are joined by the normalizer first.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

import phonenumbers
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from stdnum import iban as stdnum_iban

from qorgan.detection.recognizers.phones import LABELLED, labelled

_FLAGS = re.DOTALL | re.MULTILINE
_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def kz_check_digit(digits: str) -> int | None:
    """The IIN/BIN check digit of the first eleven digits, or ``None`` if there is none."""
    values = [int(c) for c in digits[:11]]
    check = sum(w * v for w, v in zip(_WEIGHTS_1, values, strict=True)) % 11
    if check == 10:
        check = sum(w * v for w, v in zip(_WEIGHTS_2, values, strict=True)) % 11
    return None if check == 10 else check


def _checksum_ok(digits: str) -> bool:
    return len(digits) == 12 and digits.isdigit() and kz_check_digit(digits) == int(digits[11])


def is_valid_iin(value: str) -> bool:
    """A twelve-digit IIN: real birth date, century digit 1-6, correct check digit."""
    digits = value.strip()
    if not _checksum_ok(digits):
        return False
    century = _CENTURY.get(int(digits[6]))
    if century is None:
        return False
    try:
        dt.date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return True


def is_valid_bin(value: str) -> bool:
    """A twelve-digit BIN: ``YYMM``, type 4/5/6, division 0-3, correct check digit."""
    digits = value.strip()
    if not _checksum_ok(digits):
        return False
    month = int(digits[2:4])
    return 1 <= month <= 12 and digits[4] in "456" and digits[5] in "0123"


class KzIinRecognizer(PatternRecognizer):
    """ИИН / ЖСН: individual identification number."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("KZ IIN (12 digits)", r"(?<!\d)\d{12}(?!\d)", 0.85),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "iin", "individual identification", "identification number", "id number",
        "national id", "passport", "иин", "индивидуальный идентификационный",
        "удостоверение", "паспорт", "жсн", "жеке сәйкестендіру", "жеке куәлік",
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__(
            supported_entity="KZ_IIN",
            name="KzIinRecognizer",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=_FLAGS,
        )

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_iin(pattern_text)


class KzBinRecognizer(PatternRecognizer):
    """БИН / БСН: business identification number."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("KZ BIN (12 digits)", r"(?<!\d)\d{4}[456][0-3]\d{6}(?!\d)", 0.85),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "bin", "business identification", "company", "llp", "jsc", "бин", "бизнес",
        "тоо", "ао", "компания", "организация", "бсн", "серіктестік", "ұйым",
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__(
            supported_entity="KZ_BIN",
            name="KzBinRecognizer",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=_FLAGS,
        )

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_bin(pattern_text)


class KzIbanRecognizer(PatternRecognizer):
    """A Kazakh IBAN (ИИК / ЖСК), 20 characters, optionally in groups of four."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "KZ IBAN",
            r"(?<![A-Za-z0-9])KZ\d{2}(?:[ \-]?[A-Za-z0-9]{4}){4}(?![A-Za-z0-9])",
            0.6,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "iban", "account", "bank", "transfer", "иик", "счет", "счёт", "банк",
        "реквизиты", "перевод", "жск", "шот", "шоты", "банкі", "аудару",
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__(
            supported_entity="IBAN_CODE",
            name="KzIbanRecognizer",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=_FLAGS | re.IGNORECASE,
        )

    def validate_result(self, pattern_text: str) -> bool:
        compact = re.sub(r"[ \-]", "", pattern_text).upper()
        return compact.startswith("KZ") and bool(stdnum_iban.is_valid(compact))


class KzPhoneRecognizer(PatternRecognizer):
    """A Kazakh phone number: ``+7``/``8``, then a ten-digit national number starting with 7.

    libphonenumber's metadata decides validity (region KZ). A valid number keeps its pattern
    score rather than jumping to certainty: a bare ``8 7xx`` string is likelier to be
    something else than a checksummed identifier is. Right after a label ("order", "номер
    заказа") it scores as low as any labelled number (``phones.py``).
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "KZ phone (+7)",
            r"(?<![\w+])\+\s?7[\s\-.]?\(?\s?7\d{2,3}\s?\)?(?:[\s\-.]?\d){6,7}(?!\d)",
            0.75,
        ),
        Pattern(
            "KZ phone (8)",
            r"(?<![\w+])8[\s\-.]?\(?\s?7\d{2,3}\s?\)?(?:[\s\-.]?\d){6,7}(?!\d)",
            0.6,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "phone", "telephone", "tel", "mobile", "cell", "call", "whatsapp", "telegram",
        "contact", "телефон", "тел", "моб", "мобильный", "сотовый", "звоните", "номер",
        "нөмір", "ұялы", "хабарласыңыз",
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            name="KzPhoneRecognizer",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=_FLAGS,
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = super().analyze(
            text, entities, nlp_artifacts, regex_flags
        )
        for result in results:
            # "номер заказа 8 701 ..." is an order number, as for international numbers
            if labelled(text, result.start):
                result.score = LABELLED
        return results

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = re.sub(r"\D", "", pattern_text)
        if len(digits) != 11:
            return False
        try:
            number = phonenumbers.parse("+7" + digits[1:], None)
        except phonenumbers.NumberParseException:
            return False
        ok = phonenumbers.is_valid_number(number) and (
            phonenumbers.region_code_for_number(number) == "KZ"
        )
        # None keeps the pattern score (see the class docstring); False drops the match.
        return None if ok else False
