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

from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.predefined_recognizers import (
    CryptoRecognizer,
    DateRecognizer,
    IbanRecognizer,
    IpRecognizer,
    MacAddressRecognizer,
    MedicalLicenseRecognizer,
    NhsRecognizer,
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
from qorgan.detection.recognizers import birth, name_columns, place_fields, speakers, ssn
from qorgan.detection.recognizers.addresses import StreetAddressRecognizer
from qorgan.detection.recognizers.birth import DateOfBirthRecognizer
from qorgan.detection.recognizers.cards import CardRecognizer
from qorgan.detection.recognizers.custom import CustomPatternRecognizer
from qorgan.detection.recognizers.emails import (
    OFFLINE_TLD,
    ObfuscatedEmailRecognizer,
    OfflineEmailRecognizer,
    offline_tld,
)
from qorgan.detection.recognizers.han import HAN, HanNameRecognizer, HanPlaceRecognizer
from qorgan.detection.recognizers.handles import HANDLE, HandleRecognizer
from qorgan.detection.recognizers.kz import (
    KzBinRecognizer,
    KzIbanRecognizer,
    KzIinRecognizer,
    KzPhoneRecognizer,
)
from qorgan.detection.recognizers.kz_documents import KzIdCardRecognizer, KzPassportRecognizer
from qorgan.detection.recognizers.name_columns import NameColumnRecognizer
from qorgan.detection.recognizers.phones import IntlPhoneRecognizer
from qorgan.detection.recognizers.place_fields import PlaceFieldRecognizer
from qorgan.detection.recognizers.postal import POSTAL, PostalTownRecognizer
from qorgan.detection.recognizers.scan import AnyWord
from qorgan.detection.recognizers.secrets import (
    API_KEY_PREFIXES,
    ApiKeyRecognizer,
    AwsSecretKeyRecognizer,
    BearerTokenRecognizer,
    JwtRecognizer,
    LabelledPasswordRecognizer,
    PrivateKeyRecognizer,
    UrlPasswordRecognizer,
)
from qorgan.detection.recognizers.speakers import SpeakerRecognizer
from qorgan.detection.recognizers.ssn import CuedSsnRecognizer

__all__ = [
    "DEFAULT_RECOGNIZERS",
    "OFFLINE_TLD",
    "PATTERN_ENTITIES",
    "Rule",
    "build_rules",
    "offline_tld",
]


class DashedSsnRecognizer(UsSsnRecognizer):
    """US SSN only in its dashed ``AAA-GG-SSSS`` form; bare nine digits are too ambiguous."""

    PATTERNS = [Pattern("SSN (dashed)", r"\b\d{3}-\d{2}-\d{4}\b", 0.5)]  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__(patterns=list(self.PATTERNS))

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        # "Part No. 550-21-4083", "ticket 402-88-1937", a cell of an "sku" column and the
        # number joined after such a one: a labelled number is what its label says, not an
        # SSN; "CLM-448-21-9906" is part of a claim number; an ITIN (9xx-...) or a number
        # the SSA never issues is none either
        found = sorted(super().analyze(text, entities, nlp_artifacts, regex_flags),
                       key=lambda r: r.start)
        other = ssn.other_numbers(text, [(r.start, r.end) for r in found]) if found else set()
        return [
            r for r in found
            if (r.start, r.end) not in other
            and ssn.issuable(text[r.start : r.end].replace("-", ""))
        ]


@dataclass(frozen=True, slots=True)
class Rule:
    """One recognizer, the entity it reports, its trigger and its context terms."""

    entity: str
    recognizer: EntityRecognizer
    trigger: re.Pattern[str] | AnyWord | None
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
#: builds one recognizer for a configuration (most need nothing from it)
Factory = Callable[[DetectionConfig], EntityRecognizer]


def _plain(cls: Callable[[], EntityRecognizer]) -> Factory:
    return lambda _config: cls()


def _intl_phone(config: DetectionConfig) -> EntityRecognizer:
    return IntlPhoneRecognizer(regions=config.phone_regions)


#: a regex, words any of which must occur (ignoring case), or nothing to check
TriggerSpec = str | AnyWord | None

#: entity -> (recognizer factory, trigger), in the order they run
DEFAULT_RECOGNIZERS: dict[str, tuple[tuple[Factory, TriggerSpec], ...]] = {
    "KZ_IIN": ((_plain(KzIinRecognizer), _DIGITS12),),
    "KZ_BIN": ((_plain(KzBinRecognizer), _DIGITS12),),
    "KZ_PASSPORT": ((_plain(KzPassportRecognizer), r"N\s?\d{8}"),),
    "KZ_ID_CARD": (
        (
            _plain(KzIdCardRecognizer),
            AnyWord("удостоверени", "удост", "уд.", "удл", "куәлі", "куәландыр", "card",
                    "карт", "kapt", "identity document", "national id"),
        ),
    ),
    "IBAN_CODE": (
        (_plain(KzIbanRecognizer), r"(?i)KZ\d\d"),
        (_plain(IbanRecognizer), r"[A-Z]{2}\d\d"),
    ),
    "PHONE_NUMBER": (
        (_plain(KzPhoneRecognizer), r"[+8][\s\-.(]{0,3}7"),
        (_intl_phone, r"\d[\d\s\-.()/\u2010-\u2015\u2212]{5,}\d"),
    ),
    "EMAIL_ADDRESS": (
        (_plain(OfflineEmailRecognizer), r"\w@\w"),
        (
            _plain(ObfuscatedEmailRecognizer),
            AnyWord("at)", "at]", "at}", "at>", "@)", "@]", "-at-", "собака", " @ ", "dot",
                    "точка", ".)", ".]", " . ", " at gmail.", " at mail.", " at yandex.",
                    " at outlook.", " at hotmail.", " at yahoo.", " at icloud.", " at inbox.",
                    " at list.", " at bk.", " at ya.", " at proton", " at live.",
                    " at googlemail.", " at rambler."),
        ),
    ),
    "CREDIT_CARD": ((_plain(CardRecognizer), r"[2-6]\d{3}"),),
    "IP_ADDRESS": ((_plain(IpRecognizer), r"\d\.\d|[0-9A-Fa-f]:[0-9A-Fa-f:]*:|::"),),
    "US_SSN": (
        (_plain(DashedSsnRecognizer), r"\d{3}-\d\d-\d{4}"),
        (_plain(CuedSsnRecognizer), ssn.CUES),
    ),
    "SECRET": (
        (_plain(ApiKeyRecognizer), API_KEY_PREFIXES),
        (_plain(AwsSecretKeyRecognizer), AnyWord("aws", "akia", "asia")),
        (_plain(PrivateKeyRecognizer), r"PRIVATE KEY-----"),
        (_plain(JwtRecognizer), r"eyJ"),
        (_plain(BearerTokenRecognizer), r"(?i)bearer|authorization"),
        (_plain(UrlPasswordRecognizer), r"://[^\s/@]*:[^\s/]*@"),
        (
            _plain(LabelledPasswordRecognizer),
            AnyWord("pass", "pwd", "pin", "пин", "парол", "құпия"),
        ),
    ),
    "DATE_OF_BIRTH": ((_plain(DateOfBirthRecognizer), birth.CUES),),
    # names in a table's name column; everything else about names is NER's
    "PERSON": (
        (_plain(NameColumnRecognizer), name_columns.CUES),
        (_plain(SpeakerRecognizer), speakers.CUES),
        (_plain(HanNameRecognizer), HAN),
        (_plain(HandleRecognizer), HANDLE),
    ),
    # places in Han characters; everything else about places is NER's and the gazetteers'
    "LOCATION": (
        (_plain(HanPlaceRecognizer), HAN),
        (_plain(PlaceFieldRecognizer), place_fields.CUES),
        (_plain(PostalTownRecognizer), POSTAL),
    ),
    # its street-type words are its trigger: it looks for them first, cheaply
    "STREET_ADDRESS": ((_plain(StreetAddressRecognizer), None),),
    # low precision: only when a configuration names them
    "US_BANK_NUMBER": ((_plain(UsBankRecognizer), r"\d{8}"),),
    "US_DRIVER_LICENSE": ((_plain(UsLicenseRecognizer), None),),
    "US_ITIN": ((_plain(UsItinRecognizer), r"9\d\d"),),
    "US_PASSPORT": ((_plain(UsPassportRecognizer), r"\d{8}"),),
    "UK_NHS": ((_plain(NhsRecognizer), r"\d{3}"),),
    "CRYPTO": ((_plain(CryptoRecognizer), r"[13b]"),),
    "DATE_TIME": ((_plain(DateRecognizer), r"\d"),),
    "MEDICAL_LICENSE": ((_plain(MedicalLicenseRecognizer), r"\d{7}"),),
    "MAC_ADDRESS": ((_plain(MacAddressRecognizer), r"[0-9A-Fa-f]{2}[:\-.]"),),
    "UUID": ((_plain(UuidRecognizer), r"[0-9A-Fa-f]{8}-"),),
    "URL": ((_plain(UrlRecognizer), r"\w\.\w"),),
}

PATTERN_ENTITIES: frozenset[str] = frozenset(DEFAULT_RECOGNIZERS)


def build_rules(config: DetectionConfig) -> list[Rule]:
    """Instantiate the recognizers ``config`` asks for, plus its custom patterns."""
    rules: list[Rule] = []
    for entity in config.entities:
        for factory, trigger in DEFAULT_RECOGNIZERS.get(entity, ()):
            recognizer = factory(config)
            rules.append(
                Rule(
                    entity=entity,
                    recognizer=recognizer,
                    trigger=_t(trigger) if isinstance(trigger, str) else trigger,
                    context=ContextMatcher(recognizer.context or ()),
                )
            )
    for spec in config.custom:
        custom = CustomPatternRecognizer(spec)
        rules.append(Rule(spec.entity, custom, None, ContextMatcher(spec.context)))
    return rules
