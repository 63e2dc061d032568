"""The no-PII canary: many distinct personal values go through the proxy (plain, streamed,
blocked, failing, refused as bad input) with DEBUG logging captured, an in-memory span
exporter and metric reader, and a decision log file. None of the values appears in any
span, metric, log line or audit record."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from qorgan.audit.auditor import Auditor
from qorgan.audit.log import DecisionLog
from qorgan.audit.metrics import Metrics
from qorgan.detection.config import DetectionConfig
from qorgan.detection.decode import DecodingDetector
from qorgan.detection.engine import Detector
from qorgan.types import Finding

pytestmark = pytest.mark.anyio

N = 12
FAIL_MARK = "please-fail-detection"


def iin(serial: int) -> str:
    """A valid IIN (checksum per the published algorithm) for a 1990s birth date."""
    base = [int(c) for c in f"9{serial % 10}0{1 + serial % 9}1{serial % 10}3{serial:04d}"][:11]
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        check = sum(d * w for d, w in zip(base, weights, strict=True)) % 11
        if check != 10:
            return "".join(map(str, base)) + str(check)
    return iin(serial + 1000)


EMAILS = [f"canary.person{i}@mail{i}.example.kz" for i in range(N)]
IINS = [iin(i + 17) for i in range(N)]
PHONES = [f"+7701{5550000 + i * 37:07d}" for i in range(N)]
SUBJECTS = [f"subject-{iin(i + 600)}" for i in range(N)]
VALUES = [*EMAILS, *IINS, *PHONES, *SUBJECTS, "dana.ospanova@example.kz"]

POLICY = {
    "purposes": ["support", "marketing"],
    "rules": [
        {"id": "no-ids-for-marketing", "purposes": ["marketing"],
         "categories": ["national_id"], "action": "block"},
        {"id": "default", "action": "pseudonymize"},
    ],
}


class FlakyDetector(DecodingDetector):
    """Fails, quoting its input, whenever a text asks it to: the failure path is logged."""

    def analyze_batch(self, texts: Any) -> list[list[Finding]]:
        if any(FAIL_MARK in t for t in texts):
            raise RuntimeError(f"cannot analyse {list(texts)!r}")
        return super().analyze_batch(texts)


def flaky(config: DetectionConfig) -> Detector:
    return FlakyDetector(config, ner_backends=[])


@pytest.fixture
def telemetry() -> Iterator[tuple[InMemorySpanExporter, InMemoryMetricReader,
                                  TracerProvider, MeterProvider]]:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    yield exporter, reader, tracer_provider, meter_provider
    tracer_provider.shutdown()
    meter_provider.shutdown()


def chat(text: str, **extra: Any) -> dict[str, Any]:
    return {"model": "demo-echo", "messages": [{"role": "user", "content": text}], **extra}


async def test_no_personal_value_reaches_telemetry_logs_or_audit(
    make_stack: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    telemetry: tuple[InMemorySpanExporter, InMemoryMetricReader, TracerProvider,
                     MeterProvider],
) -> None:
    exporter, reader, tracer_provider, meter_provider = telemetry
    log_path = tmp_path / "decisions.jsonl"
    auditor = Auditor(log=DecisionLog(log_path, signing_key=None),
                      metrics=Metrics(meter_provider=meter_provider),
                      tracer_provider=tracer_provider)
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    statuses: dict[str, set[int]] = {}
    async with make_stack("proxy", policy=POLICY, auditor=auditor,
                          detector_factory=flaky) as stack:
        for i in range(N):
            who = {"x-qorgan-subject": SUBJECTS[i], "x-qorgan-purpose": "support",
                   "x-qorgan-conversation": "new"}
            text = f"I am {EMAILS[i]}, phone {PHONES[i]}, IIN {IINS[i]}."
            cases = {
                "plain": stack.post("chat/completions", chat(text), headers=who),
                "stream": stack.post("chat/completions", chat(text, stream=True), headers=who),
                "leaky": stack.post("chat/completions", {**chat(text), "model": "demo-leaky"},
                                    headers=who),
                "anthropic-stream": stack.post("messages", {
                    "model": "demo-echo", "max_tokens": 20, "stream": True,
                    "messages": [{"role": "user", "content": text}]}, headers=who),
                "blocked": stack.post("chat/completions", chat(text), headers={
                    **who, "x-qorgan-purpose": "marketing"}),
                "detector-fails": stack.post("chat/completions",
                                             chat(f"{text} {FAIL_MARK}"), headers=who),
                "bad-json": stack.post("chat/completions", content=json.dumps(
                    chat(text)).encode()[:-2], headers={"content-type": "application/json",
                                                        **who}),
                "bad-type": stack.post("chat/completions", {"model": "m", "messages": [
                    {"role": "system", "content": text}, {"role": "user", "content": 5}]},
                    headers=who),
                "model-field": stack.post("chat/completions", {**chat("hi"),
                                                               "model": EMAILS[i]}),
            }
            for name, call in cases.items():
                response = await call
                statuses.setdefault(name, set()).add(response.status_code)
    auditor.close()
    # every path was exercised as intended
    assert statuses["plain"] == statuses["stream"] == statuses["leaky"] == {200}
    assert statuses["blocked"] == {403}
    assert statuses["detector-fails"] == {503}
    assert statuses["bad-json"] == statuses["bad-type"] == {400}

    spans = exporter.get_finished_spans()
    assert len(spans) >= N * 7
    span_text = json.dumps([json.loads(s.to_json()) for s in spans], ensure_ascii=False)
    metrics = reader.get_metrics_data()
    assert metrics is not None
    metric_text = metrics.to_json()
    assert "qorgan.requests" in metric_text
    log_lines = [
        f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}"
        for r in caplog.records
    ]
    assert any("detector failed" in line for line in log_lines)
    audit_text = log_path.read_text("utf-8")
    assert audit_text.count("\n") >= N * 7

    for channel, text in [("span", span_text), ("metric", metric_text),
                          ("log", "\n".join(log_lines)), ("audit", audit_text)]:
        leaked = [v for v in VALUES if v in text]
        assert leaked == [], f"{channel} carries raw values: {len(leaked)}"
