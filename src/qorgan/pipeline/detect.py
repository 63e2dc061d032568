"""The fourth step: personal data in the request's texts, in its free-form JSON keys, and
across the joints between neighbouring texts, in one detection call.

A caller can cut a value in two — ``"IIN 901123"`` in one content part, ``"300258"`` in the
next — so that neither half is a value on its own, while the model reads them together. The
guard therefore also scans each *junction*: the end of one text joined to the start of the
next. A finding there that crosses the joint is split back into one finding in each text,
and the policy decides each half like any other finding.

Only contiguous splits are caught: a value whose halves are separated by other words
("first part: ..." / "second part: ...") is not one value in any text the model reads either.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from qorgan.detection.config import DetectionConfig
from qorgan.detection.service import DetectionService
from qorgan.pipeline.extract import Extracted
from qorgan.types import Finding


@dataclass(frozen=True, slots=True)
class Detected:
    #: per slot, in the slot's coordinates (a value cut across slots is a finding in each)
    findings: list[list[Finding]]
    #: whether a free-form JSON key holds personal data
    in_keys: bool


async def detect_request(
    detection: DetectionService, config: DetectionConfig, extracted: Extracted
) -> Detected:
    texts = extracted.texts
    keys = extracted.keys
    # the joints between neighbouring texts are scanned too: a value cut in two across
    # messages or content parts is whole again there
    # only the body's texts run into each other for the model; a query value is a field
    # of its own
    joints = junctions(texts[:len(extracted.slots)])
    # identifiers and addresses are what gets cut in two; names across a joint would not
    # read as names, so the joints skip NER
    found, at_joints = await detection.detect_many(config, [
        ([*texts, keys] if keys else texts, True),
        ([j.text for j in joints], False),
    ])
    n = len(texts)
    return Detected(split_findings(texts, found[:n], joints, at_joints), any(found[n:]))


#: characters taken from each side of a joint: longer than any identifier or address
WINDOW = 64


@dataclass(frozen=True, slots=True)
class Junction:
    left: int  #: index of the text whose end is joined
    right: int  #: index of the text whose start is joined
    text: str
    joint: int  #: offset of the joint in ``text``
    left_offset: int  #: where ``text`` starts inside the left text


def junctions(texts: Sequence[str]) -> list[Junction]:
    """The joints between consecutive non-empty texts, in order."""
    present = [i for i, t in enumerate(texts) if t]
    out: list[Junction] = []
    for left, right in itertools.pairwise(present):
        head = texts[left][-WINDOW:]
        tail = texts[right][:WINDOW]
        out.append(Junction(left, right, head + tail, len(head), len(texts[left]) - len(head)))
    return out


def split_findings(
    texts: Sequence[str],
    found: Sequence[Sequence[Finding]],
    joints: Sequence[Junction],
    joint_findings: Sequence[Sequence[Finding]],
) -> list[list[Finding]]:
    """``found`` plus, in each text, its half of every finding that crosses a joint (when it
    does not overlap what the text's own analysis found)."""
    out = [list(f) for f in found]
    for junction, findings in zip(joints, joint_findings, strict=True):
        for f in findings:
            if not f.start < junction.joint < f.end:
                continue  # wholly on one side: the text's own analysis saw it
            left = Finding(f.entity_type, junction.left_offset + f.start,
                           len(texts[junction.left]), f.score, f.recognizer)
            right = Finding(f.entity_type, 0, f.end - junction.joint, f.score, f.recognizer)
            for index, part in ((junction.left, left), (junction.right, right)):
                if not any(part.start < g.end and g.start < part.end for g in out[index]):
                    out[index].append(part)
    for findings in out:
        findings.sort(key=lambda g: (g.start, g.end))
    return out


__all__ = ["WINDOW", "Detected", "Junction", "detect_request", "junctions", "split_findings"]
