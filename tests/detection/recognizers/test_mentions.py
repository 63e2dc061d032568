"""A person named in full once is the same person named again in part."""

from __future__ import annotations

import pytest

from qorgan.detection.recognizers.mentions import SCORE, repeated_mentions
from qorgan.types import Finding


def _mentions(text: str, *names: str) -> list[str]:
    found = []
    for name in names:
        at = text.index(name)
        found.append(Finding("PERSON", at, at + len(name), 0.85, "test"))
    out = repeated_mentions(text, found)
    assert all(f.entity_type == "PERSON" and f.score == SCORE for f in out)
    return [text[f.start : f.end] for f in out]


@pytest.mark.parametrize(
    ("text", "names", "mentions"),
    [
        ("Attendees: Priya Raghunathan, Tomasz Wiśniewski - Tomasz to send the forecast",
         ("Priya Raghunathan", "Tomasz Wiśniewski"), ["Tomasz"]),
        ("Dear Ms Kovalenko, thank you. Olena Kovalenko", ("Olena Kovalenko",), ["Kovalenko"]),
        # a Cyrillic name with its case ending
        ("Ербол Нуртаев приедет завтра. Мы с Ерболом встретим его.", ("Ербол Нуртаев",),
         ["Ерболом"]),
        # a name that is a word too, inside a sentence
        ("Will Young joined. Later that day Will said hi.", ("Will Young",), ["Will"]),
    ],
)
def test_other_mentions_of_a_full_name(text: str, names: tuple[str, ...], mentions: list[str]
                                       ) -> None:
    assert _mentions(text, *names) == mentions


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a word that is an English word too, opening a sentence
        ("Will Young joined. Will you come?", ("Will Young",)),
        # one word alone vouches for no other mention
        ("Tomasz called. Tomasz again.", ("Tomasz",)),
        # inside a firm named after its partners
        ('{"company": "Aguilar, Lopez and Wright", "owner": "Olivia Wright"}',
         ("Olivia Wright",)),
        # no part of another word
        ("Anna Lee wrote; the Leeds office and Annabel replied", ("Anna Lee",)),
    ],
)
def test_no_other_mention(text: str, names: tuple[str, ...]) -> None:
    assert _mentions(text, *names) == []
