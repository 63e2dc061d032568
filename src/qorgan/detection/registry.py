"""Which pattern recognizers run for a configuration, and when each can be skipped.

Every recognizer comes with a cheap *trigger*: a regex (or substring) that must occur in
the text for the recognizer to have any chance. Most prompts contain no ``@``, no ``sk-``,
no twelve-digit run, so most recognizers are skipped without running their full patterns.

High-precision Presidio recognizers are on by default; low-precision ones (dates, NHS
numbers, driver licences, bank account numbers...) only when a configuration names their
entity.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import phonenumbers
import tldextract
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    CryptoRecognizer,
    DateRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    MacAddressRecognizer,
    MedicalLicenseRecognizer,
    NhsRecognizer,
    PhoneRecognizer,
    UrlRecognizer,
    UsBankRecognizer,
    UsItinRecognizer,
    UsLicenseRecognizer,
    UsPassportRecognizer,
    UsSsnRecognizer,
    UuidRecognizer,
)

from qorgan.detection.config import DetectionConfig
from qorgan.detection.context import ContextMatcher
from qorgan.detection.recognizers.custom import CustomPatternRecognizer
from qorgan.detection.recognizers.kz import (
    KzBinRecognizer,
    KzIbanRecognizer,
    KzIinRecognizer,
    KzPhoneRecognizer,
)
from qorgan.detection.recognizers.secrets import (
    ApiKeyRecognizer,
    AwsSecretKeyRecognizer,
    BearerTokenRecognizer,
    JwtRecognizer,
    PrivateKeyRecognizer,
)


def offline_tld() -> tldextract.TLDExtract:
    """The public-suffix snapshot bundled with tldextract: no fetch, no cache dir, no log."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


