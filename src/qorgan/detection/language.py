"""Per-text language routing: which of English, Russian and Kazakh a text contains.

The router decides which NER backends run on a text, so it errs towards inclusion: a
code-switched message returns every language it contains, and running one backend too
many costs time, never protection. It is a few regex scans and set lookups, linear in the
text, because it runs on every message slot before detection.

Signals, strongest first:

- script: Latin words mean English (inside Cyrillic text only when they are at least a
  quarter as many as the Cyrillic words: a brand name is not English); Cyrillic words
  mean Russian or Kazakh;
- the nine letters only Kazakh Cyrillic has (ә ғ қ ң ө ұ ү һ і) mean Kazakh;
- stop words tell Kazakh typed without its letters (common in chat: "мен", "жане",
  "ушин") from Russian ("и", "в", "что"), and spot Russian sentences in Kazakh text.
"""

from __future__ import annotations

import re

from qorgan.detection.recognizers.lexicon import fold, read_lines

__all__ = ["KAZAKH_LETTERS", "detect_languages"]

KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

# Whole Latin words only: the "KZ" of an IBAN or a card's "KZT" is not English.
_LATIN_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
_CYRILLIC = re.compile(r"[\u0400-\u0481\u048a-\u04ff]")
_KAZAKH_LETTER = re.compile(f"[{KAZAKH_LETTERS}]")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u0481\u048a-\u04ff]+")
# Counts each word with a Kazakh letter once: from its first such letter to its end.
_KAZAKH_WORD = re.compile(rf"[{KAZAKH_LETTERS}]\w*")


def _stop_words(name: str) -> frozenset[str]:
    # Both spellings, so text words are looked up lower-cased but not folded (folding the
    # whole text costs more than the rest of the routing together).
    raw = {w.lower() for line in read_lines(name) for w in line.split()}
    return frozenset(raw | {fold(w) for w in raw})


# Shared forms ("не" is Kazakh "what", "да" is a particle in both) vote for neither.
_RUSSIAN_STOP = _stop_words("ru_stopwords.txt") - _stop_words("kk_stopwords.txt")
_KAZAKH_STOP = _stop_words("kk_stopwords.txt") - _stop_words("ru_stopwords.txt")

# A language needs at least this share of the other's votes to count as present, so one
# stray word in a long text does not add a language, while a short mixed message keeps both.
_MINORITY_SHARE = 0.25


def detect_languages(text: str) -> frozenset[str]:
    """Return the subset of ``{"en", "ru", "kk"}`` that ``text`` contains.

    Digits, punctuation and empty text contain no language and return an empty set.
    Cyrillic with no Kazakh signal is Russian.
    """
    found: set[str] = set()
    latin_words = len(_LATIN_WORD.findall(_without_addresses(text)))
    if _CYRILLIC.search(text):
        found.update(_cyrillic_languages(text))
        # A brand or two in Latin letters ("Kaspi Bank") inside Russian or Kazakh text is
        # not English; English NER on the Cyrillic around it only adds false findings.
        cyrillic_words = len(_CYRILLIC_WORD.findall(text)) if latin_words else 0
        if latin_words and latin_words >= _MINORITY_SHARE * cyrillic_words:
            found.add("en")
    elif latin_words:
        found.add("en")
    return frozenset(found)


def _without_addresses(text: str) -> str:
    """Drop e-mail addresses and URLs: they are Latin whatever language surrounds them."""
    if "@" not in text and "://" not in text and "www." not in text:
        return text
    return " ".join(w for w in text.split() if "@" not in w and "://" not in w and "www." not in w)


def _cyrillic_languages(text: str) -> set[str]:
    # map() over set membership keeps the per-word work in C: the router runs on every text.
    words = _CYRILLIC_WORD.findall(text.lower())
    ru_votes = sum(map(_RUSSIAN_STOP.__contains__, words))
    kk_votes = sum(map(_KAZAKH_STOP.__contains__, words))
    has_kazakh_letter = _KAZAKH_LETTER.search(text) is not None
    if has_kazakh_letter:
        kk_votes += len(_KAZAKH_WORD.findall(text))
    languages: set[str] = set()
    if has_kazakh_letter or (kk_votes and kk_votes >= _MINORITY_SHARE * ru_votes):
        languages.add("kk")
    if not languages or (ru_votes and ru_votes >= _MINORITY_SHARE * kk_votes):
        languages.add("ru")
    return languages
