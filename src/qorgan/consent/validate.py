"""A consent is recorded for what the active policy knows: its purposes and its categories.

``qorgan consent grant --purpose supprt`` or an admin API call with the category
``identiti`` would otherwise be stored and never match a request: the subject would seem to
have consented while no rule can ever see it. :func:`check_grant` refuses such a grant
with a :class:`~qorgan.errors.PayloadError` (``invalid_value``, ``field`` naming the key),
which the admin API answers 400 and the CLI prints. Messages never repeat the value sent;
they name the closest declared one and list the declared ones (policy text).

- ``purpose`` must be declared in ``purposes`` and not ``denied`` (a policy that declares
  no purposes accepts any purpose, as its rules do);
- every category must be a key of ``categories`` (an empty set means every category).

The checks take a :class:`Vocabulary` (``Vocabulary.of(engine_or_policy)``), so this
package does not import the policy package, which imports consent's model.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qorgan.errors import PayloadError


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What a policy declares that a consent can name."""

    policy: str
    #: purpose id -> whether the policy prohibits it
    purposes: Mapping[str, bool]
    categories: frozenset[str]

    @classmethod
    def of(cls, policy: Any) -> Vocabulary:
        """From a ``Policy`` (``policy.schema``; the active one is
        ``runtime.policy().loaded.policy``) or anything with its ``name``, ``purposes``
        (each with ``id`` and ``denied``) and ``categories``."""
        return cls(policy=str(policy.name),
                   purposes={p.id: bool(p.denied) for p in policy.purposes},
                   categories=frozenset(policy.categories))


def _listed(names: Iterable[str]) -> str:
    ordered = sorted(names)
    return ", ".join(ordered) if ordered else "none declared"


def _suggest(word: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(valid), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_purpose(vocabulary: Vocabulary, purpose: str) -> None:
    declared = vocabulary.purposes
    if not declared:
        return
    if purpose not in declared:
        raise PayloadError(
            f"the purpose is not declared by policy '{vocabulary.policy}'"
            f"{_suggest(purpose, declared)}; declared: {_listed(declared)}",
            code="invalid_value", field="purpose",
        )
    if declared[purpose]:
        raise PayloadError(f"purpose '{purpose}' is prohibited by policy '{vocabulary.policy}'",
                           code="invalid_value", field="purpose")


def check_categories(vocabulary: Vocabulary, categories: Iterable[str]) -> None:
    declared = vocabulary.categories
    wanted = sorted(set(categories))
    for position, category in enumerate(wanted, start=1):
        if category not in declared:
            raise PayloadError(
                f"category {position} of {len(wanted)} is not declared by policy "
                f"'{vocabulary.policy}'{_suggest(category, declared)}; "
                f"declared: {_listed(declared)}",
                code="invalid_value", field="categories",
            )


def check_grant(vocabulary: Vocabulary, *, purpose: str, categories: Iterable[str]) -> None:
    """Refuse a grant whose purpose or categories the policy does not declare."""
    check_purpose(vocabulary, purpose)
    check_categories(vocabulary, categories)


__all__ = ["Vocabulary", "check_categories", "check_grant", "check_purpose"]
