"""Russian word classes from pymorphy3's dictionary, for the rules that need to know a
verb ("Посоветуй") or a common noun ("лилия") from a name. The dictionary loads on the first
question, and each answer is cached."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["is_common_noun", "is_everyday", "is_verb"]

#: pymorphy3's tags for a verb form (finite, infinitive, gerund) and for a proper name
_VERB_TAGS = frozenset({"VERB", "INFN", "GRND"})
_PROPER_TAGS = ("Geox", "Name", "Surn", "Patr", "Orgn")


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3  # the Russian dictionary loads on the first sentence-opening span

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=4096)
def is_verb(word: str) -> bool:
    """Whether a Cyrillic word is a Russian verb form in every reading the dictionary knows
    ("Посоветуй", "Назначить"), and never a place or a name."""
    if not _cyrillic_word(word):
        return False
    parses = _morph().parse(word)
    return bool(parses) and all(p.tag.POS in _VERB_TAGS and not _proper(p) for p in parses)


@lru_cache(maxsize=4096)
def is_common_noun(word: str) -> bool:
    """Whether a Cyrillic word may be a Russian common noun in the nominative ("лилия",
    which is a rare name too; "тюльпан")."""
    if not _cyrillic_word(word):
        return False
    return any(
        p.tag.POS == "NOUN" and "nomn" in p.tag and not _proper(p) for p in _morph().parse(word)
    )


def _proper(parse: Any) -> bool:
    """Whether a reading is of a name, a surname, a patronymic, a place or an organisation."""
    return any(tag in parse.tag for tag in _PROPER_TAGS)


def _cyrillic_word(word: str) -> bool:
    return word.isalpha() and any("\u0400" <= ch <= "\u04ff" for ch in word)


@lru_cache(maxsize=4096)
def is_everyday(word: str) -> bool:
    """Whether the dictionary knows a Cyrillic word and never as a name, a surname, a
    patronymic or a place ("Буду", "Личное", "Код"; not "Роза", "Надежда")."""
    if not _cyrillic_word(word):
        return False
    parses = _morph().parse(word)
    return bool(parses) and all(p.is_known and not _proper(p) for p in parses)
