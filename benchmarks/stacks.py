"""The HTTP hop on each server stack: direct, the pass-through and qorgan, stack by stack.

For each stack the demo upstream, the pass-through proxy (``benchmarks/passthrough.py``)
and qorgan (``qorgan.cli.serve:worker_app``, the app ``qorgan serve`` runs, default policy)
all run on that stack, one process each; one client sends each request to the three in
turn (random order), one at a time. Stacks:

- ``asyncio + h11``: uvicorn on the standard event loop and the pure-Python HTTP parser
  (what ``qorgan serve`` ran before ``uvicorn[standard]``);
- ``uvloop + httptools``: uvicorn with ``uvicorn[standard]`` (what it runs now);
- ``granian``: the Rust ASGI server, when installed (it is not a dependency).

Workloads: an embeddings body of token ids (no text to scan: the target "a body without
text costs <= 0.5 ms p50 over the pass-through on the same stack") and a ~200 B chat prompt
with personal data. Reported: p50 and p99 in ms, pass-through minus direct (the price of the
hop) and qorgan minus pass-through (the guard), per stack; then the pass-through under the
concurrency benchmark's 200 clients (half streaming), its throughput and CPU per request.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks.concurrency import load
from benchmarks.passthrough import UPSTREAM_ENV, Server, free_port
from benchmarks.proxy import _rows, chat, embeddings, make_text, pct, timed

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("direct", "passthrough", "qorgan")
_APPS = {
    "direct": ("qorgan.demo.upstream:DemoUpstream", "/v1/models"),
    "passthrough": ("benchmarks.passthrough:create_app", "/healthz"),
    "qorgan": ("qorgan.cli.serve:worker_app", "/healthz"),
}


def stacks() -> dict[str, list[str]]:
    """Stack name -> how to start an app factory on it (``{app}``, ``{port}`` filled in)."""
    uvicorn = [sys.executable, "-m", "uvicorn", "{app}", "--factory", "--host", "127.0.0.1",
               "--port", "{port}", "--log-level", "warning", "--no-access-log"]
    out = {
        "asyncio + h11": [*uvicorn, "--loop", "asyncio", "--http", "h11"],
        "uvloop + httptools": [*uvicorn, "--loop", "uvloop", "--http", "httptools"],
    }
    granian = shutil.which("granian", path=str(Path(sys.executable).parent))
    if granian:
        out["granian"] = [granian, "--interface", "asgi", "--factory", "--host", "127.0.0.1",
                          "--port", "{port}", "--workers", "1", "--log-level", "warning",
                          "--no-ws", "{app}"]
    return out


@contextmanager
def start(stack: list[str], target: str, upstream: str = "") -> Iterator[Server]:
    """Run ``target``'s app on ``stack`` until the block ends."""
    app, probe = _APPS[target]
    port = free_port()
    cmd = [part.replace("{app}", app).replace("{port}", str(port)) for part in stack]
    env = {**os.environ, "PYTHONPATH": str(ROOT), UPSTREAM_ENV: upstream,
           "QORGAN_UPSTREAM": upstream or "http://127.0.0.1:9", "QORGAN_LOG_LEVEL": "warning",
           "QORGAN_MASTER_KEY": secrets.token_hex(32)}
    log = Path(tempfile.gettempdir()) / f"qorgan-bench-stack-{target}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        _wait(process, f"http://127.0.0.1:{port}{probe}", log)
        server = Server(target, f"http://127.0.0.1:{port}/v1", process, log)
        server.pids = server.worker_pids()
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait(process: subprocess.Popen[bytes], url: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(trust_env=False, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited:\n{log.read_text(errors='replace')[-2000:]}")
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
    raise RuntimeError(f"{url} not ready in {timeout:.0f} s")


def _measure(urls: dict[str, str], n: int, rng: random.Random) -> dict[str, dict[str, list[float]]]:
    pool = _rows()
    workloads = {
        "token ids": ("/embeddings", lambda: embeddings(rng)),
        "pii 200 B": ("/chat/completions", lambda: chat(make_text(pool, 200, rng),
                                                        model="demo-short")),
    }
    samples = {w: {t: [] for t in TARGETS} for w in workloads}
    clients = {t: httpx.Client(trust_env=False, timeout=60.0) for t in TARGETS}
    try:
        for i in range(n + 5):  # the first rounds warm connections and code paths
            for name, (route, build) in workloads.items():
                body = build()
                order = list(TARGETS)
                rng.shuffle(order)
                for target in order:
                    _, total = timed(clients[target], urls[target] + route, body)
                    if i >= 5:
                        samples[name][target].append(total)
    finally:
        for client in clients.values():
            client.close()
    return samples


def run(quick: bool) -> dict[str, Any]:
    n = 60 if quick else 300
    rng = random.Random(16)
    load_seconds = 5.0 if quick else 15.0
    results: dict[str, Any] = {}
    under_load: dict[str, dict[str, float]] = {}
    rows: list[list[Any]] = []
    for name, stack in stacks().items():
        with start(stack, "direct") as direct, \
                start(stack, "passthrough", direct.url) as passthrough, \
                start(stack, "qorgan", direct.url) as guarded:
            samples = _measure({"direct": direct.url, "passthrough": passthrough.url,
                                "qorgan": guarded.url}, n, rng)
            # the pass-through under the concurrency benchmark's 200 clients: its CPU per
            # request is the stack's cost once requests overlap
            cpu = passthrough.cpu_seconds()
            tally, elapsed = asyncio.run(load(passthrough.url + "/chat/completions",
                                              load_seconds, 16))
            cpu = passthrough.cpu_seconds() - cpu
            under_load[name] = {"requests": len(tally.latency_ms),
                                "rps": len(tally.latency_ms) / elapsed,
                                "cpu_ms_per_request": cpu / max(len(tally.latency_ms), 1) * 1e3,
                                "errors": sum(tally.errors.values())}
        per: dict[str, Any] = {}
        for workload, by_target in samples.items():
            p50 = {t: statistics.median(v) for t, v in by_target.items()}
            p99 = {t: pct(v, 99) for t, v in by_target.items()}
            per[workload] = {"p50_ms": p50, "p99_ms": p99,
                             "hop_ms": p50["passthrough"] - p50["direct"],
                             "guard_ms": p50["qorgan"] - p50["passthrough"]}
            rows.append([name, workload, p50["direct"], p50["passthrough"], p50["qorgan"],
                         p99["passthrough"], p99["qorgan"], per[workload]["hop_ms"],
                         per[workload]["guard_ms"]])
        results[name] = per
    base = results.get("asyncio + h11", {}).get("token ids", {}).get("hop_ms")
    notes = [f"{n} samples per cell; each stack runs all three servers",
             "target: token ids, qorgan - pass <= 0.5 ms p50 on the same stack"]
    for name, per in results.items():
        hop = per["token ids"]["hop_ms"]
        notes.append(f"{name}: hop {hop:.2f} ms"
                     + (f" ({hop / base:.2f}x asyncio + h11's)" if base else "")
                     + f", guard on a body without text {per['token ids']['guard_ms']:.2f} ms")
    for name, r in under_load.items():
        rows.append([name, f"pass-through, 200 clients, {load_seconds:.0f} s",
                     f"{r['rps']:.0f} req/s", f"{r['cpu_ms_per_request']:.2f} CPU ms/req",
                     f"{r['errors']:.0f} errors", "", "", "", ""])
    return {
        "under_load": under_load,
        "title": "The HTTP hop on each server stack (ms)",
        "table": {"columns": ["stack", "workload", "direct p50", "pass p50", "qorgan p50",
                              "pass p99", "qorgan p99", "pass - direct", "qorgan - pass"],
                  "rows": rows},
        "stacks": results,
        "notes": notes,
    }
