"""Speed rows of the detection benchmark: CPU time against stock Presidio, and what each
layer of the deployed detector costs.

Layers are detectors built through the public factory, so a new recognizer shows up here
without a change: ``patterns`` (every pattern recognizer, no NER), one row per entity type
(a patterns-only detector asked for that type alone: its recognizers plus the shared
normalisation), and the NER layers added one language at a time. A layer's cost is the
difference to the row before it; all are CPU ms per ~4 KB prompt, measured alternating
prompt by prompt.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.engine import Detector


def cpu(fn: Callable[[], object]) -> float:
    # CPU time of this process: other work on a shared machine does not inflate it
    started = time.process_time()
    fn()
    return time.process_time() - started


def interleaved(
    texts: Sequence[str], ours: Callable[[str], object], stock: Callable[[str], object]
) -> tuple[float, float]:
    """Mean CPU seconds per text for each engine, alternating so both see the same machine."""
    mine = theirs = 0.0
    for text in texts:
        mine += cpu(functools.partial(ours, text))
        theirs += cpu(functools.partial(stock, text))
    return mine / len(texts), theirs / len(texts)


def prompts(rows: Sequence[dict[str, Any]], size: int, count: int, rng: random.Random) -> list[str]:
    texts = [r["text"] for r in rows]
    out = []
    for i in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rng.choice(texts))
        # a unique tail keeps every prompt fresh for qorgan's cache
        out.append(" ".join(parts)[: size - 12] + f" (ref {i:05d})")
    return out


def layer_costs(texts: Sequence[str], entities: Sequence[str]) -> dict[str, dict[str, float]]:
    """CPU ms per text of each layer of the deployed detector (see the module docstring)."""
    layers: dict[str, Detector] = {
        "patterns": build_detector(DetectionConfig(entities=tuple(entities)), cache_size=0,
                                   ner=False),
    }
    for entity in entities:
        layers[f"patterns: {entity} alone"] = build_detector(
            DetectionConfig(entities=(entity,)), cache_size=0, ner=False
        )
    steps = (("+ English NER", ("en",)), ("+ Russian NER", ("en", "ru")),
             ("+ Kazakh lists (deployed)", ("en", "ru", "kk")))
    for label, languages in steps:
        layers[label] = build_detector(
            DetectionConfig(languages=languages, entities=tuple(entities)), cache_size=0
        )
    for detector in layers.values():
        detector.analyze_batch(list(texts[:1]))  # load models before timing
    spent = dict.fromkeys(layers, 0.0)
    for text in texts:
        for name, detector in layers.items():
            spent[name] += cpu(functools.partial(detector.analyze_batch, [text]))
    ms = {name: total * 1e3 / len(texts) for name, total in spent.items()}
    out: dict[str, dict[str, float]] = {}
    previous = ms["patterns"]
    for name, value in ms.items():
        added = value - previous if name.startswith("+") else value
        if name.startswith("+"):
            previous = value
        out[name] = {"ms": value, "added_ms": added}
    return out
