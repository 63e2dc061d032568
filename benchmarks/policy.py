"""Policy engine latency: one decision over 20 findings, against a naive rule walk.

The baseline evaluates every rule for every finding with a full CEL activation (what an
engine without request-level precomputation and per-shape memoization would do); the
engine's figures are reported with the ratio. Measured only: nothing here asserts a target.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from qorgan.consent.model import ConsentRecord, ConsentView
from qorgan.policy.cel import compile_condition
from qorgan.policy.context import DecisionContext
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.explain import trace_rule
from qorgan.policy.loader import load_policy, parse_policy, read_source
from qorgan.types import Finding, Principal

ENTITIES = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "KZ_IIN", "IBAN_CODE", "SECRET")


def _samples(fn: Callable[[], object], n: int) -> list[float]:
    """Per-call wall times in microseconds."""
    fn()  # warm
    out = []
    for _ in range(n):
        start = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1e3)
    return out


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _findings() -> list[list[Finding]]:
    # Two slots, 20 findings, varied scores so score-keyed memoization gets no free ride.
    flat = [
        Finding(ENTITIES[i % len(ENTITIES)], i * 20, i * 20 + 8, 0.6 + (i % 7) * 0.05)
        for i in range(20)
    ]
    return [flat[:12], flat[12:]]


def _consent() -> ConsentView:
    now = datetime.now(UTC)
    record = ConsentRecord(
        id="b",
        subject_key="k",
        purpose="support",
        categories=frozenset({"contact", "identity"}),
        cross_border=True,
        valid_from=now - timedelta(days=1),
    )
    return ConsentView(records=[record], now=now)


class _StaticRegistry:
    """A registry that answers from memory: isolates the cache's own cost."""

    def __init__(self, records: list[ConsentRecord]) -> None:
        self.records = records

    async def lookup(self, subject_key: str, purpose: str) -> list[ConsentRecord]:
        return list(self.records)


def _cached_lookup_us(n: int) -> float | None:
    try:
        from qorgan.consent.cache import CachedRegistry
    except ImportError:
        return None
    cached = CachedRegistry(_StaticRegistry(list(_consent().records)), ttl=3600)  # type: ignore[arg-type]

    async def measure() -> list[float]:
        await cached.lookup("k", "support")
        out = []
        for _ in range(n):
            start = time.perf_counter_ns()
            await cached.lookup("k", "support")
            out.append((time.perf_counter_ns() - start) / 1e3)
        return out

    return statistics.median(asyncio.run(measure()))


def run(quick: bool) -> dict[str, Any]:
    n = 300 if quick else 5000
    engine = PolicyEngine(load_policy("builtin:kz-pdl"))
    findings = _findings()
    consent = _consent()
    ctx = DecisionContext(
        principal=Principal(id="bench", roles=frozenset({"support-agent"})),
        purpose="support",
        destination=engine.resolve_destination("gpt-4o", "/v1/chat/completions"),
    )

    decide = _samples(lambda: engine.decide(findings, ctx, consent), n)

    def naive() -> None:
        for slot in findings:
            for finding in slot:
                for rule in engine.rules:
                    if trace_rule(engine, rule, finding, ctx, consent).matched:
                        break

    baseline = _samples(naive, max(50, n // 10))
    cond = compile_condition('destination.region != "KZ" && finding.score > 0.5')
    activation = {**engine.activation(ctx), "finding": {"score": 0.7}}
    cel_eval = _samples(lambda: cond.evaluate(activation), n)
    cel_compile = _samples(
        lambda: compile_condition('"admin" in principal.roles'), max(50, n // 10)
    )
    raw, source = read_source("builtin:kz-pdl")
    load = _samples(lambda: parse_policy(raw, source), max(20, n // 100))
    consent_us = _cached_lookup_us(n)

    d_med, b_med = statistics.median(decide), statistics.median(baseline)
    rows: list[list[Any]] = [
        ["decide, 20 findings (kz-pdl)", d_med, _p99(decide), b_med / d_med],
        ["naive rule walk, 20 findings (baseline)", b_med, _p99(baseline), 1.0],
        ["CEL evaluation, compiled", statistics.median(cel_eval), _p99(cel_eval), ""],
        ["CEL compile", statistics.median(cel_compile), _p99(cel_compile), ""],
        ["parse + compile kz-pdl", statistics.median(load), _p99(load), ""],
    ]
    if consent_us is not None:
        rows.append(["cached consent lookup (hit)", consent_us, "", ""])
    return {
        "name": "policy",
        "title": "Policy engine latency (µs)",
        "rows": rows,
        "table": {
            "columns": ["workload", "median µs", "p99 µs", "speed-up vs baseline"],
            "rows": rows,
        },
        "decide_20_median_us": d_med,
        "decide_20_p99_us": _p99(decide),
        "cached_consent_lookup_median_us": consent_us,
        "notes": [
            f"{n} decisions; findings span 6 entity types over 2 slots, with consent",
            "baseline walks every rule per finding with a full CEL activation",
        ],
    }
