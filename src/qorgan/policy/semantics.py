"""Whole-document checks: things a single field cannot know (references between sections).

Each problem is reported with the key path it is about, so the loader can point at the line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator

from qorgan.policy.schema import Policy

Path = tuple[str | int, ...]
Problem = tuple[Path, str]

_REGION = re.compile(r"[A-Z]{2}|UNKNOWN")

#: the destination every unmatched model resolves to
UNKNOWN_DESTINATION = "unknown"


def suggest(word: str, valid: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close spelling exists, else ``""``."""
    close = difflib.get_close_matches(word, list(valid), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown(word: str, what: str, valid: Iterable[str]) -> str:
    names = sorted(set(valid))
    listed = ", ".join(names) if names else "none declared"
    return f"unknown {what} '{word}'{suggest(word, names)}; valid: {listed}"


def _duplicates(ids: Iterable[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            yield index, value
        seen.add(value)


def check(policy: Policy) -> list[Problem]:
    """Every cross-reference problem in ``policy``, in document order."""
    problems: list[Problem] = []
    known = policy.detection.known_entities

    owner: dict[str, str] = {}
    for name, entities in policy.categories.items():
        for index, entity in enumerate(entities):
            path: Path = ("categories", name, index)
            if entity not in known:
                problems.append((path, _unknown(entity, "entity", known)))
            elif entity in owner and owner[entity] != name:
                problems.append(
                    (path, f"entity '{entity}' is already in category '{owner[entity]}'")
                )
            else:
                owner[entity] = name

    for index, value in _duplicates(d.id for d in policy.destinations):
        problems.append((("destinations", index, "id"), f"duplicate destination id '{value}'"))
    for index, value in _duplicates(p.id for p in policy.purposes):
        problems.append((("purposes", index, "id"), f"duplicate purpose id '{value}'"))

    keys = policy.auth.api_keys
    for index, value in _duplicates(k.id for k in keys):
        problems.append((("auth", "api_keys", index, "id"), f"duplicate api key id '{value}'"))
    for index, _ in _duplicates(k.sha256 for k in keys):
        problems.append((("auth", "api_keys", index, "sha256"), "the same key is listed twice"))

    purposes = {p.id for p in policy.purposes}
    if policy.default_purpose is not None and policy.default_purpose not in purposes:
        problems.append(
            (("default_purpose",), _unknown(policy.default_purpose, "purpose", purposes))
        )

    destinations = {d.id for d in policy.destinations} | {UNKNOWN_DESTINATION}
    for index, value in _duplicates(r.id for r in policy.rules):
        problems.append((("rules", index, "id"), f"duplicate rule id '{value}'"))
    for index, rule in enumerate(policy.rules):
        base: Path = ("rules", index)
        refs: list[tuple[str, tuple[str, ...] | None, str, Iterable[str]]] = [
            ("categories", rule.categories, "category", policy.categories),
            ("entities", rule.entities, "entity", known),
            ("destinations", rule.destinations, "destination", destinations),
        ]
        if policy.purposes:
            refs.append(("purposes", rule.purposes, "purpose", purposes))
        for key, values, what, valid in refs:
            valid_set = set(valid)
            for pos, value in enumerate(values or ()):
                if value not in valid_set:
                    problems.append(((*base, key, pos), _unknown(value, what, valid_set)))
        for pos, region in enumerate(rule.regions or ()):
            if not _REGION.fullmatch(region):
                problems.append(
                    ((*base, "regions", pos), "a region is a two-letter ISO code or UNKNOWN")
                )
    return problems
