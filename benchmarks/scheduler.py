"""The detection scheduler under load: 200 clients, half streaming, batching on and off.

The concurrency benchmark's load (``benchmarks/concurrency.py``: 200 client tasks sending
fresh ~1 KB chat messages with personal data back to back, odd-numbered ones streamed)
against the pass-through (one worker) and ``qorgan serve --workers 1`` twice: with the
detection scheduler's default window (``QORGAN_DETECT_BATCH_MS`` 1.5) and with it off
(``0``: one detection call per request or stream segment, as before the scheduler), one
run after another against the same demo upstream. Reported: throughput, first-token p50 and
p99 of the streamed half, latency p50 and p99, errors, and the ratios the targets name:
first-token p50 against the pass-through's, throughput against batching off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.concurrency import CLIENTS, _run_one
from benchmarks.passthrough import serve


@contextmanager
def _env(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(quick: bool) -> dict[str, Any]:
    seconds = 10.0 if quick else 30.0
    runs: dict[str, dict[str, Any]] = {}
    plan = (("pass-through", "passthrough", None), ("qorgan, batching on", "qorgan", "1.5"),
            ("qorgan, batching off", "qorgan", "0"))
    with serve("upstream") as up:
        for label, kind, window in plan:
            settings = {"QORGAN_DETECT_BATCH_MS": window} if window is not None else {}
            with _env(**settings), serve(kind, upstream=up.url) as server:
                runs[label] = _run_one(server, up, seconds, seed=len(runs))
    passthrough, on, off = (runs[label] for label, _, _ in plan)
    ttft_ratio = on["ttft_p50_ms"] / passthrough["ttft_p50_ms"]
    gain = on["throughput_rps"] / off["throughput_rps"]
    rows = [[label, r["requests"], r["throughput_rps"], r["ttft_p50_ms"], r["ttft_p99_ms"],
             r["p50_ms"], r["p99_ms"], r["errors"],
             " / ".join(f"{c:.2f}" for c in r["cpu_cores_used"].values())]
            for label, r in runs.items()]
    return {
        "title": f"{CLIENTS} clients, half streaming, {seconds:.0f} s per run: "
                 "detection batching on and off",
        "table": {"columns": ["server", "requests", "req/s", "TTFT p50 ms", "TTFT p99 ms",
                              "p50 ms", "p99 ms", "errors", "cores srv/cli/up"],
                  "rows": rows},
        "runs": runs,
        "ttft_p50_over_passthrough": ttft_ratio,
        "throughput_on_over_off": gain,
        "notes": [
            f"first-token p50, batching on, over the pass-through's: {ttft_ratio:.2f}x "
            "(target <= 1.5x)",
            f"throughput, batching on over off: {gain:.2f}x (target >= 1.5x)",
            f"batching off: first-token p50 {off['ttft_p50_ms']:.0f} ms, "
            f"{off['ttft_p50_ms'] / passthrough['ttft_p50_ms']:.2f}x the pass-through's",
        ],
    }
