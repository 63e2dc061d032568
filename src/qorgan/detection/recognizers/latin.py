"""People and places in Latin-script text, around and beside the English NER model.

Layers, each with its own evidence (``gazetteer.py`` for the lists and the common-word
filter, ``cues.py`` for the announcing words); layer 2 lives in ``latin_places.py``,
layers 3 to 5 in ``latin_people.py``, the words they all read in ``latin_words.py``:

1. **repair** of the model's spans (what an edge keeps: ``latin_edges.py``): cut at line
   and sentence ends, announcing and common words trimmed from the edges ("Email John
   Smith" -> "John Smith"), a lone common word
   dropped ("You wrote: Summarize"), a given name plus surname the model called an
   organisation relabelled a person, a known place it called a person relabelled a place;
2. **places** from the gazetteers: Kazakhstan's cities and regions and world cities and
   countries, a common word ("Mobile", "Nice", "Reading") only after "in"/"from"/"to" and
   only for a city of a million people;
3. **cued names**: the words after a greeting, sign-off, title, introduction, field label
   or command ("Dear Aigerim", "Call ivan petrov", "Mr. Brown"), in any case;
4. **initials** before or after a surname ("A. Serikova", "Petrov I.I.");
5. **listed names**: a given name and a surname together, or a given name that is no
   English word, in any case.

Spans never cross a line break or a sentence end.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from qorgan.detection.recognizers.cues import (
    TITLE_WORDS,
    cue_positions,
    person_field_before,
    title_before,
)
from qorgan.detection.recognizers.gazetteer import Gazetteer, Place, ascii_fold
from qorgan.detection.recognizers.latin_edges import (
    given_before_surname,
    given_to_the_left,
    is_cue_word,
    surname_after_given,
)
from qorgan.detection.recognizers.latin_lists import coordinated, merge
from qorgan.detection.recognizers.latin_people import People, does_what_people_do, says_next
from qorgan.detection.recognizers.latin_places import (
    PLACE_PREPOSITIONS,
    find_places,
    site_town,
    suffixed_after_apostrophe,
    with_case_ending,
)
from qorgan.detection.recognizers.latin_vocab import COMMON_SURNAME, well_known_place
from qorgan.detection.recognizers.latin_words import (
    Span,
    Word,
    adjacent,
    overlaps,
    split_at_breaks,
    word_facts,
)
from qorgan.detection.recognizers.names import Token, tokenize

__all__ = ["LatinLayers", "Span", "split_at_breaks"]

_ORG_WORDS = frozenset(
    [
        "inc",
        "ltd",
        "llc",
        "llp",
        "plc",
        "corp",
        "co",
        "company",
        "group",
        "bank",
        "partners",
        "holdings",
        "university",
        "college",
        "school",
        "institute",
        "foundation",
        "ministry",
        "agency",
        "association",
        "airlines",
        "airways",
        "club",
        "team",
        "labs",
        "technologies",
        "systems",
        "solutions",
        "services",
    ]
)
#: forms of address the name lists hold as rare names too, once folded ("sayın" -> "sayin")
_FORM_OF_ADDRESS = frozenset({"sayin", "herr", "frau", "monsieur", "mme", "mlle", "mademoiselle",
                              "senor", "senora", "hurmatli"})
#: the prepositions that put something inside or beside a place, never a person
_WHERE = frozenset({"in", "near", "outside", "inside", "around", "across", "throughout"})
_BIG_CITY = 1_000_000
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
# code: braces, quotes, "=" or a bracket glued to a word ('User(firstName="Susan'), not
# a remark in brackets after a space ("Rachel (New York)")
_CODE_SIGNS = re.compile(r"[{}\[\]=<>\"]|(?<=[\w.])\(|\)(?=\w)")


def _glued_to_digit(text: str, token: Token) -> bool:
    before = text[token.start - 1] if token.start else ""
    after = text[token.end] if token.end < len(text) else ""
    return before.isdigit() or after.isdigit()


def _latin_run(inside: list[Word]) -> list[Word]:
    """The first run of Latin-script words of ``inside`` (all of it when there is no other
    script, none when there is no Latin word)."""
    latin = [bool(_LATIN_LETTER.match(w.token.text)) for w in inside]
    if all(latin):
        return inside
    start = next((k for k, is_latin in enumerate(latin) if is_latin), len(inside))
    end = next((k for k in range(start, len(inside)) if not latin[k]), len(inside))
    return inside[start:end]


_BEFORE_A_THING = frozenset(["the", "our", "your", "their", "this", "that", "its", "a", "an"])
# not "&" or "and": a firm is named so ("Hartley & Moss")
_PLACE_JOINT = re.compile(r",[ \t]*|[ \t]+(?:vs\.?|or|to|[-–—→])[ \t]+")
_PLACE_WORDS = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


# the particles of surnames ("Marco De Luca", "Hamza bin Tariq")
_PARTICLES = frozenset(["de", "da", "di", "del", "della", "van", "von", "bin", "binti", "ibn",
                        "abu", "ben", "le", "la", "el", "al", "dos", "das", "du", "der", "ten",
                        "ter", "mac", "st", "san", "santa"])


def _two_people(gz: Gazetteer, text: str, last_three: Sequence[Word]) -> bool:
    """One space apart: a given name, a surname that is mainly no given name, then a word
    that is mainly a given name."""
    given, surname, other = last_three
    return (
        adjacent(text, given.token, surname.token)
        and text[surname.token.end : other.token.start] == " "
        and given.given and gz.mainly_given(given.key)
        and surname.title and surname.key not in _PARTICLES
        and surname.surname and not gz.mainly_given(surname.key)
        and other.title and other.given and gz.mainly_given(other.key)
    )


def _without_possessive(text: str, span: Span) -> Span:
    """A name or place without the English possessive its last word carries ("Smith's")."""
    label, start, end, score = span
    if end - start > 2 and text[end - 2 : end].lower() in ("'s", "’s"):
        end -= 2
    return label, start, end, score


class LatinLayers:
    """Everything above; one instance per process (the lists are shared)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gz = gazetteer
        self._people = People(gazetteer)

    # -- entry point ----------------------------------------------------------------------

    def analyze(self, text: str, ner: Sequence[tuple[str, int, int]]) -> list[Span]:
        """People and places in ``text``; ``ner`` are the model's (entity, start, end)."""
        if not _LATIN_LETTER.search(text):
            return []
        tokens = tokenize(text)
        words = [self._word(t) for t in tokens]
        cues = cue_positions(text)
        starts = [t.start for t in tokens]
        spans: list[Span] = []
        for entity, start, end in ner:
            spans.extend(self._repair(text, tokens, starts, words, cues, (entity, start, end)))
        # a model's organisation in a field only a person fills, or a given name's after a
        # greeting, is left to the name layers
        claimed = [
            (s, e) for entity, s, e, _ in spans
            if entity != "PERSON" and not self._released(text, tokens, starts, words, cues,
                                                         entity, s, e)
        ]
        found = find_places(self._gz, text, tokens, words)
        places = [p for p in found if not overlaps((p[1], p[2]), claimed)]
        claimed += [(s, e) for _, s, e, _ in places]
        people = self._people.find(text, words, cues, claimed)
        # a cued name outranks a model span of another type over the same words ("Call
        # Jordan"), and joins a model person span it overlaps ("A." + "Serikova")
        merged = coordinated(text, words, starts, merge(spans + places, people))
        return [_without_possessive(text, span) for span in merged]

    def _released(self, text: str, tokens: Sequence[Token], starts: Sequence[int],
                  words: Sequence[Word], cues: dict[int, str], entity: str, start: int,
                  end: int) -> bool:
        """Whether the model's organisation over ``[start, end)`` is a person's name the
        cue layer should read instead: after "Name:", "Patient:", "ФИО:" ("Name: Okonkwo
        Chidi"), or a given name after a greeting or a sign-off ("Dear Faith,")."""
        if entity != "ORGANIZATION":
            return False
        first = bisect.bisect_left(starts, start)
        inside = tokens[first : bisect.bisect_left(starts, end)]
        if not inside or any(t.folded in _ORG_WORDS for t in inside):
            return False
        if person_field_before(text, start):
            return True
        return cues.get(start) in ("greeting", "line") and words[first].given and len(inside) <= 3

    # -- words ----------------------------------------------------------------------------

    def _word(self, token: Token) -> Word:
        key, title, caps, given, surname, common = word_facts(self._gz, token.text)
        if key in _FORM_OF_ADDRESS:
            given = surname = False  # "Sayın Emre Kaya": the title is no part of the name
        return Word(token, key, title, caps, given, surname, common)

    # -- 1. the model's spans -------------------------------------------------------------

    def _repair(
        self,
        text: str,
        tokens: Sequence[Token],
        starts: Sequence[int],
        words: Sequence[Word],
        cues: dict[int, str],
        model_span: tuple[str, int, int],
    ) -> list[Span]:
        """``starts``: each token's start offset, for binary searches."""
        entity, start, end = model_span
        out: list[Span] = []
        if entity != "PERSON" and _CODE_SIGNS.search(text, start, end):
            # 'User(firstName="Susan': the model reading code, not a company; the cue and
            # list layers read the words inside instead
            return out
        if entity != "PERSON":
            towns = self._places_listed(text, start, end)
            if towns:
                # "Bangor, Maine", "Chimkent vs Shymkent": the model's one organisation is
                # a town and its state, or two towns
                return [("LOCATION", s, e, 0.85) for s, e in towns]
        for s, e in split_at_breaks(text, start, end):
            first = bisect.bisect_left(starts, s)
            inside = [w for w in words[first : bisect.bisect_left(starts, e)] if w.token.end <= e]
            if entity == "PERSON":
                while inside and (
                    inside[0].common
                    or not inside[0].token.capitalized
                    or (is_cue_word(inside[0], cues, text) and not inside[0].given)
                ):
                    if given_before_surname(text, inside, cues):
                        break  # "Sam Porter", "Tom Baker": the given name is no edge word
                    inside.pop(0)
                while inside and (inside[-1].common or not inside[-1].token.capitalized):
                    if surname_after_given(text, inside):
                        break  # "Devon Price", "Dana White": the surname is no edge word
                    inside.pop()
            else:
                # a place or a company keeps to one script: "Astana Удостоверение" is the
                # town and a Russian word ("Aigerim Серікова" may be one person)
                inside = _latin_run(inside)
                while inside and inside[0].common and is_cue_word(inside[0], cues, text):
                    inside.pop(0)
                # a cue of several words opens the span ("Reply to Priyanka")
                cut = next(
                    (k for k, w in enumerate(inside) if k and w.token.start in cues
                     and all(v.common for v in inside[:k])),
                    0,
                )
                inside = inside[cut:]
                # a postcode is no part of a name ("London OX1 3PA", "Almaty A05D8K1")
                while inside and _glued_to_digit(text, inside[-1].token):
                    inside.pop()
            if (
                entity == "ORGANIZATION"
                and 3 <= len(inside) <= 4
                and not inside[0].listed
                and inside[1].given
                and not inside[1].common
                and inside[-1].surname
                and not any(w.key in _ORG_WORDS for w in inside)
            ):
                # "Policyholder Reed Thompson": a role word and a person's name
                entity, inside = "PERSON", inside[1:]
            if entity == "PERSON" and len(inside) >= 3 and _two_people(self._gz, text,
                                                                      inside[-3:]):
                # "Jonas Hartmann Ginger left ...": a full name, then the next one's given
                # name where a sentence of its own starts
                out.append(("PERSON", inside[-1].token.start, inside[-1].token.end, 0.85))
                inside = inside[:-1]
            names = [w for w in inside if not w.token.initial]
            if not names or not any(w.token.capitalized for w in names):
                continue  # the model alone does not vouch for a word in lower case
            if entity != "PERSON" and all(w.caps for w in names) and any(w.common for w in names):
                # shouted text ("PLEASE CALL YERZHAN SERIKOV BACK") reads as one organisation
                # to the model; the places and the name layers read it word by word instead
                continue
            given = given_to_the_left(text, words, first, inside, cues)
            if given is not None:
                # "Alexei Morozov" read as the organisation "Morozov": the name is both words
                out.append(("PERSON", given.token.start, inside[-1].token.end, 0.85))
                continue
            s, e = inside[0].token.start, inside[-1].token.end
            first_index = bisect.bisect_left(starts, inside[0].token.start)
            label = self._relabel(text, tokens, first_index, entity, inside)
            lone = names[0] if len(names) == 1 else None
            if label == "PERSON" and lone and (lone.common or (lone.caps and not lone.listed)):
                continue
            out.append((label, s, e, 0.85))
        return out

    def _places_listed(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of ``[start, end)`` when it is two or three places joined by a comma,
        "vs", "or", "to" or a dash, each a place in full; else nothing."""
        parts = _PLACE_JOINT.split(text[start:end])
        if not 2 <= len(parts) <= 3:
            return []
        out: list[tuple[int, int]] = []
        at = start
        for part in parts:
            at = text.index(part, at)
            keys = [ascii_fold(w) for w in _PLACE_WORDS.findall(part)]
            if not keys or self._gz.whole_place(keys) is None or not part[:1].isupper():
                return []
            out.append((at, at + len(part)))
            at += len(part)
        return out

    def _relabel(
        self,
        text: str,
        tokens: Sequence[Token],
        first_index: int,
        entity: str,
        inside: Sequence[Word],
    ) -> str:
        """``first_index``: the index in ``tokens`` of the span's first word."""
        names = [w for w in inside if not w.token.initial]
        place = self._gz.match_place(w.key for w in inside)
        whole_place = place is not None and len(place.words) == len(inside)
        before = tokens[first_index - 1] if first_index > 0 else None
        gap = text[before.end : inside[0].token.start] if before is not None else "\n"
        joined_before = gap in {" ", ". ", "\u00a0"}
        if entity != "LOCATION" and whole_place and joined_before and before is not None and (
            before.folded in (_WHERE if entity == "PERSON" else PLACE_PREPOSITIONS)
        ):
            return "LOCATION"  # "be in Lyon", "a man from Bristol": no one is in a person
        if entity != "LOCATION" and len(inside) == 1 and inside[0].title and (
            with_case_ending(self._gz, inside[0].key)
            or suffixed_after_apostrophe(self._gz, inside[0].key)
        ):
            return "LOCATION"  # "Buxoroda", "Şymkentke", "Antalya'da": a town, its case ending
        if entity == "PERSON" and len(inside) == 1 and site_town(self._gz, text, tokens,
                                                                 first_index, inside[0], place):
            return "LOCATION"
        if entity != "LOCATION" and whole_place and not self._names_someone(names, place):
            if entity == "PERSON" and len(names) == 1 and names[0].surname and not (
                self._town_not_surname(text, tokens, first_index, names[0], place)
            ):
                return entity
            return "LOCATION"
        if entity == "PERSON":
            return entity
        if entity == "ORGANIZATION" and joined_before and before is not None and (
            before.folded in TITLE_WORDS and 1 <= len(names) <= 3
        ):
            return "PERSON"  # "Dr. Wood", "Coach Bishop": a title names a person
        if any(w.key in _ORG_WORDS for w in inside) or not all(w.token.capitalized for w in inside):
            return entity
        if before is not None and before.initial and adjacent(text, before, inside[0].token):
            return "PERSON"
        # a given name and a surname; a given name that is a word too only when the pair did
        # what people do ("Brook Stone called", "Sunny Park booked the room")
        if (
            2 <= len(names) <= 3
            and names[0].given
            and names[-1].surname
            and not whole_place
            and (not names[0].common
                 or does_what_people_do(text, tokens, first_index + len(inside)))
        ):
            return "PERSON"
        if (
            entity == "ORGANIZATION"
            and len(names) == len(inside) == 2
            and names[0].given
            and all(w.title for w in names)
            and adjacent(text, names[0].token, names[1].token)
            and not names[1].common
            and place is None
            and (names[1].surname or self._gz.mainly_given(names[0].key))
        ):
            return "PERSON"  # "Page Whitlock", "Chance Dlamini": a given name that is a word
        if len(inside) == 1 and self._lone_given(inside[0], place, before):
            return "PERSON"  # "Thanks, Lydia", "Aigerim says": the model's guess at a name
        if len(inside) == 1 and inside[0].listed and inside[0].title and not (
            well_known_place(place)
        ) and (
            says_next(text, tokens, first_index + 1)
        ):
            return "PERSON"  # "Parker says ours barely works": a company does not say so
        return entity

    def _town_not_surname(self, text: str, tokens: Sequence[Token], first_index: int,
                          word: Word, place: Place | None) -> bool:
        """A lone word the model called a person that is a well-known town and a rare
        surname but no given name, after "the", "our"... or an arrow or a dash, with no
        title before it and nothing a person does after it: "the Bielefeld one", "the
        Harbin branch", "Bogotá → Cartagena" (not "Mr. Lyon", "Lyon said")."""
        if place is None or word.given or not well_known_place(place) or place.kind != "city":
            return False
        if self._gz.surname_counts.get(word.key, 0) >= COMMON_SURNAME:
            return False
        if title_before(text, word.token.start) or does_what_people_do(text, tokens,
                                                                         first_index + 1):
            return False
        # named as a thing is ("the Harbin branch"), not alone in a field of names where
        # a surname stands so ("last_name": "Lincoln")
        before = tokens[first_index - 1] if first_index > 0 else None
        if before is not None and before.folded in _BEFORE_A_THING and adjacent(
            text, before, word.token
        ):
            return True
        # or a leg of a route: "Bogotá → Cartagena", "2 NIGHTS — CARTAGENA"
        return text[: word.token.start].rstrip(" \t")[-1:] in ("→", "—", "–")

    def _names_someone(self, names: Sequence[Word], place: Place | None) -> bool:
        """Whether a place's words read as a given name: never a city of millions ("London")
        the model did not call a person."""
        if place is not None and place.kind == "city" and place.population >= _BIG_CITY:
            return False
        return any(w.given for w in names)

    def _lone_given(self, word: Word, place: Place | None, before: Token | None) -> bool:
        """A capitalised given name, more often a given name than a surname, no English
        word, and no place but a small town not named after "in", "from"..."""
        if not (word.title and word.given and not word.common and self._gz.mainly_given(word.key)):
            return False
        if place is None:
            return True
        small = not well_known_place(place)
        return small and (before is None or before.folded not in PLACE_PREPOSITIONS)
