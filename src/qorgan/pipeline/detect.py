"""The fourth step: personal data in the request's texts, in its free-form JSON keys, and
across the joints between neighbouring texts (``junctions.py``), in one detection call."""

from __future__ import annotations

from dataclasses import dataclass

from qorgan.detection.config import DetectionConfig
from qorgan.detection.service import DetectionService
from qorgan.pipeline.extract import Extracted
from qorgan.pipeline.junctions import junctions, split_findings
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
    joints = junctions(texts)
    # identifiers and addresses are what gets cut in two; names across a joint would not
    # read as names, so the joints skip NER
    found, at_joints = await detection.detect_many(config, [
        ([*texts, keys] if keys else texts, True),
        ([j.text for j in joints], False),
    ])
    n = len(texts)
    return Detected(split_findings(texts, found[:n], joints, at_joints), any(found[n:]))


__all__ = ["Detected", "detect_request"]
