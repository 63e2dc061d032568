"""Words of Russian and Kazakh text with exact offsets, for the name lists to read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qorgan.detection.recognizers.lexicon import fold

__all__ = ["Token", "adjacent", "before_spaces", "one_space", "starts_sentence", "tokenize"]

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?")
_SENTENCE_END = frozenset(".!?…\n")
_OPENERS = frozenset("\"'«“„([—–- \t\r")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    folded: str
    capitalized: bool
    sentence_initial: bool
    initial: bool  # a one-letter abbreviation such as "А."


def tokenize(text: str) -> list[Token]:
    """Words with exact code-point offsets; an initial keeps its full stop."""
    tokens: list[Token] = []
    for match in _WORD.finditer(text):
        word = match.group()
        start, end = match.start(), match.end()
        initial = len(word) == 2 and word.endswith(".") and word[0].isupper()
        if word.endswith(".") and not initial:
            word, end = word[:-1], end - 1
        tokens.append(
            Token(
                start=start,
                end=end,
                text=word,
                folded=fold(word.rstrip(".")),
                capitalized=word[0].isupper(),
                sentence_initial=starts_sentence(text, start),
                initial=initial,
            )
        )
    return tokens


def starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or a chat message)."""
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    if i < 0:
        return True
    # Emoji and other symbols open chat messages the way a full stop ends a sentence.
    return text[i] in _SENTENCE_END or not (text[i].isalnum() or text[i] in ",;:")


def adjacent(text: str, left: Token, right: Token) -> bool:
    """Whether two words stand next to each other in one name (a space, or none after an
    initial)."""
    gap = text[left.end : right.start]
    return gap in {" ", "", "\u00a0"} or (left.initial and gap in {"", " "})


def one_space(text: str, a: Token, b: Token) -> bool:
    """Whether exactly one space stands between two words, in either order."""
    left, right = (a, b) if a.start < b.start else (b, a)
    return text[left.end : right.start] == " "


def before_spaces(text: str, at: int) -> int:
    """Where the spaces and tabs that end right before ``at`` start (``at`` if none)."""
    i = at
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i
