"""What the request's telemetry costs beside the work it describes.

- The stream tap (``qorgan.audit.genai.StreamMeta``) reads each upstream SSE chunk for the
  response's id, model, finish reasons and usage. Baseline: the least the stream rewriter
  itself does per event, SSE parsing plus one JSON parse.
- The per-request log line (``qorgan.audit.requests.log_request``), formatted as JSON,
  against building the audit record it is made from (which every request does anyway).

CPU time (``process_time``), best of several runs; measured only, nothing here asserts a
target.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from qorgan.audit.genai import StreamMeta
from qorgan.audit.logfmt import formatter
from qorgan.audit.record import AuditRecord
from qorgan.audit.requests import log_request
from qorgan.decision import Decision, FindingDecision
from qorgan.protocols.sse import SSEParser
from qorgan.streaming._base import loads_object
from qorgan.types import Action, Finding


def _best(fn: Callable[[], object], runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def _stream(events: int) -> list[bytes]:
    raw = "".join(
        "data: " + json.dumps({
            "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
            "model": "gpt-4o",
            "choices": [{"index": 0, "delta": {"content": f"word{i} "}, "finish_reason": None}],
        }) + "\n\n"
        for i in range(events)
    ).encode()
    return [raw[i:i + 512] for i in range(0, len(raw), 512)]


def _record() -> AuditRecord:
    findings = tuple(
        FindingDecision(Finding("EMAIL_ADDRESS", i * 10, i * 10 + 8, 0.9), 0,
                        Action.PSEUDONYMIZE, "personal-data-pseudonymized", category="contact")
        for i in range(5)
    )
    decision = Decision(findings, "default", "a" * 64)
    return AuditRecord.from_decisions(
        request_decision=decision, request_id="0f8fad5b-d9cb-469f-a165-70867728950e",
        route="chat/completions", operation="chat", provider="openai",
        principal_id="anonymous", model="gpt-4o", status=200, latency_ms=4.2)


class _Null(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(formatter("json"))

    def emit(self, record: logging.LogRecord) -> None:
        self.format(record)


def run(quick: bool) -> dict[str, Any]:
    events = 2_000 if quick else 20_000
    runs = 3 if quick else 7
    chunks = _stream(events)

    def tap() -> None:
        meta = StreamMeta()
        for chunk in chunks:
            meta.feed(chunk)
        meta.close()

    def parse() -> None:
        parser = SSEParser(max_line=1 << 20, max_event=8 << 20)
        for chunk in chunks:
            for item in parser.feed(chunk):
                data = getattr(item, "data", None)
                if data and data.strip() != "[DONE]":
                    loads_object(data)

    tap_us = _best(tap, runs) * 1e6 / events
    parse_us = _best(parse, runs) * 1e6 / events

    lines = 1_000 if quick else 10_000
    logger = logging.getLogger("qorgan.request")
    handler = _Null()
    logger.addHandler(handler)
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.INFO)
    logger.propagate = False
    stages = {"detect": 0.004, "decide": 0.0001, "upstream": 0.2, "total": 0.21}
    record = _record()
    try:
        line_us = _best(lambda: [log_request(record, stages) for _ in range(lines)],
                        runs) * 1e6 / lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    record_us = _best(lambda: [_record() for _ in range(lines)], runs) * 1e6 / lines
    rows: list[list[Any]] = [
        ["stream tap, per event", round(tap_us, 3), "SSE parse + JSON", round(parse_us, 3),
         round(tap_us / parse_us, 3)],
        ["JSON log line, per request", round(line_us, 3),
         "building the request's audit record", round(record_us, 3),
         round(line_us / record_us, 3)],
    ]
    return {
        "name": "telemetry",
        "title": "Telemetry cost (CPU µs)",
        "rows": rows,
        "table": {"columns": ["what", "µs", "baseline", "baseline µs", "ratio"], "rows": rows},
        "stream_tap_us_per_event": tap_us,
        "log_line_us": line_us,
        "notes": [f"{events} chat chunks in 512-byte reads; {lines} log lines",
                  "ratio: telemetry over its baseline"],
    }
