"""Pattern recognizers: what each costs on fresh 4 KB prompts, beside stock Presidio.

The prompts mix every labelled corpus in ``benchmarks/data`` (English, Russian and Kazakh
sentences with identifiers), cut to ~4 KB with a unique tail. Three figures, all CPU time
of this process:

* the deployed Detector (``build_detector``: English, Russian and Kazakh NER, patterns,
  decoding) against stock Presidio on the same prompts, alternating prompt by prompt: the
  ratio is what a change to the recognizers must not lower;
* the pattern layer alone (``ner=False``) and normalisation alone;
* each rule of the registry: its trigger check plus, where the trigger hits, its run on the
  normalized text, in microseconds per prompt, with the share of prompts its trigger lets
  through.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any

from benchmarks.detection import load_corpora, stock_engine
from qorgan.detection.config import DetectionConfig
from qorgan.detection.normalize import normalize
from qorgan.detection.registry import build_rules

#: passes over the prompts when timing one rule: a rule costs microseconds
_RULE_REPEATS = 5


def _cpu(fn: Callable[[], object]) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def mixed_prompts(size: int, count: int, rng: random.Random) -> list[str]:
    texts = [row["text"] for rows in load_corpora().values() for row in rows]
    out = []
    for i in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rng.choice(texts))
        # a unique tail keeps every prompt fresh for any cache
        out.append(" ".join(parts)[: size - 12] + f" (ref {i:05d})")
    return out


def rule_costs(config: DetectionConfig, prompts: list[str]) -> list[dict[str, Any]]:
    """Per rule: CPU µs per prompt (trigger + run) and the share of prompts it ran on."""
    works = [normalize(p).text for p in prompts]
    out = []
    for rule in build_rules(config):
        rule.run(works[0])  # first call compiles the recognizer's patterns
        ran = 0

        def one_pass(rule: Any = rule) -> int:
            hits = 0
            for work in works:
                if rule.trigger is None or rule.trigger.search(work) is not None:
                    rule.run(work)
                    hits += 1
            return hits

        seconds = 0.0
        for _ in range(_RULE_REPEATS):
            started = time.process_time()
            ran = one_pass()
            seconds += time.process_time() - started
        out.append(
            {
                "entity": rule.entity,
                "rule": rule.name,
                "us_per_prompt": seconds / (_RULE_REPEATS * len(works)) * 1e6,
                "trigger_share": ran / len(works),
            }
        )
    return out


def run(quick: bool) -> dict[str, Any]:
    from qorgan.detection.default import build_detector

    rng = random.Random(230)
    count = 4 if quick else 16
    prompts = mixed_prompts(4096, count, rng)
    config = DetectionConfig()
    full = build_detector(config, cache_size=0)
    patterns_only = build_detector(config, cache_size=0, ner=False)
    stock = stock_engine()
    full.analyze(prompts[0] + " warm")
    stock.analyze(text=prompts[0], language="en")

    ours = theirs = layer = norm = 0.0
    for text in prompts:
        ours += _cpu(functools.partial(full.analyze, text))
        theirs += _cpu(functools.partial(stock.analyze, text=text, language="en"))
        layer += _cpu(functools.partial(patterns_only.analyze, text))
        norm += _cpu(functools.partial(normalize, text))
    n = len(prompts)
    costs = rule_costs(config, prompts)
    rows: list[list[Any]] = [
        ["Detector (deployed)", ours / n * 1e3, ""],
        ["stock Presidio", theirs / n * 1e3, ""],
        ["ratio Presidio / Detector", theirs / ours, ""],
        ["pattern layer (ner=False)", layer / n * 1e3, ""],
        ["normalize", norm / n * 1e3, ""],
    ]
    rows += [
        [f"{c['entity']} {c['rule']}", c["us_per_prompt"] / 1e3, c["trigger_share"]]
        for c in costs
    ]
    return {
        "title": "Pattern recognizers on fresh 4 KB en/ru/kk prompts (CPU)",
        "table": {"columns": ["what", "ms per prompt (ratio: ×)", "trigger share"], "rows": rows},
        "prompts": n,
        "detector_ms": ours / n * 1e3,
        "presidio_ms": theirs / n * 1e3,
        "ratio": theirs / ours,
        "pattern_layer_ms": layer / n * 1e3,
        "normalize_ms": norm / n * 1e3,
        "rules": costs,
        "notes": [
            "ratio: stock Presidio CPU time over the deployed Detector's, same prompts,"
            " alternating",
            "rule rows: trigger check plus run where the trigger hits, per prompt",
        ],
    }
