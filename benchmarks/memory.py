"""Memory per worker: what to request and limit for a ``qorgan serve`` container.

Three servers in front of the demo upstream, each in its own process, get the same load:
the pass-through proxy (uvicorn + httpx, no guard: the baseline), ``qorgan serve`` with one
worker, and ``qorgan serve --workers 2``. For each serving process the resident set
(VmRSS) is read after start-up (models loaded and warmed up) and after the load, with the
peak (VmHWM); for two workers, uvicorn's supervising process too. The load is the soak's
mix (chat, Anthropic and Responses routes, English with Kazakh identifiers, Russian and
Kazakh, half streamed, a third of the streams hung up early) from 100 clients for 40 s
(20 clients for 10 s with ``--quick``).

The sizing rule in docs/deployment.md comes from these rows: a container's memory is the
peak per worker times the workers, plus the supervisor when there are several.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from benchmarks.passthrough import Server, serve
from benchmarks.proxy import _rows
from benchmarks.soak import _load

DATA = Path(__file__).parent / "data" / "dev"


def _pool() -> list[str]:
    with (DATA / "ru_kk.jsonl").open(encoding="utf-8") as fh:
        ru_kk = [json.loads(line)["text"] for line in fh if line.strip()]
    return _rows() + ru_kk


def _status_mib(pid: int, field: str) -> float:
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _measure(server: Server, clients: int, seconds: float,
             pool: list[str]) -> dict[str, Any]:
    pids = server.pids
    after_start = [_status_mib(pid, "VmRSS") for pid in pids]
    tally = asyncio.run(_load(server.url, clients, seconds, pool))
    row: dict[str, Any] = {
        "workers": len(pids),
        "rss_after_start_mib": after_start,
        "rss_after_load_mib": [_status_mib(pid, "VmRSS") for pid in pids],
        "peak_rss_mib": [_status_mib(pid, "VmHWM") for pid in pids],
        "requests": sum(tally[k] for k in ("2xx", "4xx", "5xx")),
        "errors": {k: v for k, v in tally.items() if k not in {"2xx", "hung up"}},
    }
    if server.process.pid not in pids:
        row["supervisor_rss_mib"] = _status_mib(server.process.pid, "VmRSS")
    return row


def run(quick: bool) -> dict[str, Any]:
    clients, seconds = (20, 10.0) if quick else (100, 40.0)
    pool = _pool()
    results: dict[str, dict[str, Any]] = {}
    with serve("upstream", workers=2) as up:
        with serve("passthrough", upstream=up.url) as baseline:
            results["passthrough"] = _measure(baseline, clients, seconds, pool)
        for workers in (1, 2):
            with serve("qorgan", upstream=up.url, workers=workers) as guard:
                results[f"qorgan x{workers}"] = _measure(guard, clients, seconds, pool)
    base_peak = results["passthrough"]["peak_rss_mib"][0]
    rows = []
    for name, r in results.items():
        peak = max(r["peak_rss_mib"])
        rows.append([name, r["workers"], round(max(r["rss_after_start_mib"]), 1),
                     round(max(r["rss_after_load_mib"]), 1), round(peak, 1),
                     round(r.get("supervisor_rss_mib", 0.0), 1), round(peak / base_peak, 2),
                     r["requests"], sum(r["errors"].values())])
    one = results["qorgan x1"]
    two = results["qorgan x2"]
    per_worker = max(max(one["peak_rss_mib"]), max(two["peak_rss_mib"]))
    return {
        "title": "memory per worker: qorgan serve against the pass-through proxy",
        "table": {"columns": ["server", "workers", "RSS after start MiB (per worker)",
                              "RSS after load MiB", "peak RSS MiB", "supervisor RSS MiB",
                              "peak vs pass-through", "requests", "errors"],
                  "rows": rows},
        "servers": results,
        "peak_rss_mib_per_worker": round(per_worker, 1),
        "supervisor_rss_mib": round(two.get("supervisor_rss_mib", 0.0), 1),
        "notes": [f"{clients} clients for {seconds:.0f} s per server; peak per worker "
                  f"{per_worker:.0f} MiB (the largest of one and two workers)"],
    }
