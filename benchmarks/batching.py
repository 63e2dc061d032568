"""Batches: one ``analyze_batch`` call against one call per text, and the detection
scheduler's shared batches against one call per caller.

**Batch against one-by-one.** The deployed detector (English, Russian and Kazakh NER,
cache off) on mixes of fresh prompts from the development corpora: English, Russian and
Kazakh, and mixed ~4 KB prompts, and mixed lengths (200 B to 4 KB). Every corpus row in a
prompt is made unique (a number in brackets before and after it), so a batch cannot gain by
reading a sentence that repeats across prompts only once. Each round times the whole mix
as one batch and as one call per text, alternating; reported is the CPU time of each (the
median round) and one-by-one over batch, which must be at least 1 for every mix.

**Shared batches.** ``DetectionService.detect_many`` called by 64 concurrent callers, each
with one streamed-answer segment (a word and its left context, what the response scanner
sends), in the answers' lane, with micro-batching on (the default window) and off; CPU per
segment and calls made.
"""

from __future__ import annotations

import functools
import json
import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

from qorgan.detection.config import DEFAULT_ENTITIES, DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.service import DEFAULT_BATCH_WINDOW, DetectionService

#: the development corpora: ``data/dev`` when the data is split, never a held-out ``data/test``
DATA = Path(__file__).parent / "data" / "dev"
#: the defaults plus ORGANIZATION, as the detection benchmark scans
ENTITIES = (*DEFAULT_ENTITIES, "ORGANIZATION")


def load_corpora() -> dict[str, list[dict[str, Any]]]:
    """The development corpora (``DATA``), by file name."""
    corpora: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(DATA.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            corpora[path.stem] = [json.loads(line) for line in fh if line.strip()]
    return corpora


def corpus_texts() -> tuple[list[str], list[str]]:
    """The corpora's texts without Cyrillic (English) and with it (Russian and Kazakh)."""
    texts = [r["text"] for rows in load_corpora().values() for r in rows]
    cyrillic = re.compile("[\u0400-\u04ff]")
    return ([t for t in texts if not cyrillic.search(t)],
            [t for t in texts if cyrillic.search(t)])


def _unique_prompts(rows: list[str], size: int, count: int, rng: random.Random,
                    start: int) -> list[str]:
    out = []
    tag = start
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            tag += 1
            # digits only: a word as a tag would make every Russian row read as English too
            parts.append(f"[{tag}] {rng.choice(rows)} [{tag}]")
        out.append(" ".join(parts)[:size])
    return out


def mixes(quick: bool) -> dict[str, list[str]]:
    en, ru_kk = corpus_texts()
    rng = random.Random(16)
    n = 4 if quick else 14
    out = {
        "English 4 KB": _unique_prompts(en, 4096, n, rng, 0),
        "Russian and Kazakh 4 KB": _unique_prompts(ru_kk, 4096, n, rng, 10_000),
        "mixed 4 KB": _unique_prompts(en + ru_kk, 4096, n, rng, 20_000),
    }
    lengths = []
    for i, size in enumerate((200, 600, 1500, 4096) * (1 if quick else 3)):
        lengths += _unique_prompts(en + ru_kk, size, 3, rng, 30_000 + 1000 * i)
    rng.shuffle(lengths)
    out["mixed lengths, 200 B to 4 KB"] = lengths
    return out


def _cpu(fn: Callable[[], object]) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def batch_against_one_by_one(quick: bool) -> dict[str, dict[str, float]]:
    detector = build_detector(DetectionConfig(entities=ENTITIES), cache_size=0)
    detector.analyze_batch(["Warm-up: Aigerim Serikova, Алматы.", "Иван Петров из Москвы."])
    rounds = 2 if quick else 6
    out: dict[str, dict[str, float]] = {}
    for name, texts in mixes(quick).items():
        batch: list[float] = []
        single: list[float] = []
        # a first, uncounted round meets the mix's new words (spaCy adds each to its
        # vocabulary, the name layers cache their facts); then the order alternates
        detector.analyze_batch(texts)
        for r in range(rounds):
            first, second = (batch, single) if r % 2 == 0 else (single, batch)
            for times in (first, second):
                if times is batch:
                    times.append(_cpu(lambda texts=texts: detector.analyze_batch(texts)))
                else:
                    times.append(_cpu(lambda texts=texts: [detector.analyze(t) for t in texts]))
        b, s = statistics.median(batch), statistics.median(single)
        out[name] = {"texts": len(texts), "batch_ms": b * 1e3, "one_by_one_ms": s * 1e3,
                     "ratio": s / b}
    return out


def shared_batches(quick: bool) -> dict[str, dict[str, float]]:
    en, ru_kk = corpus_texts()
    rows = en + ru_kk
    rng = random.Random(17)
    callers = 64
    rounds = 3 if quick else 10
    config = DetectionConfig(entities=ENTITIES)
    out: dict[str, dict[str, float]] = {}
    for label, window in (("on", DEFAULT_BATCH_WINDOW), ("off", 0.0)):
        service = DetectionService(workers=2, timeout=30.0, batch_window=window,
                                   factory=lambda c: build_detector(c, cache_size=0))
        service.warm_up(config)

        async def rounds_(service: DetectionService = service) -> float:
            spent = 0.0
            for r in range(rounds):
                # a segment as the response scanner sends it: left context, then the word
                texts = []
                for i in range(callers):
                    row = rng.choice(rows)
                    cut = rng.randrange(len(row) // 2, len(row))
                    texts.append(f"{row[max(0, cut - 80):cut]} {r}-{i}")
                started = time.process_time()
                async with anyio.create_task_group() as tg:
                    for text in texts:
                        tg.start_soon(functools.partial(
                            service.detect_many, config, [([text], True)], response=True))
                spent += time.process_time() - started
            return spent

        spent = anyio.run(rounds_)
        out[label] = {"segments": callers * rounds, "cpu_ms_per_segment":
                      spent / (callers * rounds) * 1e3, "calls": service.batches}
    return out


def run(quick: bool) -> dict[str, Any]:
    by_mix = batch_against_one_by_one(quick)
    shared = shared_batches(quick)
    rows: list[list[Any]] = [
        [name, r["texts"], r["batch_ms"], r["one_by_one_ms"], r["ratio"]]
        for name, r in by_mix.items()
    ]
    gain = shared["off"]["cpu_ms_per_segment"] / shared["on"]["cpu_ms_per_segment"]
    rows.append([f"service, {shared['on']['segments']} stream segments in 64 concurrent "
                 "callers: shared batches against one call per caller",
                 shared["on"]["segments"], shared["on"]["cpu_ms_per_segment"],
                 shared["off"]["cpu_ms_per_segment"], gain])
    worst = min(r["ratio"] for r in by_mix.values())
    return {
        "title": "Batch against one-by-one (CPU ms; ratio = one-by-one / batch)",
        "table": {"columns": ["mix", "texts", "batch ms", "one by one ms", "ratio"],
                  "rows": rows},
        "mixes": by_mix,
        "shared": shared,
        "worst_ratio": worst,
        "notes": [
            f"target: batch >= one-by-one for every mix: worst ratio {worst:.2f} "
            f"({'met' if worst >= 1 else 'missed'})",
            f"stream segments: {shared['on']['calls']} shared batches against "
            f"{shared['off']['calls']} calls; per segment "
            f"{shared['on']['cpu_ms_per_segment']:.2f} ms against "
            f"{shared['off']['cpu_ms_per_segment']:.2f} ms",
        ],
    }
