"""Placeholder tokens (``<PERSON_1>``, ``<KZ_IIN_2>``) and value normalization.

Models keep angle-bracketed upper-case tokens intact, and the numbering makes each token
distinct within a conversation. The grammar is fixed and bounded so a stream can tell
whether a text tail might still grow into a token (see ``restore.partial_token_suffix``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import phonenumbers

MAX_ENTITY_LEN = 48
#: ``<`` + entity type + ``_`` + up to 10 digits + ``>``
MAX_PLACEHOLDER_LEN = MAX_ENTITY_LEN + 13

_N = MAX_ENTITY_LEN - 1
ENTITY_RE = re.compile(rf"[A-Z][A-Z0-9_]{{0,{_N}}}")
PLACEHOLDER_RE = re.compile(rf"<([A-Z][A-Z0-9_]{{0,{_N}}})_([1-9][0-9]{{0,9}})>")
#: a text tail that could still become a placeholder: ``<``, ``<PER``, ``<PERSON_1`` ...
#: (the character class already admits the ``_`` and digits of the number)
PLACEHOLDER_PREFIX_RE = re.compile(rf"<(?:[A-Z][A-Z0-9_]{{0,{MAX_PLACEHOLDER_LEN - 3}}})?\Z")

#: identifiers whose formatting carries no meaning: only the digits identify them
_DIGIT_TYPES = frozenset({"KZ_IIN", "KZ_BIN", "KZ_RNN", "KZ_ID_CARD", "CREDIT_CARD", "US_SSN"})
#: identifiers of letters and digits whose separators and letter case carry no meaning
_ALNUM_TYPES = frozenset({"IBAN_CODE", "KZ_PASSPORT"})
_NOT_ALNUM = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")


def check_entity_type(entity_type: str) -> str:
    if not ENTITY_RE.fullmatch(entity_type):
        raise ValueError(
            f"entity types are upper-case identifiers of at most {MAX_ENTITY_LEN} characters"
        )
    return entity_type


def format_placeholder(entity_type: str, number: int) -> str:
    if number < 1:
        raise ValueError("placeholder numbers start at 1")
    return f"<{check_entity_type(entity_type)}_{number}>"


def is_placeholder(text: str) -> bool:
    return PLACEHOLDER_RE.fullmatch(text) is not None


def find_placeholders(text: str) -> list[str]:
    """Placeholder-shaped strings in ``text`` (in order, without duplicates)."""
    if "<" not in text:
        return []
    return list(dict.fromkeys(m.group(0) for m in PLACEHOLDER_RE.finditer(text)))


@functools.lru_cache(maxsize=4096)
def normalize_value(entity_type: str, value: str) -> str:
    """The form a value is keyed by, so spellings of one value share one token.

    ``+7 701 234 5678`` and ``87012345678`` are one phone; ``Ann@X.kz`` and ``ann@x.kz``
    one address; ``9011 2330 0258`` and ``901123300258`` one IIN. Cached: a conversation
    resends its values every turn, and parsing a phone number is the costly case.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    if entity_type == "PHONE_NUMBER":
        try:
            parsed = phonenumbers.parse(text, "KZ")
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is not None and phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        digits = re.sub(r"\D", "", text)
        return digits or text.casefold()
    if entity_type in _DIGIT_TYPES:
        digits = re.sub(r"\D", "", text)
        return digits or text.casefold()
    if entity_type in _ALNUM_TYPES:
        return _NOT_ALNUM.sub("", text).upper() or text.casefold()
    return _SPACES.sub(" ", text).casefold()
