"""Layers 3 and 4 of ``latin.py``: people the model missed, found by cues, initials and
the name lists (``latin_lists.py`` joins them with the model's spans)."""

from __future__ import annotations

from collections.abc import Sequence

from qorgan.detection.recognizers.cues import ABBREVIATED_TITLES, TITLE_WORDS
from qorgan.detection.recognizers.gazetteer import Gazetteer
from qorgan.detection.recognizers.latin_chat import ChatNames
from qorgan.detection.recognizers.latin_vocab import (
    ACTING,
    BEFORE_PAIR,
    COMMON_SURNAME,
    ENDEARMENTS,
    FUNCTION_WORDS,
    MODALS,
    NOT_AFTER_NAME,
    SAYING,
    SCORE_CUED,
    SCORE_LISTED,
    SCORE_LOWER,
)
from qorgan.detection.recognizers.latin_words import Span, Word, adjacent, free_words, joined
from qorgan.detection.recognizers.name_tokens import one_space
from qorgan.detection.recognizers.names import Token

__all__ = ["People", "does_what_people_do", "says_next"]


def says_next(text: str, tokens: Sequence[Token], k: int) -> bool:
    """Whether ``tokens[k]`` is a verb of saying right after the word before it."""
    return (
        0 < k < len(tokens)
        and tokens[k].folded in SAYING
        and one_space(text, tokens[k - 1], tokens[k])
    )


def does_what_people_do(text: str, tokens: Sequence[Token], k: int) -> bool:
    """Whether token ``k`` is a verb of saying or of a person's act that follows its
    subject directly ("... reviewed", "... said")."""
    if not 0 < k < len(tokens):
        return False
    return _person_verb(tokens[k].text.lower(), tokens[k - 1].text.lower()) and adjacent(
        text, tokens[k - 1], tokens[k]
    )


def _person_verb(verb: str, subject_end: str) -> bool:
    """Whether ``verb`` is what people do after a name ending in ``subject_end``: a verb
    of saying or of a person's act, or a modal ("Mark Young will draft it"; "Sunny Park will
    reopen" is the park)."""
    if verb in MODALS:
        return subject_end not in NOT_AFTER_NAME
    return verb in SAYING or verb in ACTING


# commands whose object is a person, never a bill or a thing ("ask Grace", not "pay Bill")
_PERSON_COMMANDS = frozenset(
    ["ask", "tell", "call", "email", "text", "ping", "cc", "thank", "meet", "invite", "remind",
     "message", "dm", "congratulate", "greet", "notify", "inform"]
)


# words after which a capitalised given name inside a sentence is the person
_TO_A_PERSON = frozenset(["to", "by", "with"])
# words that open what follows a noun phrase ("... to Dawn this morning", "... by Woody for")
_AFTER_A_NOUN_PHRASE = FUNCTION_WORDS | frozenset(
    ["re", "about", "regarding", "today", "tomorrow", "yesterday", "last", "next", "on",
     "at", "in", "before", "after", "so", "if", "or", "as", "when"]
)
# what a person does and money, rain or a season does not ("Cash paid", "Rain started")
_ONLY_PEOPLE_DO = frozenset(
    ["reviewed", "signed", "booked", "approved", "joined", "submitted", "forwarded",
     "scheduled", "resigned", "presented", "prepared", "drafted", "phoned", "complained",
     "apologized", "apologised", "volunteered", "responded", "declined", "requested",
     "walked", "drove", "hiked", "emailed", "hired", "interviewed", "organised", "organized",
     "hosted", "baked", "cooked", "hugged"]
)
_CALENDAR = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday", "christmas", "easter", "spring", "summer", "autumn",
     "fall", "winter"]
)


