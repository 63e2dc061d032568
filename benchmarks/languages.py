"""Russian and Kazakh: accuracy per language, and cost against English NER on equal length.

Quality: entity-level precision and recall of the deployed detector (English, Russian and
Kazakh NER, routed per text) on ``benchmarks/data/dev/ru_kk.jsonl``, per language of the prompt
(``ru``, ``kk``, ``mixed``), for names, places and organisations and for identifiers
(IIN/BIN, phones, IBANs, emails) together. Targets: PERSON precision and recall >= 0.85 in
Russian and >= 0.80 in Kazakh; identifiers >= 0.98.

Speed: CPU time of the Russian and Kazakh backends on ~4 KB of Russian/Kazakh text against
the English spaCy NER on ~4 KB of English text, alternating, median per text. Target: the
Russian/Kazakh cost is no more than the English one (ratio <= 1).
"""

from __future__ import annotations

import functools
import random
import statistics
from typing import Any

from benchmarks.detection import ENTITIES, _cpu, _prompts, load_corpora, score
from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.nlp import EnglishNerBackend
from qorgan.detection.recognizers.kk import KazakhNameRecognizer
from qorgan.detection.recognizers.ru import RussianNer

NAMES = ("PERSON", "LOCATION", "ORGANIZATION")
IDENTIFIERS = frozenset({"KZ_IIN", "KZ_BIN", "PHONE_NUMBER", "IBAN_CODE", "EMAIL_ADDRESS"})


def _spans(rows: list[dict[str, Any]]) -> list[list[tuple[str, int, int]]]:
    return [[(s["entity_type"], s["start"], s["end"]) for s in r["spans"]] for r in rows]


def run(quick: bool) -> dict[str, Any]:
    corpora = load_corpora()
    rows_all = corpora["ru_kk"]
    detector = build_detector(DetectionConfig(entities=ENTITIES), cache_size=0)
    results: dict[str, Any] = {}
    table: list[list[Any]] = []
    for language in ("ru", "kk", "mixed"):
        rows = [r for r in rows_all if r["language"] == language]
        found = detector.analyze_batch([r["text"] for r in rows])
        pred = [[(f.entity_type, f.start, f.end) for f in fs] for fs in found]
        names = score(_spans(rows), pred, only=frozenset(NAMES))
        ids = score(_spans(rows), pred, only=IDENTIFIERS)
        results[language] = {"names": names["per_type"], "identifiers": ids["overall"]}
        for entity in NAMES:
            m = names["per_type"].get(entity)
            if m is not None:
                table.append([language, entity, f"{m['precision']:.2f}", f"{m['recall']:.2f}",
                              m["tp"] + m["fn"]])
        o = ids["overall"]
        table.append([language, "identifiers", f"{o['precision']:.2f}", f"{o['recall']:.2f}",
                      o["tp"] + o["fn"]])

    rng = random.Random(7)
    count = 6 if quick else 20
    english = _prompts(corpora["en_kz"], 4096, count, rng)
    cyrillic = _prompts([r for r in rows_all if r["language"] in {"ru", "kk"}], 4096, count,
                        rng)
    # the baseline is the English NER model's own cost on the same length (no sentence
    # gate: how much of a text the gate skips depends on its content, not its language)
    en_backend = EnglishNerBackend(gate=False)
    ru_backend = RussianNer()
    kk_backend = KazakhNameRecognizer(languages=frozenset({"kk", "ru"}))
    en_backend.analyze_batch(english[:1])
    ru_backend.analyze_batch(cyrillic[:1])  # load the models before timing
    times: dict[str, list[float]] = {"en": [], "ru": [], "kk": []}
    for en_text, rk_text in zip(english, cyrillic, strict=True):
        times["en"].append(_cpu(functools.partial(en_backend.analyze_batch, [en_text])))
        times["ru"].append(_cpu(functools.partial(ru_backend.analyze_batch, [rk_text])))
        times["kk"].append(_cpu(functools.partial(kk_backend.analyze_batch, [rk_text])))
    en_ms, ru_ms, kk_ms = (statistics.median(times[k]) * 1000 for k in ("en", "ru", "kk"))
    rk_ms = ru_ms + kk_ms
    results["speed"] = {"english_ner_ms": en_ms, "russian_ms": ru_ms, "kazakh_ms": kk_ms,
                        "ratio": rk_ms / en_ms if en_ms else None}
    table.append(["ru+kk vs en", "4 KB CPU ms", f"{ru_ms:.1f} + {kk_ms:.1f}", f"{en_ms:.1f}",
                  f"ratio {rk_ms / en_ms:.2f}" if en_ms else "-"])
    return {
        "title": "Russian and Kazakh detection (deployed detector) on ru_kk.jsonl",
        "table": {"columns": ["language", "entity", "precision", "recall", "gold"],
                  "rows": table},
        **results,
        "notes": [
            "targets: PERSON P/R >= 0.85 (ru), >= 0.80 (kk); identifiers >= 0.98; "
            "ru+kk 4 KB cost <= English NER (ratio <= 1)",
            "the speed row reads: Russian NER + Kazakh lists ms, English spaCy NER ms (no "
            "sentence gate), ratio; median CPU time per ~4 KB text",
        ],
    }
