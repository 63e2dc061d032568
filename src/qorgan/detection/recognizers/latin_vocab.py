"""The words the Latin people layers (``latin_people.py``, ``latin_chat.py``) read a name
by: what follows a person and what ends a place or a firm, verbs people do, and the scores
of the layers."""

from __future__ import annotations

from qorgan.detection.recognizers.gazetteer import Place

__all__ = [
    "ACTING", "BEFORE_PAIR", "COMMON_SURNAME", "ENDEARMENTS", "FUNCTION_WORDS", "MODALS",
    "NOT_AFTER_NAME", "SAYING", "SCORE_CUED", "SCORE_LISTED", "SCORE_LOWER",
    "STREET_AND_FIRM_WORDS", "WELL_KNOWN_TOWN", "well_known_place",
]

SCORE_CUED = 0.85
SCORE_LISTED = 0.8
SCORE_LOWER = 0.6
STREET_AND_FIRM_WORDS = frozenset(
    ["street", "st", "avenue", "ave", "road", "rd", "lane", "boulevard", "square", "park",
     "bank", "inc", "ltd", "llc", "group", "city", "county", "river", "lake", "hall",
     "center", "centre", "school", "university", "college", "hotel", "airport", "station"]
)
#: words that end a place or a company, or a date, never a person ("Jordan Street", "John
#: Monday"): a model's person span is not widened over them
NOT_AFTER_NAME = STREET_AND_FIRM_WORDS | frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
     "tomorrow", "yesterday", "team", "department", "dept", "office", "company", "corp",
     "foundation", "institute", "museum", "church", "hospital", "clinic", "store", "shop",
     "drive", "way", "place", "court", "plaza", "mall", "bridge", "tower", "towers"]
)
# verbs of saying that follow the person who says ("Pavel says", "Hope asked me")
SAYING = frozenset(
    ["says", "said", "asks", "asked", "writes", "wrote", "tells", "told", "replied", "replies",
     "mentioned", "mentions", "confirmed", "confirms", "emailed", "texted", "messaged",
     "suggested", "suggests", "agreed", "agrees", "explained", "explains", "thinks", "thought",
     "wants", "wanted", "called", "calls", "promised", "promises", "noted", "insists"]
)
# what a person, seldom a company or a place, did: after a full name ("Cliff Ward reviewed")
ACTING = frozenset(
    ["reviewed", "signed", "booked", "approved", "sent", "left", "joined", "arrived", "paid",
     "submitted", "shared", "forwarded", "uploaded", "scheduled", "cancelled", "canceled",
     "visited", "resigned", "presented", "prepared", "drafted", "phoned", "complained",
     "apologized", "apologised", "volunteered", "responded", "reports", "reported",
     "declined", "accepted", "requested", "completed", "received", "returned", "ordered",
     "purchased", "moved", "started", "finished", "passed", "won", "walked", "drove",
     "hiked", "emailed", "hired", "interviewed", "organised", "organized", "hosted"]
)
MODALS = frozenset(["will", "would", "can", "could", "should", "must", "might", "shall"])
# English words the given-name lists also hold that are never a name in lower-case prose
_FUNCTION_WORDS_TEXT = (
    "the and but for not you all any can had has her his its may our out she who why how "
    "new now old see way day get got let say too use are was were been have this that with "
    "from they them then than"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
# the words a given name and a surname may follow on their own ("thanks to Amber Young")
BEFORE_PAIR = frozenset(["to", "by", "with", "from", "for", "and", "cc"])
# a surname at least this frequent (US census count) is a surname first ("Young", "Rich")
COMMON_SURNAME = 40_000
# a town this large is named for itself more often than for a person
WELL_KNOWN_TOWN = 250_000
# words of address that the name lists also hold ("Hi Honey", "Thanks Buddy")
ENDEARMENTS = frozenset(
    ["honey", "buddy", "love", "dear", "darling", "baby", "sunshine", "angel", "sweetie",
     "sugar", "boss", "chief", "champ", "mate", "doc", "sonny", "precious", "cookie"]
)


def well_known_place(place: Place | None) -> bool:
    """Whether ``place`` names itself more often than a person: a country or region, a town
    of Kazakhstan, or a foreign town of :data:`WELL_KNOWN_TOWN` people or more."""
    return place is not None and (
        place.kind != "city" or place.country == "KZ" or place.population >= WELL_KNOWN_TOWN
    )