OFFLINE_TLD = offline_tld()


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer with an offline domain check and more context words."""

    CONTEXT = [  # noqa: RUF012 - Presidio's own class attribute shape
        "email", "e-mail", "mail", "address", "contact", "почта", "эл", "адрес",
        "пошта", "электрондық", "мекенжай",
    ]  # fmt: skip

    # Presidio's e-mail regex is the slowest of the set; addresses never contain spaces, so
    # it only needs to run on the space-free runs around each "@".
    CANDIDATE = re.compile(r"[^\s@]*@[^\s@]+")

    def __init__(self) -> None:
        super().__init__(context=list(self.CONTEXT))

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for candidate in self.CANDIDATE.finditer(text):
            found = super().analyze(candidate.group(), entities, nlp_artifacts, regex_flags)
            for result in found:
                result.start += candidate.start()
                result.end += candidate.start()
                results.append(result)
        return results

    def validate_result(self, pattern_text: str) -> bool:
        return OFFLINE_TLD(pattern_text.rsplit("@", 1)[-1]).fqdn != ""


class DashedSsnRecognizer(UsSsnRecognizer):
    """US SSN only in its dashed ``AAA-GG-SSSS`` form; bare nine digits are too ambiguous."""

    PATTERNS = [Pattern("SSN (dashed)", r"\b\d{3}-\d{2}-\d{4}\b", 0.5)]  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__(patterns=list(self.PATTERNS))


class IntlPhoneRecognizer(PhoneRecognizer):
    """Presidio's libphonenumber recognizer, run only on phone-shaped candidates.

    libphonenumber's matcher walks the whole text once per region, which dominated the
    cost of a long prompt; here a regex picks the digit runs that could be numbers and each
    is parsed once per region (a ``+`` number once) and kept if libphonenumber calls it
    valid. Dates, bare runs of twelve or more digits, and numbers right after a label such
    as "order" or "invoice" are not phones; nor does the word "number" alone suggest one.
    """

    CONTEXT = [  # noqa: RUF012
        *(word for word in PhoneRecognizer.CONTEXT if word != "number"),
        "tel",
        "телефон",
        "тел",
        "моб",
        "нөмір",
        "ұялы",
    ]
    CANDIDATE = re.compile(r"(?<![\w+])[+(]?\d[\d \-.()/]{5,20}\d(?!\w)")
    DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
    LABEL_BEFORE = re.compile(
        r"(?i)(?:order|invoice|ticket|ref|reference|tracking|code|id|no\.?|№|#|"
        r"заказ\w*|счет\w*|счёт\w*|тапсырыс\w*)\W{0,3}$"
    )

    def __init__(self) -> None:
        super().__init__(context=list(self.CONTEXT))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for candidate in self.CANDIDATE.finditer(text):
            chunk = candidate.group()
            digits = sum(c.isdigit() for c in chunk)
            # E.164 numbers have at most 15 digits; longer runs are cards or accounts.
            if not 7 <= digits <= 15 or (chunk.isdigit() and digits >= 12):
                continue
            if self.DATE.fullmatch(chunk) or self.LABEL_BEFORE.search(
                text[max(0, candidate.start() - 30) : candidate.start()]
            ):
                continue
            region = self._valid_region(chunk)
            if region is None:
                continue
            results.append(
                RecognizerResult(
                    entity_type="PHONE_NUMBER",
                    start=candidate.start(),
                    end=candidate.end(),
                    score=self.SCORE,
                    analysis_explanation=AnalysisExplanation(
                        recognizer=type(self).__name__,
                        original_score=self.SCORE,
                        textual_explanation=f"valid {region} phone number",
                    ),
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results

    def _valid_region(self, chunk: str) -> str | None:
        regions = (None,) if chunk.startswith("+") else self.supported_regions
        for region in regions:
            try:
                number = phonenumbers.parse(chunk, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return str(phonenumbers.region_code_for_number(number))
        return None


@dataclass(frozen=True, slots=True)
class Rule:
    """One recognizer, the entity it reports, its trigger and its context terms."""

    entity: str
    recognizer: EntityRecognizer
    trigger: re.Pattern[str] | None
    context: ContextMatcher

    @property
    def name(self) -> str:
        return type(self.recognizer).__name__

    def run(self, text: str) -> list[RecognizerResult]:
        # Pattern recognizers never read NLP artifacts; Presidio's signature still asks.
        found: list[RecognizerResult] = self.recognizer.analyze(
            text,
            [self.entity],
            None,  # type: ignore[arg-type]
        )
        return found


def _t(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_DIGITS12 = r"\d{12}"
_Factory = Callable[[], Any]

#: entity -> (recognizer factory, trigger), in the order they run
DEFAULT_RECOGNIZERS: dict[str, tuple[tuple[_Factory, str | None], ...]] = {
    "KZ_IIN": ((KzIinRecognizer, _DIGITS12),),
    "KZ_BIN": ((KzBinRecognizer, _DIGITS12),),
    "IBAN_CODE": (
        (KzIbanRecognizer, r"(?i)KZ\d\d"),
        (IbanRecognizer, r"[A-Z]{2}\d\d"),
    ),
    "PHONE_NUMBER": (
        (KzPhoneRecognizer, r"[+8][\s\-.(]{0,3}7"),
        (IntlPhoneRecognizer, r"\d[\d\s\-.()]{5,}\d"),
    ),
    "EMAIL_ADDRESS": ((OfflineEmailRecognizer, r"\w@\w"),),
    "CREDIT_CARD": ((CreditCardRecognizer, r"\d{4}"),),
    "IP_ADDRESS": ((IpRecognizer, r"\d\.\d|[0-9A-Fa-f]:[0-9A-Fa-f:]*:|::"),),
    "US_SSN": ((DashedSsnRecognizer, r"\d{3}-\d\d-\d{4}"),),
    "SECRET": (
        (ApiKeyRecognizer, r"AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|xox[abprs]-|sk-|AIza"),
        (AwsSecretKeyRecognizer, r"(?i)aws"),
        (PrivateKeyRecognizer, r"PRIVATE KEY-----"),
        (JwtRecognizer, r"eyJ"),
        (BearerTokenRecognizer, r"(?i)bearer|authorization"),
    ),
    # low precision: only when a configuration names them
    "US_BANK_NUMBER": ((UsBankRecognizer, r"\d{8}"),),
    "US_DRIVER_LICENSE": ((UsLicenseRecognizer, None),),
    "US_ITIN": ((UsItinRecognizer, r"9\d\d"),),
    "US_PASSPORT": ((UsPassportRecognizer, r"\d{8}"),),
    "UK_NHS": ((NhsRecognizer, r"\d{3}"),),
    "CRYPTO": ((CryptoRecognizer, r"[13b]"),),
    "DATE_TIME": ((DateRecognizer, r"\d"),),
    "MEDICAL_LICENSE": ((MedicalLicenseRecognizer, r"\d{7}"),),
    "MAC_ADDRESS": ((MacAddressRecognizer, r"[0-9A-Fa-f]{2}[:\-.]"),),
    "UUID": ((UuidRecognizer, r"[0-9A-Fa-f]{8}-"),),
    "URL": ((UrlRecognizer, r"\w\.\w"),),
}

PATTERN_ENTITIES: frozenset[str] = frozenset(DEFAULT_RECOGNIZERS)


def build_rules(config: DetectionConfig) -> list[Rule]:
    """Instantiate the recognizers ``config`` asks for, plus its custom patterns."""
    rules: list[Rule] = []
    for entity in config.entities:
        for factory, trigger in DEFAULT_RECOGNIZERS.get(entity, ()):
            recognizer = factory()
            rules.append(
                Rule(
                    entity=entity,
                    recognizer=recognizer,
                    trigger=_t(trigger) if trigger else None,
                    context=ContextMatcher(recognizer.context or ()),
                )
            )
    for spec in config.custom:
        custom = CustomPatternRecognizer(spec)
        rules.append(Rule(spec.entity, custom, None, ContextMatcher(spec.context)))
    return rules