class People:
    """Cued, initialled and listed names (one instance per process: the lists are shared)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gz = gazetteer
        self._chat = ChatNames(gazetteer)

    def find(
        self,
        text: str,
        words: Sequence[Word],
        cues: dict[int, str],
        claimed: Sequence[tuple[int, int]],
    ) -> list[Span]:
        """People among the words that overlap none of ``claimed``; ``cues`` maps a word's
        start to the kind of cue before it."""
        found: list[Span] = []
        free = free_words(words, claimed)
        i = 0
        while i < len(words):
            if not free[i]:
                i += 1
                continue
            kind = cues.get(words[i].token.start)
            span = None
            if kind is not None:
                span = self._cued(text, words, free, i, kind)
            if span is None:
                span = (
                    self._initials(text, words, free, i)
                    or self._listed(text, words, free, i)
                    or self._before_verb(text, words, free, i)
                    or self._after_preposition(text, words, free, i)
                    or self._chat.lower_after_with(text, words, i)
                    or self._chat.lower_opening(text, words, i)
                    or self._chat.addressed(text, words, free, i)
                )
            if span is None:
                i += 1
                continue
            j, score = span
            found.append(("PERSON", words[i].token.start, words[j - 1].token.end, score))
            i = j
        return found

    def _name_part(self, word: Word, *, cued: bool, titled: bool) -> bool:
        if word.token.initial:
            return False
        if word.title:
            return titled or ((word.listed or cued) and not word.common)
        # lower case or all caps: only a listed name that is no common word, or any listed
        # name right after a title ("hi mr young")
        return word.listed and (titled or not word.common)

    def _cued(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int, kind: str
    ) -> tuple[int, float] | None:
        j = i
        while j < len(words) and j - i < 4 and free[j]:
            word = words[j]
            if (j > i and not joined(text, words[j - 1].token, word.token)) or (
                word.key in TITLE_WORDS
            ) or (word.key in FUNCTION_WORDS and not word.token.capitalized):
                break  # "Mr. and Mrs. Okonkwo": a word of the sentence, not a name
            if word.token.initial and word.token.text[0].isupper():
                j += 1
                continue
            titled = kind == "title" and j == i and self._titled(words, i)
            if not self._name_part(word, cued=True, titled=titled) and not (
                j == i and self._common_given_after_cue(text, words, free, i, kind)
            ) and not (kind == "field" and self._shouted_part(text, words, free, i, j)):
                break
            j += 1
        if all(w.token.initial for w in words[i:j]):
            return None  # initials alone ("Call A.") are no name
        return j, SCORE_CUED

    @staticmethod
    def _titled(words: Sequence[Word], i: int) -> bool:
        """Whether the title before ``words[i]`` makes it a name whatever it is: always
        before a capitalised word ("Dr. Page"); before a word in lower case only after a
        title written short ("hi mr young"), not after one written out ("the doctor said")."""
        if words[i].token.capitalized or i == 0:
            return True
        before = words[i - 1]
        return before.token.capitalized or before.key in ABBREVIATED_TITLES

    @staticmethod
    def _shouted_part(
        text: str, words: Sequence[Word], free: Sequence[bool], i: int, j: int
    ) -> bool:
        """A word in capitals in a field only names fill: after the name's first part, any
        word that is no English word ("NAME: OKONKWO CHIDI"); as the first part, a given
        name that is a word too when such a word follows ("PATIENT: FAITH NNAMDI")."""
        word = words[j]
        if not word.caps or not word.token.text.isalpha() or len(word.token.text) < 2:
            return False
        if j > i:
            return not word.common
        nxt = words[j + 1] if j + 1 < len(words) and free[j + 1] else None
        return (
            word.given
            and nxt is not None
            and nxt.caps
            and not nxt.common
            and nxt.token.text.isalpha()
            and joined(text, word.token, nxt.token)
        )

    def _common_given_after_cue(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int, kind: str
    ) -> bool:
        """A capitalised given name that is also a word, right after a cue: "Good morning
        Tom", "Best, Will", "ask Tom Baker". After an address or a sign-off it is the name
        (unless it is an endearment: "Hi Honey"); after a command only with a surname
        joined to it ("Pay Bill" is no name, "Tell Mark Smith" is)."""
        word = words[i]
        if not (word.title and word.given) or word.key in ENDEARMENTS:
            return False
        if kind in ("greeting", "line", "intro", "field"):
            return True
        nxt = words[i + 1] if i + 1 < len(words) and free[i + 1] else None
        if (
            i > 0
            and words[i - 1].key in _PERSON_COMMANDS
            and not words[i - 1].token.capitalized
            and (nxt is None or not nxt.token.capitalized)
        ):
            # "please ask Grace to review", "cc Will on this": capitalised inside a
            # sentence after a command only a person takes
            return True
        return (
            nxt is not None
            and joined(text, word.token, nxt.token)
            and nxt.title
            and not nxt.common
            and not nxt.token.initial
        )

    def _before_verb(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        """A capitalised given name right before a verb of saying: "Pavel says the build is
        green", "Hope asked me to..."; the name may be an English word too ("Will said"),
        but not an endearment or a place."""
        word = words[i]
        if not (word.title and word.given) or word.key in ENDEARMENTS or self._chat.big_place(word):
            return None
        nxt = words[i + 1] if i + 1 < len(words) and free[i + 1] else None
        if nxt is None or not joined(text, word.token, nxt.token):
            return None
        after = words[i + 2] if i + 2 < len(words) else None
        if (
            nxt.title
            and nxt.surname
            and after is not None
            and _person_verb(after.key, nxt.key)
            and joined(text, nxt.token, after.token)
            and self._gz.match_place([word.key, nxt.key]) is None
        ):
            # "Cliff Ward reviewed the invoice", "Brook Stone called": a given name and a
            # surname that did what people do outweigh the model's organisation or place
            return i + 2, SCORE_CUED
        if nxt.key in SAYING:
            return i + 1, SCORE_LISTED  # "Sterling thinks", "Faith said"
        if nxt.key == "from" and self._says_from(text, words, i + 1):
            return i + 1, SCORE_LISTED  # "Ray from IT says", "Faith from the front desk said"
        # a given name that is no word, before what people do or a modal verb ("Laurent
        # will review it", "Nodira sent the slides"); one that is a word too before what
        # only people do ("Grace reviewed the audit", "Heath walked the dog"), never a
        # month or a season
        if (
            (nxt.key in ACTING or nxt.key in MODALS)
            and not word.common
            and self._gz.mainly_given(word.key)
        ):
            return i + 1, SCORE_LISTED
        if nxt.key in _ONLY_PEOPLE_DO and word.key not in _CALENDAR:
            return i + 1, SCORE_LISTED
        return None

    def _says_from(self, text: str, words: Sequence[Word], at: int) -> bool:
        """Whether ``words[at]`` ("from") opens a short phrase of where someone works that a
        verb of saying ends, all in one clause ("from the front desk said")."""
        for k in range(at + 1, min(at + 6, len(words))):
            gap = text[words[k - 1].token.end : words[k].token.start]
            if gap.strip():
                return False  # a comma or a full stop: the clause ended
            if words[k].key in SAYING:
                return k > at + 1
        return False

    def _after_preposition(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        """A given name and one of the commonest surnames after "to", "by", "with"...,
        either a word too: "Thanks to Amber Young", "approved by Joy Rich"."""
        if i == 0 or i + 1 >= len(words) or not free[i + 1]:
            return None
        before, word, nxt = words[i - 1], words[i], words[i + 1]
        if (
            before.key in _TO_A_PERSON
            and word.title
            and word.given
            and not word.token.sentence_initial
            and word.key not in ENDEARMENTS
            and word.key not in _CALENDAR
            and not nxt.token.capitalized
            and joined(text, before.token, word.token)
            and (nxt.key in _AFTER_A_NOUN_PHRASE
                 or any(c in ",;.!?()" for c in text[word.token.end : nxt.token.start]))
            and not self._chat.big_place(word)
            and self._gz.match_place([word.key]) is None
        ):
            # "Spoke to Misty re the refund", "Picked by Woody for": a capitalised given
            # name inside a sentence after a word that takes a person, and the phrase ends
            # there (not "goes to Summer camp")
            return i + 1, SCORE_LISTED
        if (
            before.key not in BEFORE_PAIR
            or not (word.title and word.given and nxt.title)
            or word.key in ENDEARMENTS
            or nxt.key in NOT_AFTER_NAME
            or self._gz.surname_counts.get(nxt.key, 0) < COMMON_SURNAME
            or not joined(text, before.token, word.token)
            or not joined(text, word.token, nxt.token)
            or self._gz.match_place([word.key, nxt.key]) is not None
        ):
            return None
        return i + 2, SCORE_LISTED

    def _initials(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        j = i
        while (
            j < len(words)
            and free[j]
            and words[j].token.initial
            and (j == i or joined(text, words[j - 1].token, words[j].token))
        ):
            j += 1
        if i < j < len(words) and free[j] and joined(text, words[j - 1].token, words[j].token):
            # "A. Serikova": initials, then a capitalised surname or unknown word
            word = words[j]
            if word.title and (word.surname or not word.common):
                return j + 1, SCORE_LISTED
            return None
        if j == i:
            # "Petrov I.I.": a surname, then initials
            word = words[i]
            k = i + 1
            while (
                k < len(words)
                and free[k]
                and words[k].token.initial
                and joined(text, words[k - 1].token, words[k].token)
            ):
                k += 1
            if k > i + 1 and word.title and word.surname and not word.common:
                return k, SCORE_LISTED
        return None

    def _listed(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        first = words[i]
        nxt = words[i + 1] if i + 1 < len(words) and free[i + 1] else None
        if (
            not first.given
            and first.surname
            and not first.common
            and not first.token.initial
            and nxt is not None
            and nxt.given
            and not nxt.common
            and first.caps
            and nxt.caps
            and joined(text, first.token, nxt.token)
        ):
            # the surname first, in capitals: "SHEVCHENKO OLENA", "IVANOV IVAN"
            return i + 2, SCORE_LOWER
        if not first.given or first.token.initial:
            return None
        if first.common:
            # "fwd to mike johnson": a given name that is a word too, in lower case, before
            # one of the commonest surnames that is no word
            if (
                nxt is not None
                and not first.title
                and not nxt.title
                and not nxt.common
                and len(first.key) >= 3
                and first.key not in MODALS  # "i will smith the metal"
                and first.key not in FUNCTION_WORDS  # "the build is green"
                and self._gz.mainly_given(first.key)
                and self._gz.surname_counts.get(nxt.key, 0) >= COMMON_SURNAME
                and not self._gz.mainly_given(nxt.key)
                and joined(text, first.token, nxt.token)
            ):
                return i + 2, SCORE_LOWER
            return None
        if nxt is not None and joined(text, first.token, nxt.token) and not nxt.common:
            if first.title and nxt.title:
                # a given name and a capitalised surname or unknown word
                return i + 2, SCORE_LISTED
            if not first.title and not nxt.title and nxt.surname:
                # "aigerim serikova", "AIGERIM SERIKOVA"
                return i + 2, SCORE_LOWER
        if first.title and first.key in self._gz.rare and not first.token.sentence_initial:
            return i + 1, SCORE_LOWER
        return None
