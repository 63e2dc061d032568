"""Joints: what scanning the glued texts costs beside scanning the texts themselves.

A request's texts are scanned one by one (NER and patterns) and, glued end to end, around
every joint (patterns only; ``qorgan.pipeline.detect``). Each body shape is timed (CPU time
of this process, best of three): the texts' own scan and the glued scan, in the same run,
with the deployed detector's cache off; the ratio is what the glued scan adds. Shapes: thousands of
short texts (the case that must not explode), a long conversation, two long texts.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any

from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.engine import Detector
from qorgan.detection.service import DetectionService
from qorgan.pipeline.detect import Runs, detect_request
from qorgan.pipeline.extract import Extracted
from qorgan.types import TextSlot

_WORDS = ("the", "build", "runs", "tests", "before", "every", "merge", "and", "reports",
          "coverage", "please", "summarise", "notes", "release", "process", "points")


def _texts(rng: random.Random, count: int, size: int) -> list[str]:
    out = []
    for _ in range(count):
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < size:
            words.append(rng.choice(_WORDS))
        out.append(" ".join(words)[:size])
    return out


SHAPES: tuple[tuple[str, Callable[[random.Random, bool], list[str]]], ...] = (
    ("5000 texts of 20 chars", lambda rng, quick: _texts(rng, 1000 if quick else 5000, 20)),
    ("2000 texts of 200 chars", lambda rng, quick: _texts(rng, 400 if quick else 2000, 200)),
    ("50 messages of 2 KB", lambda rng, quick: _texts(rng, 50, 2048)),
    ("2 texts of 50 KB", lambda rng, quick: _texts(rng, 2, 12_000 if quick else 50_000)),
)


def _cpu(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def run(quick: bool) -> dict[str, Any]:
    config = DetectionConfig()
    detectors: dict[bool, Detector] = {
        ner: build_detector(config, ner=ner, cache_size=0) for ner in (True, False)}
    service = DetectionService(workers=1, timeout=600.0)
    rng = random.Random(14)
    rows: list[list[Any]] = []
    for name, make in SHAPES:
        texts = make(rng, quick)
        extracted = Extracted({}, tuple(TextSlot(path=("t", i), text=t)
                                        for i, t in enumerate(texts)), "")
        runs = Runs.of(texts)
        # the whole step once, so the benchmark fails if the step does
        asyncio.run(detect_request(service, config, extracted))
        own = _cpu(lambda t=texts: detectors[True].analyze_batch(t))
        glued = _cpu(lambda r=runs: detectors[False].analyze_batch([w.text for w in r.windows]))
        scanned = sum(len(w.text) for w in runs.windows)
        rows.append([name, len(runs.glued), len(runs.windows), scanned,
                     round(scanned / max(len(runs.glued), 1), 3), round(own * 1000, 1),
                     round(glued * 1000, 1), round(glued / own, 3)])
    return {
        "title": "Joints: the glued scan beside the texts' own scan (CPU, best of 3)",
        "table": {"columns": ["body", "chars", "windows", "chars scanned glued",
                              "glued / body", "own scan ms", "glued scan ms",
                              "glued / own scan"], "rows": rows},
        "rows": rows,
        "notes": ["windows overlap by REACH (256) and are at most WINDOW (2048) long, so the "
                  "glued scan reads each character of a body of short texts about 1.14 "
                  "times, and 512 characters per joint of long texts"],
    }
