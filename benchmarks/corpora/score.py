"""Scoring detections against the labelled corpora, and the targets they are held to.

Matching rule: a prediction matches a gold span of the same entity type that it overlaps
(at least one character in common); each gold span and each prediction is used at most once,
in prediction order. Only entity types labelled in the scored set count, so an engine is
not charged for a type the corpus does not label. One exception to "same type": a gold
LOCATION lying wholly inside a predicted STREET_ADDRESS is found by it (an address that
names its city hides the city too); that prediction still matches its own street span.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

Span = tuple[str, int, int]

#: issue targets on the held-out split: minimum recall per type, precision, negatives
RECALL_TARGETS: dict[str, float] = {
    **dict.fromkeys(
        ("KZ_IIN", "KZ_BIN", "KZ_PASSPORT", "KZ_ID_CARD", "US_SSN", "IP_ADDRESS",
         "DATE_OF_BIRTH", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "IBAN_CODE",
         "SECRET"),
        0.97,
    ),
    "PERSON": 0.95,
    "LOCATION": 0.95,
}  # fmt: skip
PRECISION_TARGET = 0.97
FP_RATE_TARGET = 0.01
LONG_SHORT_TARGET = 0.005
#: organisations are labelled but are not personal data: no target, not a false positive
NOT_PERSONAL = frozenset({"ORGANIZATION"})


def _contains(pred: Span, gold: Span) -> bool:
    inside = pred[1] <= gold[1] and gold[2] <= pred[2]
    return pred[0] == "STREET_ADDRESS" and gold[0] == "LOCATION" and inside


def score(
    gold: Sequence[Sequence[Span]],
    pred: Sequence[Sequence[Span]],
    only: frozenset[str] | None = None,
) -> dict[str, Any]:
    types = {t for spans in gold for t, _, _ in spans if only is None or t in only}
    per_type = {t: [0, 0, 0] for t in sorted(types)}  # tp, fp, fn
    for gold_spans, pred_spans in zip(gold, pred, strict=True):
        unmatched = [g for g in gold_spans if g[0] in types]
        spare: list[Span] = []
        for p in (p for p in pred_spans if p[0] in types):
            hit = next((g for g in unmatched if g[0] == p[0] and g[1] < p[2] and p[1] < g[2]), None)
            if hit is None:
                spare.append(p)
            else:
                unmatched.remove(hit)
                per_type[p[0]][0] += 1
        used: set[Span] = set()
        for g in [g for g in unmatched if g[0] == "LOCATION"]:
            wider = next((p for p in pred_spans if _contains(p, g)), None)
            if wider is not None:
                unmatched.remove(g)
                per_type[g[0]][0] += 1
                used.add(wider)
        for p in spare:
            if p not in used:
                per_type[p[0]][1] += 1
        for g in unmatched:
            per_type[g[0]][2] += 1
    tp, fp, fn = (sum(v[i] for v in per_type.values()) for i in range(3))
    return {"overall": prf(tp, fp, fn), "per_type": {t: prf(*v) for t, v in per_type.items()}}


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn,
            "support": tp + fn}


def partly_clear(
    texts: Sequence[str], gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]]
) -> dict[str, Any]:
    """Gold values a prediction touches but does not cover: letters or digits of them that
    no personal-data prediction spans reach the model in the clear ("Devon" replaced,
    "Price" left). Overlap matching counts these as found; this counts what leaks."""
    touched = partly = 0
    for text, gold_spans, pred_spans in zip(texts, gold, pred, strict=True):
        spans = [(s, e) for t, s, e in pred_spans if t not in NOT_PERSONAL]
        for entity, start, end in gold_spans:
            if entity in NOT_PERSONAL:
                continue
            covered = [False] * (end - start)
            for s, e in spans:
                for i in range(max(s, start), min(e, end)):
                    covered[i - start] = True
            if not any(covered):
                continue
            touched += 1
            if any(not c and text[start + k].isalnum() for k, c in enumerate(covered)):
                partly += 1
    return {"touched": touched, "partly": partly, "rate": partly / touched if touched else 0.0}


def fp_rate(pred: Sequence[Sequence[Span]], labelled: frozenset[str]) -> dict[str, Any]:
    """Share of negative texts with any finding of a labelled personal-data type."""
    hits = sum(1 for spans in pred if any(s[0] in labelled - NOT_PERSONAL for s in spans))
    return {"texts": len(pred), "with_finding": hits, "rate": hits / len(pred) if pred else 0.0}


def verdicts(per_type: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """``met``/``missed`` per type against the issue's targets (``-`` where none is set)."""
    out: dict[str, dict[str, str]] = {}
    for entity, m in per_type.items():
        recall_target = RECALL_TARGETS.get(entity)
        out[entity] = {
            "recall": "-" if recall_target is None else
            ("met" if m["recall"] >= recall_target else "missed"),
            "precision": "-" if entity in NOT_PERSONAL else
            ("met" if m["precision"] >= PRECISION_TARGET else "missed"),
        }
    return out


def join_prompts(
    rows: Sequence[dict[str, Any]], size: int, seed: int
) -> list[tuple[str, list[Span], list[int]]]:
    """Sentences joined into prompts of about ``size`` characters, in a shuffled order, each
    sentence separated from the next by a space, a line end or a blank line; gold spans are
    shifted with them. Returns (prompt, gold spans, the row indexes it holds)."""
    rng = random.Random(seed)
    order = list(range(len(rows)))
    rng.shuffle(order)
    prompts: list[tuple[str, list[Span], list[int]]] = []
    text, spans, members = "", [], []
    for i in order:
        row = rows[i]
        sep = rng.choice((" ", "\n", "\n\n")) if text else ""
        offset = len(text) + len(sep)
        text += sep + row["text"]
        spans += [(s["entity_type"], s["start"] + offset, s["end"] + offset) for s in row["spans"]]
        members.append(i)
        if len(text) >= size:
            prompts.append((text, spans, members))
            text, spans, members = "", [], []
    if members:
        prompts.append((text, spans, members))
    return prompts


def spans_of(found: Sequence[Any]) -> list[Span]:
    return [(f.entity_type, f.start, f.end) for f in found]


def predict(analyze_batch: Callable[[list[str]], list[list[Any]]], texts: list[str],
            batch: int = 64) -> list[list[Span]]:
    out: list[list[Span]] = []
    for i in range(0, len(texts), batch):
        out += [spans_of(fs) for fs in analyze_batch(texts[i : i + batch])]
    return out
