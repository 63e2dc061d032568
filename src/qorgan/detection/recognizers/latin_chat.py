"""Names as chat and speech write them, for ``latin_people.py``: in lower case after a
word that introduces a person ("meeting with olivia", "my sis ayesha"), opening a sentence
before what people do ("tatiana can u approve"), and capitalised names the text speaks to
or about ("Bill, can you ...", "Hope is my daughter", "Tom here.", "Amber's laptop")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qorgan.detection.recognizers.gazetteer import Gazetteer
from qorgan.detection.recognizers.latin_vocab import (
    ACTING,
    ENDEARMENTS,
    MODALS,
    SAYING,
    SCORE_LISTED,
    SCORE_LOWER,
    STREET_AND_FIRM_WORDS,
    well_known_place,
)
from qorgan.detection.recognizers.latin_words import Word, joined
from qorgan.detection.recognizers.name_tokens import before_spaces, one_space

__all__ = ["ChatNames"]

# the words a lower-case given name may follow on its own ("meeting with olivia")
_BEFORE_LOWER_NAME = frozenset(
    ["with", "w", "to", "for", "from", "by", "and", "n", "&", "seen", "saw", "met", "told",
     "tell", "ask", "asked", "ping", "remind", "invite", "thank", "thanks", "cc", "text",
     "call", "email", "message", "dm", "add", "thx", "thnx", "tnx",
     # who the person is to the writer: "my sis ayesha", "our manager dana"
     "sis", "sister", "bro", "brother", "gf", "bf", "girlfriend", "boyfriend", "wife",
     "husband", "hubby", "mum", "mom", "dad", "son", "daughter", "friend", "bestie", "boss",
     "manager", "coworker", "colleague", "roommate", "flatmate", "neighbour", "neighbor",
     "cousin", "aunt", "auntie", "uncle", "niece", "nephew", "grandma", "grandpa", "teacher"]
)
_AND_GAPS = frozenset([" and ", " n ", " & "])
_PLEASE = frozenset(["pls", "plz", "please", "pleasee"])
# after a name the text speaks to: a comma and a request ("Bill, can you ...")
# (or a greeting, or "you" in Russian and Kazakh: "Nur, ты где?", "Aıgúl, sálem!")
_VOCATIVE_AFTER = re.compile(
    r", (?:can|could|would|will|please|pls|plz|your|you|we|i|do|did|are|have|thanks|thank|"
    r"just|don't|dont|let's|lets|tell|call|send|remember|when|where|what|why|how|hi|hello|"
    r"hey|sorry|ты|вы|сен|сіз|привет|сәлем|salem|sálem|salam)\b",
    re.IGNORECASE,
)
# ... what the person is to the writer ("Hope is my daughter")
_RELATION_AFTER = re.compile(
    r" (?:is|was|'s) (?:my|our) (?:daughter|son|wife|husband|sister|brother|mother|father|"
    r"mom|mum|dad|friend|best friend|boss|manager|colleague|coworker|neighbou?r|cousin|aunt|"
    r"uncle|niece|nephew|partner|fianc[ée]e?|girlfriend|boyfriend|grandmother|grandfather|"
    r"granddaughter|grandson|child|kid|baby|teacher|doctor|lawyer|landlord|tenant|"
    r"roommate|flatmate|assistant)\b"
)
# ... or owning what only a person has: "Amber's laptop", "Crystal's mum"
_OWNED_BY_A_PERSON = re.compile(
    r" (?:laptop|phone|mobile|desk|car|flight|email|e-mail|inbox|calendar|birthday|wedding|"
    r"mum|mom|dad|mother|father|wife|husband|son|daughter|kids|children|boyfriend|"
    r"girlfriend|partner|manager|boss|account|number|cv|resume|visa|passport|payslip|"
    r"salary|leave|shift|house|flat|apartment|umbrella|keys|bag|jacket|interview|"
    r"appointment)\b"
)
# ... signing in: "Tom here."
_HERE_AFTER = re.compile(r" here(?:[.,!:;]|$)")


class ChatNames:
    """The finders above, over one gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gz = gazetteer

    def lower_after_with(
        self, text: str, words: Sequence[Word], i: int
    ) -> tuple[int, float] | None:
        """Chat in lower case: a given name that is no English word and no place, after
        "with", "to" or "for" ("meeting with olivia", "i talked to david")."""
        word = words[i]
        if i == 0 or word.token.capitalized or not word.given or word.common:
            return None
        if self.big_place(word):
            return None  # "flight to paris", "to jordan": the place
        before = words[i - 1]
        if before.key not in _BEFORE_LOWER_NAME or not joined(text, before.token, word.token):
            return None
        nxt = words[i + 1] if i + 1 < len(words) else None
        if (nxt is not None and nxt.key in STREET_AND_FIRM_WORDS
                and joined(text, word.token, nxt.token)):
            return None  # "to carter street", "with chase bank"
        return self._lower_surname(text, words, i), SCORE_LOWER

    def addressed(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        """A capitalised given name, a word too or not, that the text speaks to or about
        in so many words: opening a sentence before a comma and a request ("Bill, can you
        bill the customer?", "Rahul, your invoice is overdue"), before "is my daughter"
        ("Hope is my daughter"), or signing in ("hi all, Tom here.")."""
        word = words[i]
        if not (word.title and word.given) or word.key in ENDEARMENTS or self.big_place(word):
            return None
        before = _char_before(text, word.token.start)
        opens = not before or before in ".!?\n:;\"'(“«"
        after = text[word.token.end : word.token.end + 40]
        if opens and _VOCATIVE_AFTER.match(after):
            return i + 1, SCORE_LISTED
        if _RELATION_AFTER.match(after):
            return i + 1, SCORE_LISTED
        if (opens or before == ",") and _HERE_AFTER.match(after):
            return i + 1, SCORE_LISTED
        if word.token.text[-2:] in ("'s", "’s") and _OWNED_BY_A_PERSON.match(after):
            return i + 1, SCORE_LISTED  # "Amber's laptop", "Cooper's flight", "Crystal's mum"
        return None

    def _lower_surname(self, text: str, words: Sequence[Word], i: int) -> int:
        """The end of a lower-case name that opens at ``words[i]``: with the surname after
        it, when that is a listed surname and no word ("sofia ramírez", "huang mei")."""
        k = i + 1
        if k < len(words) and one_space(text, words[i].token, words[k].token):
            nxt = words[k]
            if (not nxt.token.capitalized and nxt.surname and not nxt.common
                    and nxt.key not in STREET_AND_FIRM_WORDS and not self.big_place(nxt)):
                return k + 1
        return k

    def lower_opening(
        self, text: str, words: Sequence[Word], i: int
    ) -> tuple[int, float] | None:
        """Chat in lower case: a given name that is no English word and no place, opening
        a sentence before what people do ("tatiana can u approve", "sandy said ...")."""
        word = words[i]
        if word.token.capitalized or not word.given or word.common or self.big_place(word):
            return None
        if not self._gz.mainly_given(word.key):
            return None
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None or nxt.token.capitalized:
            return None
        gap = text[word.token.end : nxt.token.start]
        before = _char_before(text, word.token.start)
        if before and before not in ".!?\n:;\"'(,":
            # inside a clause only before a verb of saying ("what chinedu said about")
            return (i + 1, SCORE_LOWER) if gap == " " and nxt.key in SAYING else None
        if gap == " " and (nxt.key in MODALS or nxt.key in SAYING or nxt.key in ACTING):
            return i + 1, SCORE_LOWER  # "..., oksana takes the train" opens a clause too
        if gap in (" ", ", ") and nxt.key in _PLEASE and before != ",":
            return i + 1, SCORE_LOWER  # "karim pls review the PR": spoken to
        # "asel n dias r getting married", "tatiana and dilnoza are hosting": two names
        # joined ("n" and "&" are no words of their own)
        other = nxt
        if gap == " " and nxt.key in ("and", "n") and i + 2 < len(words):
            other = words[i + 2]
            gap = text[word.token.end : other.token.start]
        if gap in _AND_GAPS and not other.token.capitalized and other.given and not other.common:
            return i + 1, SCORE_LOWER
        return None

    def big_place(self, word: Word) -> bool:
        """A place named by ``word`` that is no small foreign town ("Crystal" the town in
        Minnesota stays a name before "asked"; "Paris" does not)."""
        return well_known_place(self._gz.match_place([word.key]))



def _char_before(text: str, at: int) -> str:
    """The character before ``at``, past spaces and tabs ("" at the text's start)."""
    i = before_spaces(text, at)
    return text[i - 1] if i else ""
