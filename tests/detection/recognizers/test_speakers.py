"""Speakers of a transcript and people of a meeting's roster, on their own (``speakers``)."""

from __future__ import annotations

import pytest

from qorgan.detection.recognizers.speakers import SpeakerRecognizer


def _people(text: str) -> list[str]:
    return [text[h.start : h.end] for h in SpeakerRecognizer().scan(text)]


@pytest.mark.parametrize(
    ("text", "people"),
    [
        # times before the speakers: names that are words too ("Mark", "Will")
        ("[00:01:12] Mark: okay, let's mark it done.\n[00:01:15] Will: will we revisit it?",
         ["Mark", "Will"]),
        ("12/03/2024, 14:05 - Aigerim: where are you?\n12/03/2024, 14:06 - Dana: on my way",
         ["Aigerim", "Dana"]),
        # no times: two given names, one of them no English word
        ("linh: ok final plan\nsky: wait, hoi an first?\nlinh: yes\nmarco: i land late",
         ["linh", "sky", "linh", "marco"]),
        ("Айгерим: привет, ты где?\nДима: в пути\nАйгерим: ок", ["Айгерим", "Дима", "Айгерим"]),
        # a speaker no list holds, speaking twice in a transcript
        ("[10:02] Olu: hi all\n[10:03] Chidubem: hello there\n[10:04] Olu: ready?",
         ["Olu", "Chidubem", "Olu"]),
        ("Nurlan Abenov: the address is Dostyk 180\nAigerim: thanks a lot",
         ["Nurlan Abenov", "Aigerim"]),
        # rosters: lower case, initials, "and"
        ("Present: jay, penny, oluwaseun, mateusz, hannah k", ["jay", "penny", "oluwaseun",
                                                              "mateusz", "hannah k"]),
        ("Attendees: Holly Baker, Frank Porter and Ivy Long.", ["Holly Baker", "Frank Porter",
                                                               "Ivy Long"]),
        ("Присутствовали: Ерлан Сейтказин, Дина Омарова", ["Ерлан Сейтказин", "Дина Омарова"]),
        # signatures: after a dash past the sentence's end, or a sign-off on the same line
        ("Drew, I drew the floor plan you asked for. — Kemi", ["Kemi"]),
        ("Meet at the café in Kumasi? — Kwabena", ["Kwabena"]),
        ("what do i do?? — lina", ["lina"]),
        ("Sorry, I had hoped to send it sooner. Best, Hope", ["Hope"]),
    ],
)
def test_speakers_and_rosters(text: str, people: list[str]) -> None:
    assert _people(text) == people


@pytest.mark.parametrize(
    "text",
    [
        "Bill: 40 USD\nTip: 5 USD\nTotal: 45 USD",  # one given name among fields
        "Name: John\nEmail: x@y.com\nNote: call back",
        "Subject: Q3 plan\nStatus: draft\nOwner: platform team",
        "Q: what is the SLA?\nA: 99.9%\nQ: and the RTO?\nA: 4 hours",
        "Mark: okay",  # one line is no transcript
        "Rose: pink\nLily: white\nIris: blue",  # given names, all of them words too
        "[10:02] Note: deploy started\n[10:05] Status: green",  # times, but fields
        "Attendees: platform team, security, finance",  # no given names
        "Present: Mark",  # one name is no roster to trust
        "see https://example.org/a\nhttps://example.org/b",
        "Best route: Almaty — Astana",  # a route, not a signature
        "Next stop. — Bishkek",  # a listed place
        "Ticket status — Closed",
        "What is left? — Summary",  # an English word
        "thanks, bye",
    ],
)
def test_fields_and_roles_are_no_speakers(text: str) -> None:
    assert _people(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Please send it to Summit today so they can ship Monday.\nMiguel", "Miguel"),
        ("Yes, 9am works. See you there.\nConor\nSent from my iPhone", "Conor"),
        # a given name that is a word too: under a sign-off, or over a quoted header
        ("Thanks,\n>> Ben\n>>\n>> -----Original Message-----", "Ben"),
        ("Looping in legal. See below.\n\nBen\n\nOn Thu, 7 Mar 2024 at 17:20, Ines wrote:",
         "Ben"),
    ],
)
def test_a_name_alone_on_the_line_that_signs_a_message(text: str, name: str) -> None:
    assert name in _people(text)


@pytest.mark.parametrize(
    "text",
    ["Agenda\n\nBudget\n\nNext steps", "Steps done.\nSummary",
     "Please review.\n\nWill\n\nNext item"],
)
def test_no_signature_line(text: str) -> None:
    assert _people(text) == []
