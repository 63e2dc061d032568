"""Streaming rewrite throughput and hold-back, against a parse-and-reserialize baseline.

Events per second on one core (one event loop, one process) through ``StreamRewriter`` for
an OpenAI chat and an Anthropic stream of 4-character deltas, with a cheap processor (the
identity) and one that runs a regex scan (restore ``<PERSON_n>``, redact emails and digit
runs). The baseline parses the same bytes as SSE and writes the events back unchanged, the
least any SSE-aware proxy must do. Hold-back is the most text a channel kept unreleased,
shown beside the longest value or placeholder in the text it must keep whole.
Last, the same through the real Guard (default policy): fresh answers full of personal data
(the proxy benchmark's rows), restored and scanned segment by segment with the Detector, in
events per second of process CPU time (detection threads included).
Measured only: nothing here asserts a target.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from qorgan.protocols.sse import SSEParser, serialize
from qorgan.providers import REGISTRY
from qorgan.streaming import Handler, HoldbackPolicy, StreamRewriter
from qorgan.streaming.segment import CAPITAL_RUN

PERSONS = {"<PERSON_1>": "Айгерим Серикова", "<PERSON_2>": "John Smith"}
_PLACEHOLDER = re.compile(r"<PERSON_\d+>")
_DIGITS = re.compile(r"\+?\d(?:[ \-]?\d){5,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
VALUES = ["<PERSON_1>", "<PERSON_2>", "+7 701 234 56 78", "9011 2330 0258",
          "aigerim.serikova@example.kz", "John Smith", "Айгерим Серикова"]  # fmt: skip
SENTENCES = [
    "Здравствуйте, <PERSON_1>! Ваш номер +7 701 234 56 78 сохранён в системе. ",
    "The ticket was opened by John Smith and assigned to the support team yesterday. ",
    "Please write to aigerim.serikova@example.kz if the problem persists after the update.\n",
    "ИИН 9011 2330 0258 указан в заявке, которую <PERSON_2> отправил вчера вечером. ",
    "we checked the logs and the service recovered without any further action from you, ",
]
#: capitalised words only: held together until the run is longer than any name
CAPITALS = "Айгерим Серикова John Smith Astana Almaty Kazakhtelecom Report Review " * 40


async def _identity(segment: str, context: str) -> str:
    return segment


async def _scan(segment: str, context: str) -> str:
    segment = _PLACEHOLDER.sub(lambda m: PERSONS.get(m.group(), "<UNKNOWN>"), segment)
    segment = _EMAIL.sub("[EMAIL]", segment)
    return _DIGITS.sub("[NUMBER]", segment)


def _sse(obj: dict[str, Any], event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(obj, ensure_ascii=False)}\n\n"


def build(protocol: str, text: str, step: int = 4) -> tuple[bytes, int]:
    """An upstream stream of ``text`` in ``step``-character deltas, and its event count."""
    deltas = [text[i : i + step] for i in range(0, len(text), step)]
    parts: list[str] = []
    if protocol == "openai.chat":
        head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
        for d in deltas:
            parts.append(_sse({**head, "choices": [{"index": 0, "delta": {"content": d},
                                                    "finish_reason": None}]}))  # fmt: skip
        parts.append(
            _sse({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        )
        parts.append("data: [DONE]\n\n")
    else:
        block = {"type": "text", "text": ""}
        start = {"type": "content_block_start", "index": 0, "content_block": block}
        parts.append(_sse(start, "content_block_start"))
        for d in deltas:
            body = {"type": "content_block_delta", "index": 0,
                    "delta": {"type": "text_delta", "text": d}}  # fmt: skip
            parts.append(_sse(body, "content_block_delta"))
        parts.append(_sse({"type": "content_block_stop", "index": 0}, "content_block_stop"))
        parts.append(_sse({"type": "message_stop"}, "message_stop"))
    return "".join(parts).encode(), len(parts)


def _chunks(raw: bytes, size: int = 512) -> list[bytes]:
    return [raw[i : i + size] for i in range(0, len(raw), size)]


async def _aiter(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


#: stream handlers by endpoint name ("openai.chat", "anthropic.messages", ...)
_HANDLERS: dict[str, type[Handler]] = {
    e.name: e.stream for e in REGISTRY.endpoints() if e.stream is not None
}


async def _baseline(chunks: list[bytes]) -> int:
    parser = SSEParser()
    out = 0
    for chunk in chunks:
        out += len("".join(serialize(item) for item in parser.feed(chunk)).encode())
    return out


async def _rewrite(
    protocol: str, chunks: list[bytes], processor: Callable[[str, str], Awaitable[str]],
    holdback: HoldbackPolicy | None = None,
) -> StreamRewriter:  # fmt: skip
    rewriter = StreamRewriter(_HANDLERS[protocol], lambda: processor, holdback=holdback)
    async for _ in rewriter.rewrite(_aiter(chunks)):
        pass
    return rewriter


def _rate(fn: Callable[[], Awaitable[object]], events: int, repeat: int) -> float:
    async def loop() -> float:
        await fn()  # warm
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            await fn()
            best = min(best, time.perf_counter() - started)
        return events / best

    return asyncio.run(loop())


def guard_rate(answers: int, rng: random.Random) -> tuple[float, int]:
    """Events per CPU second through ``Guard.handle``: the whole response side of a stream
    (SSE, restore, Detector, decide, transform), for fresh ~3 KB answers in 4-character
    deltas: the best of ``answers`` streams, and the events in one."""
    from benchmarks.proxy import _rows, make_text
    from qorgan.pipeline import Guard, GuardRequest, Runtime, UpstreamRequest, UpstreamResponse
    from qorgan.settings import Settings

    runtime = Runtime.from_settings(Settings(master_key=secrets.token_bytes(32)))
    runtime.warm_up()
    guard = Guard(runtime)
    prompt = {"model": "m", "stream": True,
              "messages": [{"role": "user", "content": "Hello, I am Aigerim Serikova."}]}
    request = GuardRequest("POST", "chat/completions", {"content-type": "application/json"},
                           json.dumps(prompt).encode())

    async def one(chunks: list[bytes]) -> float:
        async def upstream(_: UpstreamRequest) -> UpstreamResponse:
            return UpstreamResponse(200, [("content-type", "text/event-stream")],
                                    chunks=_aiter(chunks))

        response = await guard.handle(request, upstream)
        if response.chunks is None:
            raise RuntimeError("the guarded stream did not stream")
        started = time.process_time()
        async for _ in response.chunks:
            pass
        return time.process_time() - started

    async def loop() -> tuple[float, int]:
        best, events = 0.0, 0
        for i in range(answers + 1):
            raw, events = build("openai.chat", make_text(_rows(), 3072, rng))
            seconds = await one(_chunks(raw))
            if i:  # the first warms the Guard
                best = max(best, events / seconds)
        await runtime.aclose()
        return best, events

    return asyncio.run(loop())


def run(quick: bool) -> dict[str, Any]:
    text = "".join(SENTENCES) * (4 if quick else 40)
    repeat = 3 if quick else 7
    rows: list[list[Any]] = []
    result: dict[str, Any] = {"title": "Streaming rewrite: events/s on one core"}
    for protocol in ("openai.chat", "anthropic.messages"):
        raw, events = build(protocol, text)
        chunks = _chunks(raw)
        base = _rate(lambda c=chunks: _baseline(c), events, repeat)  # type: ignore[misc]
        cheap = _rate(lambda c=chunks, p=protocol: _rewrite(p, c, _identity), events, repeat)  # type: ignore[misc]
        scan = _rate(lambda c=chunks, p=protocol: _rewrite(p, c, _scan), events, repeat)  # type: ignore[misc]
        rows.append([protocol, events, round(base), round(cheap), round(scan),
                     round(cheap / base, 3), round(scan / base, 3)])  # fmt: skip
        result[f"{protocol}.events_per_s.identity"] = cheap
        result[f"{protocol}.events_per_s.regex_scan"] = scan
        result[f"{protocol}.events_per_s.baseline"] = base
    guarded, guarded_events = guard_rate(2 if quick else 6, random.Random(5))
    result["openai.chat.events_per_s.guard"] = guarded
    rows.append(["openai.chat through the Guard", guarded_events, "", "", round(guarded), "",
                 ""])
    longest = max(len(v) for v in VALUES)
    rewriter = asyncio.run(_rewrite("openai.chat", _chunks(build("openai.chat", text)[0]), _scan))
    capitals = asyncio.run(
        _rewrite("openai.chat", _chunks(build("openai.chat", CAPITALS)[0]), _identity)
    )
    result.update(
        {
            "max_held.prose": rewriter.stats.max_held,
            "max_held.capitals_only": capitals.stats.max_held,
            "holdback.max_chars": HoldbackPolicy().max_chars,
            "longest_value": longest,
        }
    )
    result["table"] = {
        "columns": ["protocol", "events", "baseline ev/s", "identity ev/s", "regex scan ev/s",
                    "identity / baseline", "scan / baseline"],
        "rows": rows,
    }  # fmt: skip
    result["notes"] = [
        f"max hold-back {rewriter.stats.max_held} chars on prose (longest value {longest}); "
        f"{capitals.stats.max_held} chars on capitalised words only (a run of "
        f"{CAPITAL_RUN} is cut; bound for any text: max_chars {HoldbackPolicy().max_chars} + 1)",
        "baseline: parse SSE and write it back unchanged; deltas of 4 characters",
        f"through the real Guard (default policy, Detector on every segment, fresh answers "
        f"full of personal data): {guarded:,.0f} events per CPU second",
    ]
    return result
