"""``qorgan scan`` as a whole process against stock Presidio as a whole process.

Both read the same JSON Lines file of fresh ~4 KB mixed English, Russian and Kazakh prompts
(rows of the development corpora, each numbered so that no sentence repeats across
prompts) and write one line of findings per prompt; stock Presidio is its default
``AnalyzerEngine`` on the same spaCy model (``benchmarks/_presidio_scan.py``). Each runs
once on one line and once on all of them, alternating; the one-line run is its start-up
(process start to the first result), and throughput is the lines past the first over the
time past the one-line run, in CPU time (user + system of the process, robust on a shared
machine) and in wall time. Start-up is also taken for ``qorgan scan`` on a one-line
English prompt, and the readiness of ``qorgan serve`` (process start to ``/readyz``).
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.batching import _unique_prompts, corpus_texts
from benchmarks.passthrough import free_port

ROOT = Path(__file__).resolve().parent.parent


def _process(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _write(path: Path, texts: list[str]) -> None:
    path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts),
                    encoding="utf-8")


def readiness(rounds: int) -> float:
    """Median seconds from starting ``qorgan serve`` to ``/readyz`` answering 200."""
    times = []
    for _ in range(rounds):
        port = free_port()
        env = {**os.environ, "QORGAN_MASTER_KEY": secrets.token_hex(32)}
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "qorgan", "serve", "--upstream", "http://127.0.0.1:9",
             "--port", str(port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client(trust_env=False, timeout=1.0) as client:
                while time.perf_counter() - started < 120:
                    try:
                        if client.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    time.sleep(0.02)
            times.append(time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(timeout=15)
    return statistics.median(times)


def run(quick: bool) -> dict[str, Any]:
    en, ru_kk = corpus_texts()
    rows = en + ru_kk
    import random

    rng = random.Random(13)
    n = 10 if quick else 40
    rounds = 1 if quick else 3
    texts = _unique_prompts(rows, 4096, n, rng, 50_000)
    work = Path(tempfile.mkdtemp(prefix="qorgan-bench-scan-"))
    many, one, short = work / "many.jsonl", work / "one.jsonl", work / "short.jsonl"
    _write(many, texts)
    _write(one, texts[:1])
    _write(short, ["Please call Aigerim Serikova, IIN 901123300258, about the invoice."])
    engines = {
        "qorgan scan": [sys.executable, "-m", "qorgan", "scan"],
        "stock Presidio": [sys.executable, "-m", "benchmarks._presidio_scan"],
    }
    samples: dict[str, dict[str, list[tuple[float, float]]]] = {
        e: {"one": [], "many": []} for e in engines}
    short_start: list[float] = []
    for _ in range(rounds):
        for engine, cmd in engines.items():
            for label, path in (("one", one), ("many", many)):
                samples[engine][label].append(_process([*cmd, str(path)]))
        short_start.append(_process([*engines["qorgan scan"], str(short)])[0])
    out: dict[str, Any] = {}
    for engine, by in samples.items():
        one_wall = statistics.median(w for w, _ in by["one"])
        one_cpu = statistics.median(c for _, c in by["one"])
        many_wall = statistics.median(w for w, _ in by["many"])
        many_cpu = statistics.median(c for _, c in by["many"])
        out[engine] = {
            "start_wall_s": one_wall, "start_cpu_s": one_cpu,
            "all_wall_s": many_wall, "all_cpu_s": many_cpu,
            "lines_per_cpu_s": (n - 1) / max(many_cpu - one_cpu, 1e-9),
            "lines_per_wall_s": (n - 1) / max(many_wall - one_wall, 1e-9),
        }
    ours, stock = out["qorgan scan"], out["stock Presidio"]
    ratio_cpu = ours["lines_per_cpu_s"] / stock["lines_per_cpu_s"]
    ratio_wall = ours["lines_per_wall_s"] / stock["lines_per_wall_s"]
    ready = readiness(rounds)
    short = statistics.median(short_start)
    rows_out = [[engine, r["start_wall_s"], r["all_wall_s"], r["lines_per_cpu_s"],
                 r["lines_per_wall_s"]] for engine, r in out.items()]
    rows_out.append(["qorgan / stock", "", "", ratio_cpu, ratio_wall])
    return {
        "title": f"qorgan scan against stock Presidio, whole processes, {n} fresh 4 KB "
                 "mixed en/ru/kk prompts",
        "table": {"columns": ["process", "start s (1 line)", f"all s ({n} lines)",
                              "lines / CPU s past start", "lines / wall s past start"],
                  "rows": rows_out},
        "engines": out,
        "throughput_ratio_cpu": ratio_cpu,
        "throughput_ratio_wall": ratio_wall,
        "scan_start_short_line_s": short,
        "serve_ready_s": ready,
        "notes": [
            f"throughput past start-up, qorgan over stock: {ratio_cpu:.2f}x CPU, "
            f"{ratio_wall:.2f}x wall (target >= 3x)",
            f"qorgan scan start to the first result, one short English line: {short:.2f} s "
            "wall (target <= 1.5 s)",
            f"qorgan serve start to /readyz: {ready:.2f} s",
        ],
    }
