"""Values cut across adjacent texts are found in the glued run and split back, covering only
the characters of the value in each text; object keys and identifiers are pattern-scanned."""

from __future__ import annotations

from typing import Any

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.decode import DecodingDetector
from qorgan.detection.service import DetectionService
from qorgan.pipeline.detect import REACH, WINDOW, Runs, detect_request, words
from qorgan.pipeline.extract import Extracted
from qorgan.types import Finding, TextSlot

pytestmark = pytest.mark.anyio

_DETECTOR = DecodingDetector(DetectionConfig(), ner_backends=[])


@pytest.fixture(scope="module")
def service() -> DetectionService:
    return DetectionService(workers=1, timeout=30.0, factory=lambda config: _DETECTOR)


def _extracted(texts: list[str], **extra: Any) -> Extracted:
    slots = tuple(TextSlot(path=("t", i), text=t) for i, t in enumerate(texts))
    return Extracted({}, slots, "", **extra)


SPLITS: list[tuple[str, list[str], list[str]]] = [
    ("iin-in-three-parts", ["IIN 9011", "2330", "0258"], ["9011", "2330", "0258"]),
    ("iin-as-twelve-texts", list("901123300258"), list("901123300258")),
    ("email-in-five-texts", ["aige", "rim.se", "rikova@", "mail.", "kz"],
     ["aige", "rim.se", "rikova@", "mail.", "kz"]),
    ("card-in-four-parts", ["card 4111", " 1111 ", "1111", " 1111"],
     ["4111", " 1111 ", "1111", " 1111"]),
    ("iin-around-a-space-text", ["IIN 901123", " ", "300258"], ["901123", " ", "300258"]),
    ("two-halves", ["IIN 901123", "300258"], ["901123", "300258"]),
    ("empty-texts-between", ["x" * 500 + " 9011", "", "23300258 ok"], ["9011", "23300258"]),
    ("phone-after-a-valid-start", ["call +7 701", "234 56 78"], ["+7 701", "234 56 78"]),
]


@pytest.mark.parametrize(("case", "texts", "parts"), SPLITS, ids=[s[0] for s in SPLITS])
async def test_a_value_cut_into_pieces_is_found_in_each_piece(
    service: DetectionService, case: str, texts: list[str], parts: list[str]
) -> None:
    detected = await detect_request(service, DetectionConfig(), _extracted(texts))
    got = [texts[i][f.start:f.end] for i, fs in enumerate(detected.findings) for f in fs]
    assert got == parts


GLUE: list[tuple[str, list[str], list[list[str]]]] = [
    ("word-glued-to-an-address",
     ["You are a helpful assistant", "aigerim.serikova@mail.kz wrote to us"],
     [[], ["aigerim.serikova@mail.kz"]]),
    ("address-glued-to-a-word",
     ["write to aigerim.serikova@mail.kz", "kz"], [["aigerim.serikova@mail.kz"], []]),
    ("a-whole-value-and-a-neighbour", ["IIN 901123300258 and", "nothing else"],
     [["901123300258"], []]),
]


@pytest.mark.parametrize(("case", "texts", "expected"), GLUE, ids=[g[0] for g in GLUE])
async def test_a_joint_never_rewrites_a_neighbouring_word(
    service: DetectionService, case: str, texts: list[str], expected: list[list[str]]
) -> None:
    detected = await detect_request(service, DetectionConfig(), _extracted(texts))
    assert [[texts[i][f.start:f.end] for f in fs]
            for i, fs in enumerate(detected.findings)] == expected


def test_a_part_covered_by_the_texts_own_finding_is_not_added_again() -> None:
    texts = ["call +7 701", "234 56 78"]
    runs = Runs.of(texts)
    own = [[Finding("PHONE_NUMBER", 5, 11, 0.9)], []]
    glued = [[Finding("PHONE_NUMBER", 5, 20, 1.0)]]
    out = runs.split(texts, own, glued)
    assert out[0] == own[0]
    assert [(f.start, f.end) for f in out[1]] == [(0, 9)]


def test_windows_cover_every_short_value_in_a_long_run() -> None:
    texts = ["ab"] * 5000
    runs = Runs.of(texts)
    # one region: windows overlap by REACH, so any value of up to REACH characters is whole
    # in one of them
    assert all(len(w.text) <= WINDOW for w in runs.windows)
    for first, second in zip(runs.windows, runs.windows[1:], strict=False):
        assert second.start == first.start + len(first.text) - REACH
    covered = sum(len(w.text) for w in runs.windows)
    assert covered <= len(runs.glued) * WINDOW / (WINDOW - REACH) + WINDOW


def test_long_texts_are_scanned_only_around_their_joints() -> None:
    runs = Runs.of(["a" * 10_000, "b" * 10_000, "c" * 10_000])
    assert [(w.start, len(w.text)) for w in runs.windows] == [
        (10_000 - REACH, 2 * REACH), (20_000 - REACH, 2 * REACH)]


@pytest.mark.parametrize(("value", "spaced"), [
    ("call_901123300258", "call 901123300258"),
    ("toolu_01A09q", "toolu 01A09q"),
    ("gpt-4o-mini", "gpt-4o-mini"),
])
def test_words_reads_identifier_parts_apart(value: str, spaced: str) -> None:
    assert words(value) == spaced


IDENTS: list[tuple[str, dict[str, Any], bool, bool]] = [
    ("iban-key", {"key_names": ("KZ86125KZT5004100100",)}, True, False),
    ("token-key", {"key_names": ("ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2,)}, True, False),
    ("plain-keys", {"key_names": ("customer_tier", "x-trace.id", "50256")}, False, False),
    ("iin-in-a-call-id", {"identifiers": ("call_901123300258",)}, False, True),
    ("iin-as-a-model", {"identifiers": ("901123300258",)}, False, True),
    ("real-ids", {"identifiers": ("call_9", "toolu_01A09q90qw90lq917835lq9", "gpt-4o-mini",
                                  "claude-sonnet-4-5-20250929", "run_1757644430",
                                  "123e4567-e89b-12d3-a456-426614174000")}, False, False),
    ("phone-written-as-an-id", {"identifiers": ("+77012345678",)}, False, True),
]


@pytest.mark.parametrize(("case", "extra", "in_keys", "in_ids"), IDENTS,
                         ids=[i[0] for i in IDENTS])
async def test_keys_and_identifiers_are_pattern_scanned(
    service: DetectionService, case: str, extra: dict[str, Any], in_keys: bool, in_ids: bool
) -> None:
    detected = await detect_request(service, DetectionConfig(), _extracted(["hi"], **extra))
    assert (detected.in_keys, detected.in_ids) == (in_keys, in_ids)
