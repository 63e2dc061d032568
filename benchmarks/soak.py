"""Soak: many clients for a long while against ``qorgan serve``; memory must stay flat.

``qorgan serve`` (one worker) in front of the demo upstream, each in its own process. 200
client tasks (50 with ``--quick``) send chat, Anthropic and Responses requests carrying
personal data back to back for 60 s (15 s quick); half ask for a stream and a third of
those hang up after the first chunk. The serving process's resident set (VmRSS) is sampled
every half second. After a warm-up (the first quarter of the run) the mean RSS of the last
quarter may not exceed the mean of the second quarter by more than 10 %. Reported: requests,
throughput, errors by kind (5xx from the guard, transport errors, error events), RSS at the
start, after warm-up and at the end, and the growth ratio.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from benchmarks.passthrough import serve
from benchmarks.proxy import _rows, make_text

GROWTH_LIMIT = 1.10
SAMPLE_EVERY = 0.5


def _rss_mib(pid: int) -> float:
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return float(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _body(rng: random.Random, pool: list[str], n: int) -> tuple[str, dict[str, Any]]:
    text = make_text(pool, 600, rng) + f" Reach me at soak{n}@example.kz."
    stream = rng.random() < 0.5
    route = rng.choice(["chat/completions", "chat/completions", "messages", "responses"])
    if route == "messages":
        body: dict[str, Any] = {"model": "demo-echo", "max_tokens": 64,
                                "messages": [{"role": "user", "content": text}]}
    elif route == "responses":
        body = {"model": "demo-echo", "input": text}
    else:
        body = {"model": "demo-echo", "messages": [{"role": "user", "content": text}]}
    body["stream"] = stream
    return route, body


async def _client(base: str, client: httpx.AsyncClient, seed: int, deadline: float,
                  pool: list[str], tally: Counter[str]) -> None:
    rng = random.Random(seed)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        route, body = _body(rng, pool, seed * 100_000 + n)
        hang_up = body["stream"] and rng.random() < 1 / 3
        try:
            async with client.stream("POST", f"{base}/{route}", json=body) as response:
                tally[f"{response.status_code // 100}xx"] += 1
                if hang_up:
                    async for _ in response.aiter_raw():
                        break
                    tally["hung up"] += 1
                    continue
                data = await response.aread()
                if body["stream"] and b"event: error" in data:
                    tally["error events"] += 1
        except httpx.HTTPError as exc:
            tally[type(exc).__name__] += 1


async def _load(base: str, clients: int, seconds: float, pool: list[str]) -> Counter[str]:
    tally: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0, connect=30.0),
                                 trust_env=False) as client:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_client(base, client, i, deadline, pool, tally)
                               for i in range(clients)))
    return tally


def _sampler(pid: int, samples: list[tuple[float, float]], stop: threading.Event) -> None:
    start = time.monotonic()
    while not stop.is_set():
        samples.append((time.monotonic() - start, _rss_mib(pid)))
        stop.wait(SAMPLE_EVERY)


def run(quick: bool) -> dict[str, Any]:
    clients = 50 if quick else 200
    seconds = 15.0 if quick else 60.0
    pool = _rows()
    samples: list[tuple[float, float]] = []
    with serve("upstream") as up, serve("qorgan", upstream=up.url) as guard:
        pid = guard.pids[0]
        stop = threading.Event()
        sampler = threading.Thread(target=_sampler, args=(pid, samples, stop), daemon=True)
        sampler.start()
        started = time.perf_counter()
        tally = asyncio.run(_load(guard.url, clients, seconds, pool))
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
    quarter = seconds / 4
    warm = [rss for t, rss in samples if quarter <= t < 2 * quarter]
    last = [rss for t, rss in samples if t >= 3 * quarter]
    after_warm_up = statistics.fmean(warm) if warm else float("nan")
    end = statistics.fmean(last) if last else float("nan")
    growth = end / after_warm_up if after_warm_up else float("nan")
    requests = sum(v for k, v in tally.items() if k.endswith("xx"))
    failures = {k: v for k, v in tally.items()
                if k not in {"2xx", "hung up"}}
    flat = growth <= GROWTH_LIMIT
    rows = [
        ["clients", clients], ["seconds", round(elapsed, 1)], ["requests", requests],
        ["req/s", round(requests / elapsed, 1)], ["hung up mid-stream", tally["hung up"]],
        ["failures", failures or "none"],
        ["RSS start MiB", round(samples[0][1], 1) if samples else float("nan")],
        ["RSS after warm-up MiB", round(after_warm_up, 1)], ["RSS end MiB", round(end, 1)],
        ["growth", round(growth, 3)], [f"flat (<= {GROWTH_LIMIT:.2f})", flat],
    ]
    return {
        "title": f"Soak: {clients} clients, {seconds:.0f} s, memory of the guard",
        "table": {"columns": ["metric", "value"], "rows": rows},
        "clients": clients,
        "seconds": elapsed,
        "requests": requests,
        "throughput_rps": requests / elapsed,
        "tally": dict(tally),
        "rss_samples_mib": [[round(t, 2), round(r, 1)] for t, r in samples],
        "rss_after_warm_up_mib": after_warm_up,
        "rss_end_mib": end,
        "growth": growth,
        "flat": flat,
        "guard_5xx": tally["5xx"],
    }
