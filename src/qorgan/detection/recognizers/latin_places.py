"""Layer 2 of ``latin.py``: places from the gazetteers. Kazakhstan's cities and regions
and the world's cities and countries; a common word ("Mobile", "Nice", "Reading") only
where the words around it say it is the place (after "in", "from", "to", after the comma
of an address, a town of some size), in capitals after a comma or a preposition."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from qorgan.detection.recognizers.cues import title_before
from qorgan.detection.recognizers.gazetteer import Gazetteer, Place
from qorgan.detection.recognizers.latin_vocab import well_known_place
from qorgan.detection.recognizers.latin_words import Span, Word, adjacent, joined
from qorgan.detection.recognizers.names import Token

__all__ = ["PLACE_PREPOSITIONS", "SCORE_PLACE", "find_places", "site_town",
           "suffixed_after_apostrophe", "with_case_ending"]

PLACE_PREPOSITIONS = frozenset(
    [
        "in",
        "at",
        "from",
        "to",
        "near",
        "around",
        "outside",
        "inside",
        "via",
        "into",
        "toward",
        "towards",
        "across",
        "through",
        "visit",
        "visiting",
        "visited",
        "visits",
        "leave",
        "leaving",
        "left",
        "reach",
        "reached",
    ]
)
_REGION_WORDS = frozenset(
    ["region", "oblast", "oblysy", "province", "district", "city", "county", "state", "raion"]
)
_BIG_CITY = 1_000_000
#: a town this large is a place after "in", "from", "near" even when its name is a word
_TOWN = 100_000
#: ... unless the word is an everyday one ("in Turn order", "from Human Resources")
_EVERYDAY = 1e-4
_MIN_COMMON_PLACE = 5
# a town this large is named for itself more often than for a person
_WELL_KNOWN = 250_000
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
SCORE_PLACE = 0.8


def find_places(
    gz: Gazetteer, text: str, tokens: Sequence[Token], words: Sequence[Word]
) -> list[Span]:
    """Kazakhstan's and the world's places among ``words``, from the gazetteer."""
    found: list[Span] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.key not in gz.places or not _LATIN_LETTER.match(word.token.text):
            if word.title and with_case_ending(gz, word.key):
                found.append(("LOCATION", word.token.start, word.token.end, SCORE_PLACE))
            elif word.title and suffixed_after_apostrophe(gz, word.key):
                # Turkish writes a place's case ending after an apostrophe: "Antalya'da",
                # "Berlin'den"; the place is the word before it
                cut = word.token.start + len(re.split("['’]", word.token.text, maxsplit=1)[0])
                found.append(("LOCATION", word.token.start, cut, SCORE_PLACE))
            i += 1
            continue
        place = gz.match_place(w.key for w in words[i : i + 5])
        if place is None:
            i += 1
            continue
        n = len(place.words)
        run = words[i : i + n]
        if not all(joined(text, a.token, b.token) for a, b in itertools.pairwise(run)):
            i += 1
            continue
        after_preposition = (
            i > 0
            and words[i - 1].key in PLACE_PREPOSITIONS
            and joined(text, tokens[i - 1], word.token)
        )
        before = text[max(0, word.token.start - 8) : word.token.start].rstrip()[-1:]
        after_comma = before == ","
        # a field's colon, a dash or a slash: "DEST: ASTANA", "TASHKENT-ISTANBUL"
        after_label = before != "" and before in ":-–—/|"
        if not _place_ok(gz, place, run, (after_preposition, after_comma, after_label),
                         words, i) and not _alone_on_line(gz, text, place, run):
            i += 1
            continue
        end = run[-1].token.end
        if (
            i + n < len(words)
            and words[i + n].key in _REGION_WORDS
            and joined(text, run[-1].token, words[i + n].token)
        ):
            end = words[i + n].token.end
            n += 1
        found.append(("LOCATION", word.token.start, end, SCORE_PLACE))
        i += n
    return found

_LINE_EDGE = re.compile(r"[ \t,.;:!?()\-–—/|]*")


def _alone_on_line(gz: Gazetteer, text: str, place: Place, run: Sequence[Word]) -> bool:
    """A well-known city or a country, capitalised, that is all of its line ("Toulouse",
    "Manchester" under a phone number): no person is named by one word on a line of its
    own that is a city of that size, unless the word is mostly a given name."""
    head = run[0]
    if not (head.title or head.caps) or any(
        w.common and w.key not in gz.places_not_english for w in run
    ):
        return False
    if not (place.kind == "country" or place.population >= _WELL_KNOWN):
        return False
    if len(run) == 1 and gz.mainly_given(head.key):
        return False
    line_start = text.rfind("\n", 0, head.token.start) + 1
    line_end = text.find("\n", run[-1].token.end)
    line_end = len(text) if line_end < 0 else line_end
    before = _LINE_EDGE.fullmatch(text, line_start, head.token.start)
    after = _LINE_EDGE.fullmatch(text, run[-1].token.end, line_end)
    return before is not None and after is not None


def _place_word(gz: Gazetteer, run: Sequence[Word]) -> bool:
    """One word that English text writes often as a place and no dictionary holds as a
    word ("chattanooga", "kyiv", "asheville"), and that is no name ("Tyler", "Birmingham"
    are surnames too): frequent, but no common word."""
    head = run[0]
    return (
        len(run) == 1
        and head.key in gz.places_not_english
        and not head.given
        and not head.surname
    )


# Kazakh, Uzbek and Turkish case endings written in Latin letters: "Almatyda", "Şymkentke",
# "Nukusdan", "Farg'onaga", "Aqtöbede" (ascii-folded)
_CASE_ENDINGS = ("dagi", "degi", "dan", "den", "tan", "ten", "nan", "nen", "nyn", "nin",
                 "ning", "da", "de", "ta", "te", "ga", "ge", "qa", "ke", "ka", "na", "ne")
_TURKIC_COUNTRIES = frozenset({"KZ", "UZ", "KG", "TJ", "TM", "AZ", "TR"})


_APOSTROPHE_ENDINGS = frozenset(["da", "de", "ta", "te", "dan", "den", "tan", "ten", "a", "e",
                                 "ya", "ye", "na", "ne", "nin", "nın", "in", "ın", "un", "ün",
                                 "dır", "dir", "daki", "deki", "lı", "li", "lu", "lü"])


def suffixed_after_apostrophe(gz: Gazetteer, key: str) -> bool:
    """Whether ``key`` is a well-known place, or a Central Asian or Turkish one, with a
    Turkish case ending after an apostrophe ("antalya'da", "berlin'den")."""
    stem, mark, ending = key.replace("’", "'").partition("'")
    if not mark or ending not in _APOSTROPHE_ENDINGS or len(stem) < 4:
        return False
    place = gz.match_place([stem]) if stem in gz.places else None
    return place is not None and len(place.words) == 1 and (
        place.country in _TURKIC_COUNTRIES or place.population >= _WELL_KNOWN
        or place.kind == "country"
    )


def with_case_ending(gz: Gazetteer, key: str) -> bool:
    """Whether ``key`` is a Central Asian or Turkish town with a case ending on it."""
    for ending in _CASE_ENDINGS:
        stem = key[: -len(ending)]
        if key.endswith(ending) and len(stem) >= 4 and stem in gz.places:
            place = gz.match_place([stem])
            if place is not None and len(place.words) == 1 and (
                place.country in _TURKIC_COUNTRIES
            ):
                return True
    return False


def _place_ok(
    gz: Gazetteer,
    place: Place,
    run: Sequence[Word],
    after: tuple[bool, bool, bool],
    words: Sequence[Word],
    i: int,
) -> bool:
    """``after``: whether the place follows a place preposition, a comma, and a field's
    colon, a dash or a slash."""
    after_preposition, after_comma, after_label = after
    country, population = place.country, place.population
    head = run[0]
    common = any(w.common for w in run) if len(run) == 1 else all(w.common for w in run)
    place_word = _place_word(gz, run)
    if common and head.title and place_word and (
        place.population >= _TOWN or place.kind == "country"
    ):
        common = False  # "for Chattanooga", "the Kyiv office"
    well_known = country == "KZ" or population >= _BIG_CITY or place.kind == "country"
    # the frequency list holds places' short alternate names too ("for", "can", "oral")
    long_enough = len(head.key) >= _MIN_COMMON_PLACE
    if not (head.title or head.caps):
        # lower case only after a preposition, and only a well-known place, a common
        # word only when it is long ("in dubai", "to turkey", not "for"), or a town of
        # some size that is no everyday word ("from lviv", "in samarkand")
        return after_preposition and (
            (well_known and (not common or long_enough))
            or (population >= _TOWN and not common and gz.frequency(head.key) < _EVERYDAY)
            # "driving to asheville": a smaller town that is no word and no name
            or ((not common or place_word) and not head.given and not head.surname
                and long_enough and gz.frequency(head.key) < _EVERYDAY)
            or (population >= _WELL_KNOWN and long_enough
                and gz.frequency(head.key) < _EVERYDAY)  # "from manchester"
        )
    if head.caps and len(run) == 1 and len(head.key) < 4 and not after_preposition:
        return False
    if common:
        # "..., London LS6 2QT": a capitalised well-known place inside a sentence is the
        # place; the word list counts "london" as a word only because it is frequent. A
        # smaller one ("to Amsterdam", "..., Amsterdam 31660") only after a preposition
        # or the comma of an address: "Reading" and "Sale" are words first
        if after_preposition and well_known:
            return True
        if head.caps and (after_preposition or after_comma) and population >= _TOWN and (
            gz.frequency(head.key) < _EVERYDAY
        ):
            return True  # shouted: "..., LOS ANGELES", "IN LEEDS", "THE SHELBOURNE, DUBLIN"
        nxt = words[i + len(run)] if i + len(run) < len(words) else None
        if head.caps and long_enough and (well_known or population >= _WELL_KNOWN) and (
            gz.frequency(head.key) < _EVERYDAY
        ) and (after_label or nxt is None or not nxt.caps):
            # "CONNECTING ISTANBUL", "DEST: SHANGHAI"; not "KAZAKHSTAN PREMIER LEAGUE"
            return True
        if head.title and not head.token.sentence_initial:
            if well_known and long_enough:
                return True
            # "the venue in Bath": a town named after a preposition, unless the next
            # word is capitalised too ("from Human Resources")
            nxt = words[i + len(run)] if i + len(run) < len(words) else None
            if after_preposition and population >= _TOWN and (
                gz.frequency(head.key) < _EVERYDAY
            ) and not (
                nxt is not None and nxt.token.capitalized
                and nxt.token.start - run[-1].token.end <= 1
            ):
                return True
            return (
                population >= _WELL_KNOWN
                and long_enough
                and not head.given
                and (after_preposition or after_comma)
            )
        return False
    elif head.given or (len(run) == 1 and head.surname and country != "KZ"):
        # Florence, Austin, Jackson: a person as often as a place; in capitals a
        # well-known one after a comma or a field's colon is the place ("DEST: ASTANA")
        return after_preposition or (
            head.caps and well_known and (after_comma or after_label)
        )
    # a place followed by a surname is a person's first name ("Paris Hilton")
    nxt = words[i + len(run)] if i + len(run) < len(words) else None
    return not (
        nxt is not None
        and nxt.title
        and nxt.surname
        and not after_preposition
        and country != "KZ"
    )


# what a town names: "the Lyon office", "Leeds depot"
_SITES = frozenset(["office", "offices", "branch", "depot", "warehouse", "plant", "factory",
                    "site", "campus", "hub", "hq", "headquarters", "store", "showroom",
                    "airport", "station", "team", "region", "area", "trip"])


def site_town(gz: Gazetteer, text: str, tokens: Sequence[Token], first_index: int, word: Word,
              place: Place | None) -> bool:
    """A well-known town the model called a person, right before what a town names and with
    no title before it: "Lyon office", "the Leeds depot" (not "Mr. Lyon's office")."""
    if place is None or not well_known_place(place) or place.kind != "city":
        return False
    after = tokens[first_index + 1] if first_index + 1 < len(tokens) else None
    if after is None or after.folded not in _SITES or not adjacent(text, word.token, after):
        return False
    return not gz.mainly_given(word.key) and not title_before(text, word.token.start)
