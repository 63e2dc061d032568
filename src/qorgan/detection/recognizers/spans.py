"""Repairs to spans from the Russian model, for the mistakes it makes on chat text.

The slovnet model was trained on news. In chat it reads an imperative that opens a
message ("Перепиши, ...", "Подскажи, ...") as a name being addressed, swallows an account
number after an organisation, stops an organisation before its closing quote, and takes
a function word in front of a name into the name. Each repair is a narrow rule.
"""

from __future__ import annotations

import re

from qorgan.detection.recognizers.lexicon import fold, read_words
from qorgan.detection.recognizers.morph import is_everyday, is_verb
from qorgan.detection.recognizers.names import NameLexicon, is_listed_name, starts_sentence

__all__ = ["clean_span"]

_LONG_NUMBER = re.compile(r"\d{5}")
_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_CLOSING = {"«": "»", '"': '"', "“": "”", "„": "“"}
_MAX_QUOTED = 80


def clean_span(
    text: str, entity: str, start: int, end: int, lex: NameLexicon
) -> tuple[int, int] | None:
    """The repaired ``(start, end)`` of a model span, or ``None`` to drop it."""
    if _LONG_NUMBER.search(text, start, end) or _cuts_word(text, start, end):
        return None
    drop = lex.not_names | lex.context if entity == "PERSON" else lex.not_names
    start, end = _trim(text, start, end, drop)
    if end <= start:
        return None
    value = text[start:end]
    words = value.split()
    if len(words) == 1 and fold(value) in read_words("not_orgs.txt"):
        return None
    if len(words) == 1 and starts_sentence(text, start) and is_verb(value):
        return None  # "Посоветуй, куда сходить": the model's place is the request's verb
    if entity == "PERSON" and len(words) == 1 and is_everyday(value):
        return None  # "Кэш очищали": a word the dictionary knows, never as a name
    if entity == "PERSON":
        # An imperative opening a message ("Передай Бакытжану ...") is not part of a name.
        names = list(_LETTERS.finditer(text, start, end))
        if (
            names
            and starts_sentence(text, names[0].start())
            and not is_listed_name(names[0].group(), lex)
        ):
            if len(names) == 1:
                return None
            start = names[1].start()
    elif entity == "ORGANIZATION":
        end = _close_quote(text, start, end)
    return start, end


def _cuts_word(text: str, start: int, end: int) -> bool:
    """A span that ends inside a token ("KZ" of an IBAN) is not an entity."""
    return (end < len(text) and text[end].isalnum()) or (start > 0 and text[start - 1].isalnum())


def _trim(text: str, start: int, end: int, drop: frozenset[str]) -> tuple[int, int]:
    """Drop function words, greetings and announcing words from either edge of the span."""
    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    while words and fold(text[words[0][0] : words[0][1]].strip(",.:;!?")) in drop:
        words.pop(0)
    while words and fold(text[words[-1][0] : words[-1][1]].strip(",.:;!?")) in drop:
        words.pop()
    if not words:
        return start, start
    return words[0][0], words[-1][1]


def _close_quote(text: str, start: int, end: int) -> int:
    value = text[start:end]
    for opening, closing in _CLOSING.items():
        at = value.find(opening)
        if at < 0 or value.find(closing, at + 1) >= 0:
            continue
        close = text.find(closing, end, end + _MAX_QUOTED)
        newline = text.find("\n", end, close if close >= 0 else end)
        if close >= 0 and newline < 0:
            return close + 1
    return end
