"""Typed detector configuration (the policy's ``detection:`` section maps onto it)."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field

#: High-precision defaults; low-precision recognizers stay off unless a policy enables them.
DEFAULT_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "LOCATION",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "KZ_IIN",
    "KZ_BIN",
    "SECRET",
    "US_SSN",
    "DATE_OF_BIRTH",
    "KZ_PASSPORT",
    "KZ_ID_CARD",
    "STREET_ADDRESS",
)

#: regions whose national numbering plans phone numbers written without ``+`` are read in
DEFAULT_PHONE_REGIONS: tuple[str, ...] = (
    "KZ", "RU", "US", "GB", "DE", "FR", "TR", "CN", "UZ", "KG",
)  # fmt: skip

SUPPORTED_LANGUAGES: frozenset[str] = frozenset({"en", "ru", "kk"})


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomPattern:
    """A policy-defined regex recognizer, e.g. ``EMPLOYEE_ID`` = ``EMP-\\d{6}``."""

    entity: str
    regex: str
    score: float = 0.8
    context: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", self.entity):
            raise ValueError("custom entity names are upper-case identifiers, e.g. EMPLOYEE_ID")
        if not 0.0 < self.score <= 1.0:
            raise ValueError("custom score must be in (0, 1]")
        try:
            re.compile(self.regex)
        except re.error as exc:
            raise ValueError(f"custom regex for {self.entity} does not compile: {exc}") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectionConfig:
    languages: tuple[str, ...] = ("en", "ru", "kk")
    threshold: float = 0.5
    entities: tuple[str, ...] = DEFAULT_ENTITIES
    #: exact strings never reported (case-insensitive), e.g. a company's own name
    allow: tuple[str, ...] = ()
    custom: tuple[CustomPattern, ...] = field(default=())
    #: ISO 3166 regions (libphonenumber's codes) for numbers written in national format
    phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError("threshold must be in [0, 1]")
        unknown = set(self.languages) - SUPPORTED_LANGUAGES
        if unknown:
            raise ValueError(
                f"unsupported languages {sorted(unknown)}; supported: {sorted(SUPPORTED_LANGUAGES)}"
            )
        if not self.languages:
            raise ValueError("at least one language is required")
        _check_phone_regions(self.phone_regions)

    @property
    def fingerprint(self) -> str:
        """Stable hash of the configuration: part of every detection-cache key."""
        return _fingerprint(self)


def _check_phone_regions(regions: tuple[str, ...]) -> None:
    # libphonenumber's metadata loads lazily; importing it here costs no start-up time
    import phonenumbers

    unknown = sorted(set(regions) - set(phonenumbers.SUPPORTED_REGIONS))
    if unknown:
        raise ValueError(
            f"unknown phone regions {unknown}: use libphonenumber's two-letter region codes "
            "(GB, not UK)"
        )
    if len(set(regions)) != len(regions):
        raise ValueError("phone regions are listed twice")


@functools.lru_cache(maxsize=256)
def _fingerprint(config: DetectionConfig) -> str:
    # asked for on every request; a configuration is frozen, so its hash never changes
    blob = json.dumps(asdict(config), sort_keys=True, default=list).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
