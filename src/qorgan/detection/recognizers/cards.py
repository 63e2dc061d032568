"""Payment card numbers, Luhn-checked, grouped by spaces, dashes or dots or not at all.

Presidio's card pattern knows spaces and dashes; cards are pasted with dots too
(``4111.1111.1111.1111``), and Mir (``2200 ...``) and Mastercard's 2-series start with a 2,
which its pattern does not cover. The separator must be the same between all groups, so a
date followed by a number is not read as one card.
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer
from stdnum import luhn

_START = r"(?<![\w.\-])"
_END = r"(?![\w]|[.\-]\d)"


class CardRecognizer(PatternRecognizer):
    """Visa, Mastercard, Mir, Amex, Diners, Discover, JCB and UnionPay card numbers."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(name, _START + regex + _END, 0.3)
        for name, regex in (
            # 16 or 19 digits in groups of four
            ("card (4x4)", r"[2-6]\d{3}(?P<s>[ .\-]?)\d{4}(?P=s)\d{4}(?P=s)\d{4}(?:(?P=s)\d{3})?"),
            # Amex 4-6-5 and Diners 4-6-4
            ("card (4-6-5)", r"3\d{3}(?P<s>[ .\-]?)\d{6}(?P=s)\d{4,5}"),
            ("card (ungrouped)", r"[2-6]\d{12,18}"),
        )
    ]
    CONTEXT: ClassVar[list[str]] = [
        "credit", "card", "visa", "mastercard", "amex", "discover", "jcb", "diners", "maestro",
        "unionpay", "mir", "карта", "карты", "картой", "карточка", "картасы",
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__(
            supported_entity="CREDIT_CARD",
            name="CardRecognizer",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=re.DOTALL | re.MULTILINE,
        )

    def validate_result(self, pattern_text: str) -> bool:
        digits = re.sub(r"\D", "", pattern_text)
        return 13 <= len(digits) <= 19 and bool(luhn.is_valid(digits))
