"""Pseudonym vaults: the values of one request issued together, against one call per value.

For each vault (in memory, and Redis on 127.0.0.1:6379) a fresh conversation gets the 70
values of a typical 4 KB prompt with personal data (the labelled spans of
``benchmarks/data/dev/en_kz.jsonl``), either in one ``pseudonyms`` call (what the Guard
does) or in one ``pseudonym`` call per value (the baseline), alternating, median wall time. Then the
Guard's own time on such prompts with each vault: each body is sent twice and the second
is timed, so detection is cached and what remains is the Guard's work, vault included.
Without a Redis server the Redis row says so.
Measured only: nothing here asserts a target.
"""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import statistics
import time
import uuid
from typing import Any

from benchmarks.proxy import DATA, _rows, chat, make_text, short_answer_upstream
from qorgan.errors import VaultError
from qorgan.transform import Keyring, MemoryVault, RedisVault, TokenRequest, Vault, VaultScope

REDIS = "redis://127.0.0.1:6379/0"


def _values(count: int) -> list[TokenRequest]:
    lines = (DATA / "dev" / "en_kz.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    spans = [(s["entity_type"], row["text"][s["start"]:s["end"]])
             for row in rows for s in row["spans"]]
    return [TokenRequest(entity, value) for entity, value in spans[:count]]


async def _issue_times(vault: Vault, values: list[TokenRequest], n: int) -> tuple[float, float]:
    """Median ms for the values in one batch, and one call per value; fresh scopes."""
    batch: list[float] = []
    single: list[float] = []
    for i in range(n + 1):
        scope = VaultScope("bench", uuid.uuid4().hex)
        started = time.perf_counter()
        await vault.pseudonyms(scope, values)
        batch_ms = (time.perf_counter() - started) * 1e3
        scope = VaultScope("bench", uuid.uuid4().hex)
        started = time.perf_counter()
        for value in values:
            await vault.pseudonym(scope, value.entity_type, value.value)
        single_ms = (time.perf_counter() - started) * 1e3
        if i:  # the first warms connections and scripts
            batch.append(batch_ms)
            single.append(single_ms)
    return statistics.median(batch), statistics.median(single)


def _guard_own_ms(vault_url: str, n: int, rng: random.Random) -> float:
    from qorgan.pipeline import Guard, GuardRequest, Runtime
    from qorgan.settings import Settings

    runtime = Runtime.from_settings(Settings(master_key=secrets.token_bytes(32),
                                             vault_url=vault_url))
    runtime.warm_up()
    guard = Guard(runtime)

    async def loop() -> list[float]:
        out = []
        for _ in range(n):
            body = json.dumps(chat(make_text(_rows(), 4096, rng))).encode()
            request = GuardRequest("POST", "chat/completions",
                                   {"content-type": "application/json"}, body)
            await guard.handle(request, short_answer_upstream)  # fills the detection cache
            started = time.perf_counter()
            response = await guard.handle(request, short_answer_upstream)
            out.append((time.perf_counter() - started) * 1e3)
            if response.status != 200:
                raise RuntimeError(f"guarded request answered {response.status}")
        await runtime.aclose()
        return out

    return statistics.median(asyncio.run(loop()))


def run(quick: bool) -> dict[str, Any]:
    n = 5 if quick else 30
    values = _values(70)
    rng = random.Random(12)
    rows: list[list[Any]] = []
    result: dict[str, Any] = {"title": "Pseudonym vaults: one request's values at once"}
    for name, url in (("memory", "memory"), ("redis", REDIS)):
        async def measure(url: str = url) -> tuple[float, float]:
            vault: Vault = (MemoryVault() if url == "memory"
                            else RedisVault(url, Keyring(secrets.token_bytes(32)), ttl=60,
                                            prefix=f"qorgan:bench:{uuid.uuid4().hex}:"))
            try:
                await vault.ping()
                return await _issue_times(vault, values, n)
            finally:
                await vault.close()

        try:
            batch, single = asyncio.run(measure())
        except VaultError:
            rows.append([name, len(values), "unavailable", "", "", ""])
            continue
        own = _guard_own_ms(url, n, rng)
        rows.append([name, len(values), batch, single, single / batch, own])
        result[name] = {"batch_ms": batch, "one_by_one_ms": single, "guard_own_ms": own}
    result["table"] = {
        "columns": ["vault", "values", "batch ms", "one call per value ms", "speed-up",
                    "Guard's own time per 4 KB request, ms"],
        "rows": rows,
    }
    result["notes"] = [
        "batch: Vault.pseudonyms, as the Guard calls it; baseline: one pseudonym call per "
        "value; fresh conversations, median",
        "Guard's own time: the same body sent twice, the second timed (detection cached)",
    ]
    return result
