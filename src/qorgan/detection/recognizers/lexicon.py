"""Word lists shared by the language router and the Kazakh recognizer.

Lists are data files in ``qorgan/data`` (ours) and ``natasha/data/dict`` (the name lists in
the natasha wheel, read as plain files). Every lookup goes through :func:`fold`, so one
entry matches Kazakh and Russian spellings alike: "Айгерім", "Айгерим" and "АЙГЕРИМ" are
the same key.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from importlib import resources
from pathlib import Path

from qorgan.errors import DetectionError

__all__ = [
    "fold",
    "kazakh_stems",
    "lemma_candidates",
    "lemma_set",
    "listed_organisations",
    "natasha_data_dir",
    "natasha_names",
    "read_lines",
    "read_words",
]

# Kazakh-only and Ukrainian-only letters to their Russian look-alikes ("Євгенія" and
# "Евгения", "Марії" and "Марии" are the same key)
_FOLD = str.maketrans("әғқңөұүһіёїєґ", "агкноуухиеиег")

# Case endings stripped to reach a dictionary form, with a few stem endings put back:
# Russian declension (Серику -> серик, Алие -> алия, Андрея -> андрей) and Kazakh case
# suffixes (Айгерімге -> айгерим, Алматыда -> алматы). Endings are folded already.
_ENDINGS: tuple[str, ...] = (
    "нын", "нин", "дын", "дин", "тын", "тин", "дан", "ден", "тан", "тен", "нан", "нен",
    "мен", "бен", "пен", "ым", "им", "ом", "ем", "ой", "ей", "ою", "ею", "ая", "ую", "ое",
    "дагы", "деги", "тагы", "теги", "нда", "нде",
    "га", "ге", "ка", "ке", "на", "не", "ны", "ни", "ды", "ди", "ты", "ти",
    "да", "де", "та", "те", "а", "я", "у", "ю", "е", "ы", "и",
)  # fmt: skip
_KAZAKH_ENDINGS: tuple[str, ...] = (
    "нын", "нин", "дын", "дин", "тын", "тин", "дан", "ден", "тан", "тен", "нан", "нен",
    "мен", "бен", "пен", "га", "ге", "ка", "ке", "на", "не", "ны", "ни", "ды", "ди", "ты",
    "ти", "да", "де", "та", "те", "дагы", "деги", "тагы", "теги",
)  # fmt: skip
_RESTORE: tuple[str, ...] = ("", "а", "я", "й", "ь", "ая")


def fold(word: str) -> str:
    """Lower-case and map Kazakh-only and Ukrainian-only letters to their Russian
    look-alikes (and ё to е)."""
    return word.lower().translate(_FOLD)


@lru_cache(maxsize=65536)
def lemma_candidates(folded: str) -> tuple[str, ...]:
    """The folded word and the dictionary forms it may be an inflection of.

    Over-generation is fine: candidates are only ever looked up in closed lists. Cached:
    chat text repeats its words, and this is the hot loop of the Kazakh backend.
    """
    out = [folded]
    for ending in _ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= 3:
            stem = folded[: -len(ending)]
            out.extend(stem + tail for tail in _RESTORE)
    if folded.endswith("о") and len(folded) >= 5:
        out.append(folded[:-1] + "а")  # the Ukrainian vocative: Оксано -> оксана
    return tuple(out)


@lru_cache(maxsize=65536)
def lemma_set(folded: str) -> frozenset[str]:
    """:func:`lemma_candidates` as a set, cached for gazetteer matching."""
    return frozenset(lemma_candidates(folded))


def natasha_data_dir() -> Path:
    """The ``data`` folder of the installed natasha package, found without importing it.

    Importing natasha would import pymorphy2, which does not run on current Python.
    """
    try:
        spec = importlib.util.find_spec("natasha")
    except (ImportError, ValueError) as exc:
        raise DetectionError("the natasha package is not installed") from exc
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        data = Path(location) / "data"
        if data.is_dir():
            return data
    raise DetectionError("the natasha package is not installed")


@lru_cache(maxsize=65536)
def kazakh_stems(folded: str) -> tuple[str, ...]:
    """The folded word and its stems without a Kazakh case suffix (Айгерімге -> айгерим).

    Narrower than :func:`lemma_candidates`: only suffixes of two or more letters, with
    nothing put back, so everyday words do not turn into names.
    """
    out = [folded]
    for ending in _KAZAKH_ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= 3:
            out.append(folded[: -len(ending)])
    return tuple(out)


def _data_text(name: str) -> str:
    try:
        return (resources.files("qorgan") / "data" / name).read_text(encoding="utf-8")
    except OSError as exc:
        raise DetectionError(f"detection data file missing: {name}") from exc


def _strip_comments(text: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in text.splitlines()]


@lru_cache(maxsize=32)
def read_words(name: str) -> frozenset[str]:
    """Whitespace-separated words of a data file, folded; ``#`` starts a comment."""
    return frozenset(
        fold(word) for line in _strip_comments(_data_text(name)) for word in line.split()
    )


@lru_cache(maxsize=32)
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty lines of a data file (entries that may contain spaces), unfolded."""
    return tuple(line for line in _strip_comments(_data_text(name)) if line)


@lru_cache(maxsize=1)
def listed_organisations() -> frozenset[str]:
    """The organisations of ``data/kk_orgs.txt`` (Kaspi Bank, Kcell, Казпочта), folded."""
    return frozenset(fold(name) for name in read_lines("kk_orgs.txt"))


@lru_cache(maxsize=8)
def natasha_names(name: str) -> frozenset[str]:
    """A name list from the natasha wheel (``first``, ``last``, ``maybe_first``), folded.

    The files hold one lower-case lemma a line, optionally followed by a ``#`` comment.
    """
    path = natasha_data_dir() / "dict" / f"{name}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DetectionError(f"name list missing: {name}") from exc
    return frozenset(fold(line) for line in _strip_comments(text) if line)
