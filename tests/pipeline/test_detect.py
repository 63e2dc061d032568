"""Values split across neighbouring texts are found at the joint and split back."""

from __future__ import annotations

import pytest

from qorgan.pipeline.detect import WINDOW, junctions, split_findings
from qorgan.types import Finding


def _found_at_joint(texts: list[str], value: str, entity: str) -> list[list[Finding]]:
    joints = junctions(texts)
    joint_findings = []
    for j in joints:
        at = j.text.find(value)
        joint_findings.append([Finding(entity, at, at + len(value), 1.0)] if at >= 0 else [])
    return split_findings(texts, [[] for _ in texts], joints, joint_findings)


@pytest.mark.parametrize(
    ("texts", "value", "halves"),
    [
        (["IIN 901123", "300258"], "901123300258", ["901123", "300258"]),
        (["mail aigerim.n@exa", "mple.kz please"], "aigerim.n@example.kz",
         ["aigerim.n@exa", "mple.kz"]),
        (["x" * 500 + " 9011", "", "23300258 ok"], "901123300258", ["9011", "23300258"]),
    ],
)
def test_a_split_value_becomes_one_finding_in_each_text(
    texts: list[str], value: str, halves: list[str]
) -> None:
    per_text = _found_at_joint(texts, value, "KZ_IIN")
    got = [texts[i][f.start:f.end] for i, fs in enumerate(per_text) for f in fs]
    assert got == halves


def test_findings_on_one_side_are_left_to_that_texts_own_analysis() -> None:
    texts = ["IIN 901123300258 and", "nothing else"]
    assert _found_at_joint(texts, "901123300258", "KZ_IIN") == [[], []]


def test_a_part_overlapping_an_existing_finding_is_not_added_twice() -> None:
    texts = ["call +7 701", "234 56 78"]
    joints = junctions(texts)
    existing = [[Finding("PHONE_NUMBER", 5, 11, 0.9)], []]
    joint = [[Finding("PHONE_NUMBER", 5, 20, 1.0)]]
    out = split_findings(texts, existing, joints, joint)
    assert out[0] == existing[0]
    assert [(f.start, f.end) for f in out[1]] == [(0, 9)]


def test_windows_are_bounded() -> None:
    (j,) = junctions(["a" * 1000, "b" * 1000])
    assert len(j.text) == 2 * WINDOW
    assert j.joint == WINDOW
    assert j.left_offset == 1000 - WINDOW
