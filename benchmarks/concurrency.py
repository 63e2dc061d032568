"""Concurrency: 200 clients at once, half of them streaming, for a bounded time.

The pass-through baseline (one worker) and ``qorgan serve`` with one and with two workers,
each in its own run against the same demo upstream, each under the same load: 200 client
tasks in this process, every one sending a fresh ~1 KB chat message with personal data
back to back (odd-numbered clients ask for a streamed reply). Reported per run:
throughput, latency p50/p99 (to the last byte), streaming TTFT p50/p99, errors (any
non-200 answer, transport error or stream without content) and the peak resident set
(VmHWM) of each serving process. The client shares the machine's two cores with the servers.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.passthrough import Server, serve
from benchmarks.proxy import _first_content, _rows, chat, make_text, pct

CLIENTS = 200


@dataclass
class Tally:
    latency_ms: list[float] = field(default_factory=list)
    ttft_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def _one(client: httpx.AsyncClient, url: str, body: dict[str, Any], tally: Tally) -> None:
    started = time.perf_counter()
    first: float | None = None
    try:
        async with client.stream("POST", url, json=body) as response:
            if response.status_code != 200:
                await response.aread()
                try:
                    code = response.json()["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    code = ""
                tally.error(f"http {response.status_code} {code}".strip())
                return
            if not body.get("stream"):
                await response.aread()
            else:
                buf = b""
                async for chunk in response.aiter_raw():
                    if first is not None:
                        continue
                    buf += chunk
                    while first is None and b"\n\n" in buf:
                        frame, buf = buf.split(b"\n\n", 1)
                        if _first_content(frame):
                            first = time.perf_counter()
    except httpx.HTTPError as exc:
        tally.error(type(exc).__name__)
        return
    done = time.perf_counter()
    if body.get("stream"):
        if first is None:
            tally.error("empty stream")
            return
        tally.ttft_ms.append((first - started) * 1e3)
    tally.latency_ms.append((done - started) * 1e3)


async def load(url: str, seconds: float, seed: int) -> tuple[Tally, float]:
    """Run the clients for ``seconds``; requests started before the end are waited for."""
    rng = random.Random(seed)
    pool = _rows()
    tally = Tally()
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    timeout = httpx.Timeout(120.0, connect=30.0)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as client:
        for _ in range(4):  # warm connections and the first code paths
            await _one(client, url, chat(make_text(pool, 1024, rng)), Tally())
        started = time.perf_counter()
        deadline = started + seconds

        async def user(i: int) -> None:
            while time.perf_counter() < deadline:
                body = chat(make_text(pool, 1024, rng), stream=i % 2 == 1)
                await _one(client, url, body, tally)

        await asyncio.gather(*(user(i) for i in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    return tally, elapsed


def _run_one(server: Server, upstream: Server, seconds: float, seed: int) -> dict[str, Any]:
    # CPU each party used during the run: with two cores shared, it says who is the bound
    before = (time.process_time(), server.cpu_seconds(), upstream.cpu_seconds())
    tally, elapsed = asyncio.run(load(server.url + "/chat/completions", seconds, seed))
    after = (time.process_time(), server.cpu_seconds(), upstream.cpu_seconds())
    client_cpu, server_cpu, upstream_cpu = (b - a for a, b in zip(before, after, strict=True))
    lat, ttft = tally.latency_ms, tally.ttft_ms
    return {
        "workers": server.workers,
        "requests": len(lat),
        "seconds": elapsed,
        "throughput_rps": len(lat) / elapsed,
        "p50_ms": statistics.median(lat) if lat else float("nan"),
        "p90_ms": pct(lat, 90) if lat else float("nan"),
        "p99_ms": pct(lat, 99) if lat else float("nan"),
        "ttft_p50_ms": statistics.median(ttft) if ttft else float("nan"),
        "ttft_p99_ms": pct(ttft, 99) if ttft else float("nan"),
        "errors": sum(tally.errors.values()),
        "error_kinds": tally.errors,
        "peak_rss_mb_per_worker": server.peak_rss_mb(),
        "cpu_cores_used": {"server": server_cpu / elapsed, "client": client_cpu / elapsed,
                           "upstream": upstream_cpu / elapsed},
    }


def run(quick: bool) -> dict[str, Any]:
    seconds = 10.0 if quick else 60.0
    runs: dict[str, dict[str, Any]] = {}
    with serve("upstream") as up:
        for label, kind, workers in (("pass-through x1", "passthrough", 1),
                                     ("qorgan x1", "qorgan", 1),
                                     ("qorgan x2", "qorgan", 2)):
            with serve(kind, upstream=up.url, workers=workers) as server:
                runs[label] = _run_one(server, up, seconds, seed=len(runs))
        upstream_rss = up.peak_rss_mb()
    base = runs["pass-through x1"]["throughput_rps"]
    one = runs["qorgan x1"]["throughput_rps"]
    rows = [[label, r["workers"], r["requests"], r["throughput_rps"],
             r["throughput_rps"] / base, r["p50_ms"], r["p99_ms"], r["ttft_p50_ms"],
             r["ttft_p99_ms"], r["errors"],
             " / ".join(f"{m:.0f}" for m in r["peak_rss_mb_per_worker"]),
             " / ".join(f"{c:.2f}" for c in r["cpu_cores_used"].values())]
            for label, r in runs.items()]
    errors = sum(r["errors"] for r in runs.values())
    scaling = runs["qorgan x2"]["throughput_rps"] / one if one else float("nan")
    return {
        "title": f"{CLIENTS} concurrent clients (half streaming), {seconds:.0f} s per run",
        "table": {
            "columns": ["server", "workers", "requests", "req/s", "vs pass", "p50 ms",
                        "p99 ms", "TTFT p50", "TTFT p99", "errors", "peak RSS MiB",
                        "cores srv/cli/up"],
            "rows": rows,
        },
        "clients": CLIENTS,
        "seconds_per_run": seconds,
        "runs": runs,
        "errors": errors,
        "workers_2_over_1": scaling,
        "upstream_peak_rss_mb": upstream_rss,
        "series": {label: {"x": [50, 90, 99], "y": [r["p50_ms"], r["p90_ms"], r["p99_ms"]]}
                   for label, r in runs.items()},
        "x_label": "latency percentile",
        "y_label": "ms to the last byte",
        "chart_title": f"Latency under {CLIENTS} concurrent clients",
        "notes": [
            f"errors across all runs: {errors} (target 0)"
            + (f": {json.dumps({k: r['error_kinds'] for k, r in runs.items()})}"
               if errors else ""),
            f"--workers 2 over --workers 1 throughput: {scaling:.2f}x on a 2-core machine "
            "shared with the client and the upstream",
            "each request: a fresh ~1 KB chat message with personal data; odd clients stream",
            "cores srv/cli/up: CPU seconds per second used by the server (all workers), this "
            "client and the demo upstream during the run",
        ],
    }
