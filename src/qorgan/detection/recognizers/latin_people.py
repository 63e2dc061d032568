"""Layers 3 to 5 of ``latin.py``: people the model missed, found by cues, initials and the
name lists, and joined with the model's spans they overlap."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from qorgan.detection.recognizers.cues import TITLE_WORDS
from qorgan.detection.recognizers.gazetteer import Gazetteer, Place
from qorgan.detection.recognizers.latin_words import Span, Word, adjacent, free_words, joined
from qorgan.detection.recognizers.name_address import AND_WORDS
from qorgan.detection.recognizers.name_tokens import one_space
from qorgan.detection.recognizers.names import Token

__all__ = [
    "NOT_AFTER_NAME", "SCORE_CUED", "SCORE_LISTED", "SCORE_LOWER", "People",
    "coordinated", "does_what_people_do", "merge", "says_next", "well_known_place",
]

SCORE_CUED = 0.85
SCORE_LISTED = 0.8
SCORE_LOWER = 0.6
# the words a lower-case given name may follow on its own ("meeting with olivia")
_BEFORE_LOWER_NAME = frozenset(
    ["with", "w", "to", "for", "from", "by", "and", "n", "&", "seen", "saw", "met", "told",
     "tell", "ask", "asked", "ping", "remind", "invite", "thank", "thanks", "cc", "text",
     "call", "email", "message", "dm", "add",
     # who the person is to the writer: "my sis ayesha", "our manager dana"
     "sis", "sister", "bro", "brother", "gf", "bf", "girlfriend", "boyfriend", "wife",
     "husband", "hubby", "mum", "mom", "dad", "son", "daughter", "friend", "bestie", "boss",
     "manager", "coworker", "colleague", "roommate", "flatmate", "neighbour", "neighbor",
     "cousin", "aunt", "auntie", "uncle", "niece", "nephew", "grandma", "grandpa", "teacher"]
)
_NOT_AFTER_NAME = frozenset(
    ["street", "st", "avenue", "ave", "road", "rd", "lane", "boulevard", "square", "park",
     "bank", "inc", "ltd", "llc", "group", "city", "county", "river", "lake", "hall",
     "center", "centre", "school", "university", "college", "hotel", "airport", "station"]
)
#: words that end a place or a company, or a date, never a person ("Jordan Street", "John
#: Monday"): a model's person span is not widened over them
NOT_AFTER_NAME = _NOT_AFTER_NAME | frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
     "tomorrow", "yesterday", "team", "department", "dept", "office", "company", "corp",
     "foundation", "institute", "museum", "church", "hospital", "clinic", "store", "shop",
     "drive", "way", "place", "court", "plaza", "mall", "bridge", "tower", "towers"]
)
# verbs of saying that follow the person who says ("Pavel says", "Hope asked me")
_SAYING = frozenset(
    ["says", "said", "asks", "asked", "writes", "wrote", "tells", "told", "replied", "replies",
     "mentioned", "mentions", "confirmed", "confirms", "emailed", "texted", "messaged",
     "suggested", "suggests", "agreed", "agrees", "explained", "explains", "thinks", "thought",
     "wants", "wanted", "called", "calls", "promised", "promises", "noted", "insists"]
)
# what a person, seldom a company or a place, did: after a full name ("Cliff Ward reviewed")
_ACTING = frozenset(
    ["reviewed", "signed", "booked", "approved", "sent", "left", "joined", "arrived", "paid",
     "submitted", "shared", "forwarded", "uploaded", "scheduled", "cancelled", "canceled",
     "visited", "resigned", "presented", "prepared", "drafted", "phoned", "complained",
     "apologized", "apologised", "volunteered", "responded", "reports", "reported",
     "declined", "accepted", "requested", "completed", "received", "returned", "ordered",
     "purchased", "moved", "started", "finished", "passed", "won"]
)
_MODALS = frozenset(["will", "would", "can", "could", "should", "must", "might", "shall"])
_AND_GAPS = frozenset([" and ", " n ", " & "])
# English words the given-name lists also hold that are never a name in lower-case prose
_FUNCTION_WORDS_TEXT = (
    "the and but for not you all any can had has her his its may our out she who why how "
    "new now old see way day get got let say too use are was were been have this that with "
    "from they them then than"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
# the words a given name and a surname may follow on their own ("thanks to Amber Young")
_BEFORE_PAIR = frozenset(["to", "by", "with", "from", "for", "and", "cc"])
# a surname at least this frequent (US census count) is a surname first ("Young", "Rich")
_COMMON_SURNAME = 40_000
# a town this large is named for itself more often than for a person
_WELL_KNOWN = 250_000
# words of address that the name lists also hold ("Hi Honey", "Thanks Buddy")
_ENDEARMENTS = frozenset(
    ["honey", "buddy", "love", "dear", "darling", "baby", "sunshine", "angel", "sweetie",
     "sugar", "boss", "chief", "champ", "mate", "doc", "sonny", "precious", "cookie"]
)


def well_known_place(place: Place | None) -> bool:
    """Whether ``place`` names itself more often than a person: a country or region, a town
    of Kazakhstan, or a foreign town of :data:`_WELL_KNOWN` people or more."""
    return place is not None and (
        place.kind != "city" or place.country == "KZ" or place.population >= _WELL_KNOWN
    )


def says_next(text: str, tokens: Sequence[Token], k: int) -> bool:
    """Whether ``tokens[k]`` is a verb of saying right after the word before it."""
    return (
        0 < k < len(tokens)
        and tokens[k].folded in _SAYING
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
    if verb in _MODALS:
        return subject_end not in NOT_AFTER_NAME
    return verb in _SAYING or verb in _ACTING


class People:
    """Cued, initialled and listed names (one instance per process: the lists are shared)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gz = gazetteer

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
                    or self._lower_after_with(text, words, i)
                    or self._lower_opening(text, words, i)
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
            ):
                break
            if word.token.initial and word.token.text[0].isupper():
                j += 1
                continue
            if not self._name_part(word, cued=True, titled=kind == "title" and j == i) and not (
                j == i and self._common_given_after_cue(text, words, free, i, kind)
            ):
                break
            j += 1
        if all(w.token.initial for w in words[i:j]):
            return None  # initials alone ("Call A.") are no name
        return j, SCORE_CUED

    def _common_given_after_cue(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int, kind: str
    ) -> bool:
        """A capitalised given name that is also a word, right after a cue: "Good morning
        Tom", "Best, Will", "ask Tom Baker". After an address or a sign-off it is the name
        (unless it is an endearment: "Hi Honey"); after a command only with a surname
        joined to it ("Pay Bill" is no name, "Tell Mark Smith" is)."""
        word = words[i]
        if not (word.title and word.given) or word.key in _ENDEARMENTS:
            return False
        if kind in ("greeting", "line", "intro", "field"):
            return True
        nxt = words[i + 1] if i + 1 < len(words) and free[i + 1] else None
        return (
            nxt is not None
            and joined(text, word.token, nxt.token)
            and nxt.title
            and not nxt.common
            and not nxt.token.initial
        )

    def _lower_after_with(
        self, text: str, words: Sequence[Word], i: int
    ) -> tuple[int, float] | None:
        """Chat in lower case: a given name that is no English word and no place, after
        "with", "to" or "for" ("meeting with olivia", "i talked to david")."""
        word = words[i]
        if i == 0 or word.token.capitalized or not word.given or word.common:
            return None
        if self._big_place(word):
            return None  # "flight to paris", "to jordan": the place
        before = words[i - 1]
        if before.key not in _BEFORE_LOWER_NAME or not joined(text, before.token, word.token):
            return None
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is not None and nxt.key in _NOT_AFTER_NAME and joined(text, word.token, nxt.token):
            return None  # "to carter street", "with chase bank"
        return self._lower_surname(text, words, i), SCORE_LOWER

    def _lower_surname(self, text: str, words: Sequence[Word], i: int) -> int:
        """The end of a lower-case name that opens at ``words[i]``: with the surname after
        it, when that is a listed surname and no word ("sofia ramírez", "huang mei")."""
        k = i + 1
        if k < len(words) and one_space(text, words[i].token, words[k].token):
            nxt = words[k]
            if (not nxt.token.capitalized and nxt.surname and not nxt.common
                    and nxt.key not in _NOT_AFTER_NAME and not self._big_place(nxt)):
                return k + 1
        return k

    def _lower_opening(
        self, text: str, words: Sequence[Word], i: int
    ) -> tuple[int, float] | None:
        """Chat in lower case: a given name that is no English word and no place, opening
        a sentence before what people do ("tatiana can u approve", "sandy said ...")."""
        word = words[i]
        if word.token.capitalized or not word.given or word.common or self._big_place(word):
            return None
        if not self._gz.mainly_given(word.key):
            return None
        before = text[: word.token.start].rstrip(" \t")
        if before and before[-1] not in ".!?\n:;\"'(":
            return None
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None or nxt.token.capitalized:
            return None
        gap = text[word.token.end : nxt.token.start]
        if gap == " " and (nxt.key in _MODALS or nxt.key in _SAYING or nxt.key in _ACTING):
            return i + 1, SCORE_LOWER
        # "asel n dias r getting married", "tatiana and dilnoza are hosting": two names
        # joined ("n" and "&" are no words of their own)
        other = nxt
        if gap == " " and nxt.key in ("and", "n") and i + 2 < len(words):
            other = words[i + 2]
            gap = text[word.token.end : other.token.start]
        if gap in _AND_GAPS and not other.token.capitalized and other.given and not other.common:
            return i + 1, SCORE_LOWER
        return None

    def _before_verb(
        self, text: str, words: Sequence[Word], free: Sequence[bool], i: int
    ) -> tuple[int, float] | None:
        """A capitalised given name right before a verb of saying: "Pavel says the build is
        green", "Hope asked me to..."; the name may be an English word too ("Will said"),
        but not an endearment or a place."""
        word = words[i]
        if not (word.title and word.given) or word.key in _ENDEARMENTS or self._big_place(word):
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
        if nxt.key in _SAYING:
            return i + 1, SCORE_LISTED  # "Sterling thinks", "Faith said"
        if nxt.key == "from" and self._says_from(text, words, i + 1):
            return i + 1, SCORE_LISTED  # "Ray from IT says", "Faith from the front desk said"
        # a given name that is no word, before what people do or a modal verb ("Laurent
        # will review it", "Nodira sent the slides")
        if (
            (nxt.key in _ACTING or nxt.key in _MODALS)
            and not word.common
            and self._gz.mainly_given(word.key)
        ):
            return i + 1, SCORE_LISTED
        return None

    def _says_from(self, text: str, words: Sequence[Word], at: int) -> bool:
        """Whether ``words[at]`` ("from") opens a short phrase of where someone works that a
        verb of saying ends, all in one clause ("from the front desk said")."""
        for k in range(at + 1, min(at + 6, len(words))):
            gap = text[words[k - 1].token.end : words[k].token.start]
            if gap.strip():
                return False  # a comma or a full stop: the clause ended
            if words[k].key in _SAYING:
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
            before.key not in _BEFORE_PAIR
            or not (word.title and word.given and nxt.title)
            or word.key in _ENDEARMENTS
            or nxt.key in NOT_AFTER_NAME
            or self._gz.surname_counts.get(nxt.key, 0) < _COMMON_SURNAME
            or not joined(text, before.token, word.token)
            or not joined(text, word.token, nxt.token)
            or self._gz.match_place([word.key, nxt.key]) is not None
        ):
            return None
        return i + 2, SCORE_LISTED

    def _big_place(self, word: Word) -> bool:
        """A place named by ``word`` that is no small foreign town ("Crystal" the town in
        Minnesota stays a name before "asked"; "Paris" does not)."""
        return well_known_place(self._gz.match_place([word.key]))

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
        if not first.given or first.token.initial:
            return None
        nxt = words[i + 1] if i + 1 < len(words) and free[i + 1] else None
        if first.common:
            # "fwd to mike johnson": a given name that is a word too, in lower case, before
            # one of the commonest surnames that is no word
            if (
                nxt is not None
                and not first.title
                and not nxt.title
                and not nxt.common
                and len(first.key) >= 3
                and first.key not in _MODALS  # "i will smith the metal"
                and first.key not in _FUNCTION_WORDS  # "the build is green"
                and self._gz.mainly_given(first.key)
                and self._gz.surname_counts.get(nxt.key, 0) >= _COMMON_SURNAME
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



_AND = AND_WORDS | {"and"}


def coordinated(
    text: str, words: Sequence[Word], starts: Sequence[int], spans: list[Span]
) -> list[Span]:
    """``spans`` with the given names joined by "and" to a person found on the other side
    ("Drew and Summer are co-hosting", "Hope and Finn split the driving", "Arman & Aigerim"):
    a capitalised given name, a word too or not, that nothing else claimed. ``starts``:
    each word's start offset."""
    people = [s for s in spans if s[0] == "PERSON"]
    if not people:
        return spans
    taken = [(s[1], s[2]) for s in spans]
    added: list[Span] = []
    for _, start, end, _ in people:
        after = bisect.bisect_left(starts, end)
        before = bisect.bisect_left(starts, start) - 1
        candidates = []
        if after < len(words):
            candidates.append((text[end : words[after].token.start], after, after + 1))
        if before >= 0:
            candidates.append((text[words[before].token.end : start], before, before - 1))
        for gap, near, far in candidates:
            if gap.strip(" ") == "&" and gap.startswith(" ") and gap.endswith(" "):
                word = words[near]  # "Arman & Aigerim"
            elif gap == " " and words[near].key in _AND and 0 <= far < len(words) and (
                one_space(text, words[near].token, words[far].token)
            ):
                word = words[far]  # "Drew and Summer"
            else:
                continue
            if not (word.title and word.given) or word.key in _ENDEARMENTS:
                continue
            if any(s < word.token.end and word.token.start < e for s, e in taken):
                continue
            added.append(("PERSON", word.token.start, word.token.end, SCORE_LISTED))
            taken.append((word.token.start, word.token.end))
    return sorted(spans + added, key=lambda s: (s[1], s[2]))


def merge(model: list[Span], people: list[Span]) -> list[Span]:
    """Rule-found people joined with the model's spans they overlap."""
    out = list(model)
    for person in people:
        _, ps, pe, score = person
        overlapping = [m for m in out if m[1] < pe and ps < m[2]]
        if not overlapping:
            out.append(person)
            continue
        if score < SCORE_CUED and any(m[0] != "PERSON" for m in overlapping):
            continue  # only a cue outweighs the model's own reading of the words
        for m in overlapping:
            out.remove(m)
        # joined with the model's people it overlaps ("A." + "Serikova"); another type's
        # span is replaced, not joined: 'User(firstName="Susan' is no one's name
        people_too = [m for m in overlapping if m[0] == "PERSON"]
        start = min([ps, *(m[1] for m in people_too)])
        end = max([pe, *(m[2] for m in people_too)])
        out.append(("PERSON", start, end, max(score, *(m[3] for m in overlapping))))
    out.sort(key=lambda s: (s[1], s[2]))
    return out
