"""The bypass corpus (``bypass_corpus.jsonl``): obfuscated values sent through the proxy.

Each case names the values as the caller wrote them; a case is caught when none of them
reaches the model in the form sent. Cases marked ``"expect": "miss"`` are known limits
(documented in the corpus with a note): values split across messages or content parts, and
spelled-out separators. Recall is reported over all cases and over the in-scope ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

CORPUS = Path(__file__).with_name("bypass_corpus.jsonl")
CASES: list[dict[str, Any]] = [
    json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()
]
TARGET = 0.95


def reached(stack: Any, values: list[str]) -> list[str]:
    seen = []
    for record in stack.demo.received:
        text = record.body.decode("utf-8")
        seen.append(text)
        seen.append(json.dumps(json.loads(text), ensure_ascii=False))
    return [v for v in values if any(v in s for s in seen)]


def test_corpus_is_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)) >= 40
    for case in CASES:
        assert case["expect"] in {"caught", "miss"}
        assert case["values"]
        assert case["expect"] == "caught" or case.get("note")
        assert all(v in json.dumps(case["body"], ensure_ascii=False)
                   or v in _embedded(case["body"]) for v in case["values"])


def _embedded(body: Any) -> str:
    # values inside tool-call arguments are JSON inside JSON
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            out.append(node)
            try:
                inner = json.loads(node)
            except ValueError:
                return
            if isinstance(inner, dict | list):
                walk(inner)

    walk(body)
    return "\n".join(out)


async def test_bypass_corpus_recall(make_stack: Any) -> None:
    outcome: dict[str, bool] = {}
    async with make_stack("proxy") as stack:
        for case in CASES:
            stack.demo.received.clear()
            response = await stack.post(case["route"], case["body"])
            assert response.status_code == 200, (case["id"], response.text)
            assert len(stack.demo.received) == 1
            outcome[case["id"]] = not reached(stack, case["values"])
    in_scope = [c["id"] for c in CASES if c["expect"] == "caught"]
    missed = sorted(i for i in in_scope if not outcome[i])
    recall_all = sum(outcome.values()) / len(outcome)
    recall_in_scope = sum(outcome[i] for i in in_scope) / len(in_scope)
    print(f"bypass recall: {recall_all:.3f} over {len(outcome)} cases, "
          f"{recall_in_scope:.3f} over {len(in_scope)} in scope; missed: {missed}")
    assert missed == []
    assert recall_in_scope >= TARGET
    # a known miss that starts being caught is good news: mark it caught in the corpus
    newly = sorted(c["id"] for c in CASES if c["expect"] == "miss" and outcome[c["id"]])
    assert newly == []
