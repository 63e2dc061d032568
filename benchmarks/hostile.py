"""Hostile inputs: the decoders and the normalizer stay linear in the input's length.

Each input shape is timed (CPU time of this process, best of three) at size n and 4n; the
ratio of the two is ~4 for linear work and ~16 for quadratic. A ratio under 8 is linear.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from qorgan.detection.decode import decoded_runs
from qorgan.detection.normalize import normalize

#: (name, text of about n characters for a given n)
SHAPES: tuple[tuple[str, Callable[[int], str]], ...] = (
    ("letters then a percent escape", lambda n: "a" * n + " %41"),
    ("dash runs then a percent", lambda n: "ab-" * (n // 3) + "%"),
    ("broken percent escapes", lambda n: "a%4" * (n // 3)),
    ("base64 alphabet", lambda n: "A1/+" * (n // 4)),
    ("spaced digits", lambda n: "1 " * (n // 2)),
)
FUNCTIONS: tuple[tuple[str, Callable[[str], Any]], ...] = (
    ("decoded_runs", lambda text: list(decoded_runs(text))),
    ("normalize", normalize),
)


def _cpu(fn: Callable[[str], Any], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        fn(text)
        best = min(best, time.process_time() - started)
    return best


def run(quick: bool) -> dict[str, Any]:
    n = 20_000 if quick else 100_000
    rows: list[list[Any]] = []
    for fname, fn in FUNCTIONS:
        for sname, make in SHAPES:
            small, large = _cpu(fn, make(n)), _cpu(fn, make(4 * n))
            ratio = large / small if small > 0 else 0.0
            rows.append([fname, sname, n, round(small * 1000, 2), round(large * 1000, 2),
                         round(ratio, 2), "linear" if ratio < 8 else "SUPERLINEAR"])
    return {
        "title": "Hostile inputs: CPU time at n and 4n (a ratio under 8 is linear)",
        "table": {"columns": ["function", "input", "n", "ms at n", "ms at 4n", "4n / n",
                              "verdict"], "rows": rows},
        "rows": rows,
    }
