"""The labelled detection corpora (benchmarks/data/{dev,test}) are sound: exact spans,
valid identifiers, two disjoint splits that cover the same families, enough of each type,
and files equal to what their seeded generators write."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from benchmarks.corpora.checks import VALIDATORS
from benchmarks.corpora.make import FILES, LEGACY, build

DATA = Path(__file__).parents[2] / "benchmarks" / "data"
SPLITS = ("dev", "test")
ENTITY_TYPES = frozenset({
    "PERSON", "LOCATION", "ORGANIZATION", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD",
    "IBAN_CODE", "IP_ADDRESS", "KZ_IIN", "KZ_BIN", "SECRET", "US_SSN", "DATE_OF_BIRTH",
    "KZ_PASSPORT", "KZ_ID_CARD", "STREET_ADDRESS",
})  # fmt: skip
LANGUAGES = frozenset({"en", "ru", "kk", "mixed"})
FAMILIES = frozenset(f for families in FILES.values() for f in families)
MIN_SPANS = {t: 60 for t in ENTITY_TYPES} | {"PERSON": 300, "LOCATION": 120, "PHONE_NUMBER": 120}


def _load(split: str) -> list[tuple[str, int, dict[str, Any]]]:
    rows = []
    for path in sorted((DATA / split).glob("*.jsonl")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            rows.append((path.name, number, json.loads(line)))
    return rows


@pytest.fixture(scope="module")
def corpora() -> dict[str, list[dict[str, Any]]]:
    return {split: [row for _, _, row in _load(split)] for split in SPLITS}


def test_corpus_files() -> None:
    for split in SPLITS:
        names = {p.stem for p in (DATA / split).glob("*.jsonl")}
        assert set(FILES) <= names, split
    assert {p.stem for p in (DATA / "test").glob("*.jsonl")} == set(FILES)
    assert not list(DATA.glob("*.jsonl")), "corpora live in dev/ or test/"


@pytest.mark.parametrize("split", SPLITS)
def test_records_and_spans(split: str) -> None:
    problems = []
    for name, number, row in _load(split):
        where = f"{split}/{name}:{number}"
        if set(row) != {"text", "language", "family", "spans"}:
            problems.append(f"{where}: keys {sorted(row)}")
            continue
        text = row["text"]
        if row["language"] not in LANGUAGES or row["family"] not in FAMILIES:
            problems.append(f"{where}: language/family {row['language']}/{row['family']}")
        if (row["family"] == "negative") != (not row["spans"]):
            problems.append(f"{where}: negatives, and only they, have no spans")
        end = 0
        for span in sorted(row["spans"], key=lambda s: s["start"]):
            start, stop, kind = span["start"], span["end"], span["entity_type"]
            value = text[start:stop]
            if kind not in ENTITY_TYPES:
                problems.append(f"{where}: unknown type {kind}")
            if not 0 <= start < stop <= len(text) or start < end:
                problems.append(f"{where}: span {start}-{stop} outside the text or overlapping")
            elif value != value.strip() or not value:
                problems.append(f"{where}: {kind} span has surrounding whitespace")
            validator = VALIDATORS.get(kind)
            if validator is not None and not validator(value):
                problems.append(f"{where}: invalid {kind}")
            end = max(end, stop)
    assert not problems, "\n".join(problems[:20])


def test_splits_share_no_text(corpora: dict[str, list[dict[str, Any]]]) -> None:
    dev = {r["text"] for r in corpora["dev"]}
    test = [r["text"] for r in corpora["test"]]
    assert not dev & set(test)
    assert len(test) == len(set(test)), "the held-out split repeats a text"


def test_families_in_both_splits(corpora: dict[str, list[dict[str, Any]]]) -> None:
    for split, rows in corpora.items():
        assert {r["family"] for r in rows} == FAMILIES, split
        chat_languages = {r["language"] for r in rows if r["family"] == "chat"}
        assert chat_languages == LANGUAGES, split
        address_languages = {r["language"] for r in rows if r["family"] == "address"}
        assert {"en", "ru", "kk"} <= address_languages, split


def test_enough_of_each_type(corpora: dict[str, list[dict[str, Any]]]) -> None:
    for split, rows in corpora.items():
        counts = Counter(s["entity_type"] for r in rows for s in r["spans"])
        short = {t: counts[t] for t, n in MIN_SPANS.items() if counts[t] < n}
        assert not short, f"{split}: too few spans {short}"
        assert len(rows) >= 600, split
        negatives = [r for r in rows if r["family"] == "negative"]
        assert len(negatives) >= 150, split
        assert {r["language"] for r in negatives} == LANGUAGES, split


def test_files_are_what_the_generators_write(corpora: dict[str, list[dict[str, Any]]]) -> None:
    built = build()
    for split, rows in built.items():
        on_disk = [r for name in FILES for r in _rows(split, name)]
        assert on_disk == [r for name in FILES for r in rows if r["family"] in FILES[name]], (
            f"{split} differs from its generator: run python -m benchmarks.corpora.make"
        )
    assert all(name in {p.stem for p in (DATA / "dev").glob("*.jsonl")} for name in LEGACY)


def _rows(split: str, name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / split / f"{name}.jsonl").read_text("utf-8")
            .splitlines()]


@pytest.mark.parametrize(
    ("value", "valid"),
    [("536-90-4399", True), ("536 90 4399", True),
     ("five three six, nine oh, four three nine nine", True),  # said digit by digit
     ("nine three six, nine oh, four three nine nine", False),  # area 9xx
     ("five three six, nine oh", False)],  # too few digits
)
def test_an_ssn_label_is_checked_as_written_or_said(value: str, valid: bool) -> None:
    assert VALIDATORS["US_SSN"](value) is valid
