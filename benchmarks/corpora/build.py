"""Fill sentence templates so every gold span's offsets are exact.

A template is plain text with two kinds of marks:

``⟨TYPE⟩``, ``⟨TYPE:flags⟩``, ``⟨TYPE#2:flags⟩``
    a value the split's source draws (``sources_dev.py`` / ``sources_test.py``), labelled
    ``TYPE``; ``#2`` is a second value of the same kind in one text (a second person);
    ``flags`` are dot-separated choices the source understands (``first.lower``,
    ``kz``, ``pem_json``). ``⟨~KIND⟩`` draws an unlabelled filler (an order number, a
    version, a hash): text that must not be reported.
``⟦text|TYPE⟧``
    literal text labelled ``TYPE``, for hand-written forms (``⟦Ивану Петрову|PERSON⟧``).

Offsets are code points of the finished text, as the detector reports them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

_MARK = re.compile(r"⟨(~?)([A-Z_]+|[a-z_0-9]+)(?:#(\d))?(?::([a-z0-9_.]+))?⟩|⟦([^|⟧]+)\|([A-Z_]+)⟧")


@dataclass(frozen=True, slots=True)
class Template:
    family: str
    language: str
    text: str
    count: int = 3


@dataclass(slots=True)
class Draw:
    """One text's drawing state: the persons already chosen, by index."""

    rng: random.Random
    language: str
    people: dict[int, Any] = field(default_factory=dict)


class Source(Protocol):
    def value(self, kind: str, index: int, flags: frozenset[str], draw: Draw) -> str: ...

    def filler(self, kind: str, draw: Draw) -> str: ...


def fill(template: Template, source: Source, rng: random.Random) -> dict[str, Any]:
    draw = Draw(rng=rng, language=template.language)
    text = ""
    spans: list[dict[str, Any]] = []
    position = 0
    for match in _MARK.finditer(template.text):
        text += template.text[position : match.start()]
        position = match.end()
        filler, kind, index, flags, literal, literal_type = match.groups()
        if literal is not None:
            value, entity = literal, literal_type
        elif filler:
            value, entity = source.filler(kind, draw), None
        else:
            parsed = frozenset(flags.split(".")) if flags else frozenset()
            value, entity = source.value(kind, int(index or 1), parsed, draw), kind
        if entity is not None:
            spans.append({"start": len(text), "end": len(text) + len(value), "entity_type": entity})
        text += value
    text += template.text[position:]
    return {"text": text, "language": template.language, "family": template.family,
            "spans": spans}


def generate(
    templates: Iterable[Template], source: Source, seed: int, seen: set[str] | None = None
) -> list[dict[str, Any]]:
    """Every template filled ``count`` times; a text drawn twice is drawn again (up to a
    limit), and texts in ``seen`` (the other split) are never produced."""
    rng = random.Random(seed)
    seen = set(seen or ())
    rows: list[dict[str, Any]] = []
    for template in templates:
        for _ in range(template.count):
            for _attempt in range(20):
                row = fill(template, source, rng)
                if row["text"] not in seen:
                    break
            else:
                continue  # a template without variable parts is kept once
            seen.add(row["text"])
            rows.append(row)
    return rows


# --- Russian case forms of generated names -------------------------------------------------

_VOWELS = "аеёиоуыэюя"


def _decline_first(word: str, gender: str, case: str) -> str:
    low = word.lower()
    if gender == "f":
        if low.endswith("ия"):
            return word[:-1] + "и"
        if low.endswith(("а", "я")):
            if case == "dat":
                return word[:-1] + "е"
            soft = low[-2] in "гкхжчшщ" or low.endswith("я")
            return word[:-1] + ("и" if soft else "ы")
        return word  # Айгерим, Жанар: not declined
    if low.endswith("й"):
        return word[:-1] + ("ю" if case == "dat" else "я")
    if low.endswith("ь"):
        return word[:-1] + ("ю" if case == "dat" else "я")
    if low.endswith("а"):
        return word[:-1] + ("е" if case == "dat" else "ы")
    if low[-1] in _VOWELS:
        return word
    return word + ("у" if case == "dat" else "а")


def _decline_last(word: str, gender: str, case: str) -> str:
    low = word.lower()
    if gender == "f":
        if low.endswith(("ова", "ева", "ёва", "ина", "ына")):
            return word[:-1] + "ой"
        if low.endswith("ая"):
            return word[:-2] + "ой"
        return word
    if low.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return word + ("у" if case == "dat" else "а")
    if low.endswith("ий"):
        return word[:-2] + ("ому" if case == "dat" else "ого")
    if low[-1] in _VOWELS or low.endswith(("ых", "их")):
        return word
    return word + ("у" if case == "dat" else "а")


def _decline_patronymic(word: str, gender: str, case: str) -> str:
    low = word.lower()
    if gender == "f" and low.endswith("на"):
        return word[:-1] + ("е" if case == "dat" else "ы")
    if low.endswith("ич"):
        return word + ("у" if case == "dat" else "а")
    return word  # Kazakh -улы / -кызы


def decline(part: str, role: str, gender: str, case: str) -> str:
    """``part`` (a first name, surname or patronymic in Cyrillic) in the genitive or dative."""
    if case not in ("gen", "dat"):
        return part
    fn = {"first": _decline_first, "last": _decline_last, "patronymic": _decline_patronymic}
    return "-".join(fn[role](p, gender, case) for p in part.split("-"))
