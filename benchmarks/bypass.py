"""Bypass attempts: how many hidden values the guard keeps from the model.

The corpus (``tests/hardening/bypass_corpus.jsonl``, also run by the test suite) holds
requests that hide a value: homoglyphs, zero-width characters, full-width or spaced digits,
values split across messages or content parts, values in tool-call arguments (plain,
URL-encoded, base64), ``name`` fields and system prompts. Each request goes through the
Guard with the default policy to a recording upstream; a case counts as caught when none of
its values reaches the upstream. The baseline is the same requests with no guard, where
every value reaches it. Target: recall >= 0.95.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import Counter
from pathlib import Path
from typing import Any

from qorgan.pipeline import Guard, GuardRequest, Runtime, UpstreamRequest, UpstreamResponse
from qorgan.settings import Settings

CORPUS = Path(__file__).parents[1] / "tests" / "hardening" / "bypass_corpus.jsonl"


async def _measure(cases: list[dict[str, Any]]) -> dict[str, bool]:
    runtime = Runtime.from_settings(
        Settings(policy="builtin:default", master_key=secrets.token_bytes(32)))
    guard = Guard(runtime)
    sent: list[str] = []

    async def upstream(request: UpstreamRequest) -> UpstreamResponse:
        text = request.body.decode()
        sent.append(text + json.dumps(json.loads(text), ensure_ascii=False))
        return UpstreamResponse(200, [("content-type", "application/json")], body=b"{}")

    caught: dict[str, bool] = {}
    for case in cases:
        sent.clear()
        await guard.handle(GuardRequest("POST", case["route"],
                                        {"content-type": "application/json"},
                                        json.dumps(case["body"]).encode()), upstream)
        caught[case["id"]] = bool(sent) and not any(v in s for v in case["values"]
                                                    for s in sent)
    await runtime.aclose()
    return caught


def run(quick: bool) -> dict[str, Any]:
    cases = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    caught = asyncio.run(_measure(cases))
    by_technique: dict[str, Counter[str]] = {}
    for case in cases:
        tally = by_technique.setdefault(case["technique"], Counter())
        tally["cases"] += 1
        tally["caught"] += caught[case["id"]]
    rows = [[t, c["cases"], c["caught"], f"{c['caught'] / c['cases']:.2f}"]
            for t, c in sorted(by_technique.items())]
    total = sum(caught.values())
    recall = total / len(cases)
    rows.append(["all", len(cases), total, f"{recall:.2f}"])
    missed = sorted(i for i, ok in caught.items() if not ok)
    return {
        "title": "Bypass corpus through the Guard (default policy); no guard: recall 0.00",
        "table": {"columns": ["technique", "cases", "caught", "recall"], "rows": rows},
        "recall": recall,
        "missed": missed,
        "notes": [f"target recall >= 0.95: {'met' if recall >= 0.95 else 'MISSED'}",
                  f"missed: {', '.join(missed) or 'none'}"],
    }
