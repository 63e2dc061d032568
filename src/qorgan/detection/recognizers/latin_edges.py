"""What the edges of a model's person span keep (layer 1 of ``latin.py``): the given name the
model left out before a surname, a given name before its surname at the start, a surname
that is a word too at the end, and the cue words that are never part of a name."""

from __future__ import annotations

from collections.abc import Sequence

from qorgan.detection.recognizers.latin_vocab import NOT_AFTER_NAME
from qorgan.detection.recognizers.latin_words import Word, joined

__all__ = ["given_before_surname", "given_to_the_left", "is_cue_word", "surname_after_given"]


def given_to_the_left(
    text: str, words: Sequence[Word], first: int, inside: Sequence[Word], cues: dict[int, str]
) -> Word | None:
    """The capitalised given name just before a one-word span that is a surname ("Alexei"
    before "Morozov"), when the model left it out."""
    if len(inside) != 1 or first == 0 or words[first].token.start != inside[0].token.start:
        return None
    surname, before = inside[0], words[first - 1]
    if not (surname.title and surname.surname and not surname.common):
        return None
    if not (before.title and before.given) or is_cue_word(before, cues, text):
        return None
    return before if joined(text, before.token, surname.token) else None


def given_before_surname(text: str, inside: Sequence[Word], cues: dict[int, str]) -> bool:
    """The first word is a capitalised given name joined to a capitalised surname or
    unknown word that is no common word, and is itself no cue ("Email Smith")."""
    if len(inside) < 2:
        return False
    first, second = inside[0], inside[1]
    return (
        first.title
        and first.given
        and second.title
        and not second.common
        and not second.token.initial
        and joined(text, first.token, second.token)
        and not is_cue_word(first, cues, text)
    )


def surname_after_given(text: str, inside: Sequence[Word]) -> bool:
    """The last word is capitalised, a word too ("Price", "White", "Stone"), and joined to a
    given name that is no word; no street, company or calendar word ("Jordan Street")."""
    if len(inside) < 2:
        return False
    given, last = inside[-2], inside[-1]
    if len(inside) >= 3 and inside[-3].given and (not last.surname or not given.given):
        # after a given name and a surname, a word is a second surname only when the
        # middle word was a given name too ("Mary Jo White"): "Natalie Lewis Hi Madina",
        # "Jonas Hartmann Ginger left" end at the surname
        return False
    return (
        last.title
        and not last.token.initial
        and last.key not in NOT_AFTER_NAME
        and given.title
        # a given name that is no word ("Devon Price"), or a listed surname that is no
        # word before a listed name that is one too ("Zhou Tao", "Xu Lan", "Thu Hà")
        and (given.given or (given.listed and last.listed))
        and not given.common
        and joined(text, given.token, last.token)
        and not text.startswith(":", last.token.end)  # "Anna Summary: ..." opens a label
    )


def is_cue_word(word: Word, cues: dict[int, str], text: str) -> bool:
    end = word.token.end
    # a sign-off's name is on the next line ("Pozdrawiam,\nAnna Kowalska")
    while end < len(text) and text[end] in " \t,:!\r\n":
        end += 1
    return end in cues
