"""A data subject's identifiers, as keyed hashes that survive the ways a value is written.

Consent covers the subject's own data, not a third person's named in the same request. A
value is the subject's when one of its forms hashes to one of the subject's identifiers:
the id the request names, and the identifiers recorded with a consent (its name, e-mail,
phone, IIN). Forms: the text case-folded with its spaces collapsed, its letters and digits
alone (``+7 701 234 56 78`` and ``87012345678`` share ``7012345678``-style forms), and a
phone number's international form.
"""

from __future__ import annotations

import unicodedata

import phonenumbers

from qorgan.consent.registry import SubjectHasher

#: where a phone number written without a country code is read as from
_PHONE_REGION = "KZ"


def identifier_forms(value: str) -> frozenset[str]:
    text = unicodedata.normalize("NFKC", value).casefold()
    forms = {" ".join(text.split()), "".join(ch for ch in text if ch.isalnum())}
    digits = sum(ch.isdigit() for ch in text)
    if 7 <= digits <= 17:
        try:
            number = phonenumbers.parse(value, _PHONE_REGION)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_valid_number(number):
            forms.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return frozenset(form for form in forms if form)


def identifier_keys(hasher: SubjectHasher, value: str) -> frozenset[str]:
    """The keyed hashes of ``value``'s forms: what a consent record stores and what a
    finding is matched against; the values themselves are never stored."""
    return frozenset(hasher.identifier(form) for form in identifier_forms(value))


__all__ = ["identifier_forms", "identifier_keys"]
