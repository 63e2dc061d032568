"""People and places: quality on hand-written prompts, long text against short, layer costs.

Quality: entity-level precision and recall (``benchmarks.detection.score``) of the deployed
detector for PERSON and LOCATION on ``names_eval.jsonl`` (English prompts written for this
benchmark, none taken from the development corpora: names after greetings, commands,
titles and sign-offs, initials, lower case and capitals, Kazakh and world places, and
negatives with common words such as "Summarize", "Email" or "Reading") and on every
development corpus.

Long against short: each corpus's texts joined into ~4 KB prompts (one text a line, and
again one after another on a line) and scored against the same texts scanned one by one;
the target is a difference of at most 0.005 in precision and in recall.

Cost: CPU time per fresh ~4 KB prompt of the English backend with and without its
Latin-script layers, and of each layer alone (cues, gazetteer places and names, model
span repair), on the development corpora's English prompts.
"""

from __future__ import annotations

import functools
import json
import random
import statistics
from pathlib import Path
from typing import Any

from benchmarks.detection import _cpu, _prompts, load_corpora, score
from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector

HERE = Path(__file__).parent
EVAL = HERE / "names_eval.jsonl"
TYPES = frozenset({"PERSON", "LOCATION"})
ENTITIES = ("PERSON", "LOCATION", "ORGANIZATION", "EMAIL_ADDRESS", "PHONE_NUMBER", "KZ_IIN")
Span = tuple[str, int, int]


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _gold(rows: list[dict[str, Any]]) -> list[list[Span]]:
    return [[(s["entity_type"], s["start"], s["end"]) for s in r["spans"]] for r in rows]


def _joined(rows: list[dict[str, Any]], size: int, separator: str) -> list[dict[str, Any]]:
    """Rows concatenated into texts of about ``size`` characters, spans moved along."""
    out: list[dict[str, Any]] = []
    text, spans = "", []
    for row in rows:
        if text and len(text) + len(row["text"]) > size:
            out.append({"text": text, "spans": spans})
            text, spans = "", []
        offset = len(text) + (len(separator) if text else 0)
        text = f"{text}{separator}{row['text']}" if text else row["text"]
        spans += [
            {**s, "start": s["start"] + offset, "end": s["end"] + offset} for s in row["spans"]
        ]
    if text:
        out.append({"text": text, "spans": spans})
    return out


def _quality(detector: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    found = detector.analyze_batch([r["text"] for r in rows])
    pred = [[(f.entity_type, f.start, f.end) for f in fs] for fs in found]
    return score(_gold(rows), pred, only=TYPES)


def run(quick: bool) -> dict[str, Any]:
    detector = build_detector(DetectionConfig(entities=ENTITIES), cache_size=0)
    corpora = {"names_eval": _rows(EVAL), **load_corpora()}
    table: list[list[Any]] = []
    results: dict[str, Any] = {}
    for name, rows in corpora.items():
        short = _quality(detector, rows)
        per_line = _quality(detector, _joined(rows, 4096, "\n"))
        per_space = _quality(detector, _joined(rows, 4096, " "))
        results[name] = {"short": short, "long_lines": per_line, "long_spaces": per_space}
        for entity in sorted(short["per_type"]):
            s = short["per_type"][entity]
            cells = [name, entity, s["tp"] + s["fn"], s["precision"], s["recall"]]
            for long in (per_line, per_space):
                m = long["per_type"].get(entity, {"precision": 0.0, "recall": 0.0})
                cells += [m["precision"] - s["precision"], m["recall"] - s["recall"]]
            table.append(cells)
    results["cost"] = _costs(corpora, quick)
    for label, ms in results["cost"].items():
        table.append(["cost", label, "", ms, "", "", "", "", ""])
    return {
        "title": "People and places: quality, long against short, layer cost",
        "table": {
            "columns": [
                "corpus",
                "type",
                "n",
                "P",
                "R",
                "ΔP lines",
                "ΔR lines",
                "ΔP joined",
                "ΔR joined",
            ],
            "rows": table,
        },
        **results,
        "notes": [
            "Δ: a ~4 KB prompt of the same texts minus the texts one by one (target ±0.005)",
            "cost rows: CPU ms per fresh ~4 KB English prompt",
        ],
    }


def _costs(corpora: dict[str, list[dict[str, Any]]], quick: bool) -> dict[str, float]:
    from qorgan.detection.nlp import EnglishNerBackend
    from qorgan.detection.recognizers.cues import cue_positions
    from qorgan.detection.recognizers.gazetteer import gazetteer
    from qorgan.detection.recognizers.latin import LatinLayers

    rng = random.Random(13)
    texts = _prompts(corpora.get("en_kz") or corpora["names_eval"], 4096, 4 if quick else 16, rng)
    gz = gazetteer()
    gz.load()
    layers = LatinLayers(gz)
    with_layers, model_only = EnglishNerBackend(), EnglishNerBackend(layers=False)
    with_layers.analyze_batch(texts[:1])
    ner = [[(f.entity_type, f.start, f.end) for f in fs] for fs in model_only.analyze_batch(texts)]
    timings: dict[str, list[float]] = {
        k: []
        for k in (
            "English backend, model only",
            "English backend, with layers",
            "all layers",
            "cue patterns",
        )
    }
    for text, spans in zip(texts, ner, strict=True):
        timings["English backend, model only"].append(
            _cpu(functools.partial(model_only.analyze_batch, [text]))
        )
        timings["English backend, with layers"].append(
            _cpu(functools.partial(with_layers.analyze_batch, [text]))
        )
        timings["all layers"].append(_cpu(functools.partial(layers.analyze, text, spans)))
        timings["cue patterns"].append(_cpu(functools.partial(cue_positions, text)))
    return {k: statistics.median(v) * 1e3 for k, v in timings.items()}
