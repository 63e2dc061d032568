"""``qorgan serve`` as an operator runs it: SIGTERM loses no span and no decision record,
every request has one outcome that span, metrics, decision log and report agree on, and a
fatal setting is one clean error.

The server is a real subprocess exporting OTLP/HTTP to a receiver in the test; nothing is
exported on a schedule while it runs, so every span received was flushed at shutdown.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import serve_process as sp
import traffic_fixtures as tf

pytestmark = pytest.mark.slow

ROUTE = "POST /v1/chat/completions"


@pytest.fixture
def receiver() -> Iterator[sp.OTLPReceiver]:
    r = sp.OTLPReceiver()
    yield r
    r.close()


def _chat(client: httpx.Client, url: str, text: str, request_id: str) -> httpx.Response:
    return client.post(url + "/v1/chat/completions", headers={"x-request-id": request_id},
                       json={"model": "demo-echo",
                             "messages": [{"role": "user", "content": text}]})


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_right_after_the_last_answer_loses_no_span_and_no_record(
    tmp_path: Path, receiver: sp.OTLPReceiver, workers: int
) -> None:
    n = 8
    serve = sp.start(tmp_path, receiver=receiver, workers=workers)
    try:
        for i in range(n):
            # a fresh connection each time, so that with two workers both serve some
            with httpx.Client(timeout=60) as fresh:
                response = _chat(fresh, serve.url, f"Write to {tf.EMAIL}, please",
                                 f"shut{i}x")
            assert response.status_code == 200, response.text
            assert tf.missing(response.json()["choices"][0]["message"]["content"],
                              [tf.EMAIL]) == []
        # the signal follows the last answer at once
        code = serve.terminate()
    finally:
        if serve.process.poll() is None:
            serve.process.kill()
    assert code == 0, serve.stderr.read_text()[-2000:]

    server_spans = receiver.received.named(ROUTE)
    assert sorted(sp.attributes(s)["http.response.status_code"] for s in server_spans) == \
        [200] * n
    assert len(receiver.received.named("chat demo-echo")) == n
    assert {"qorgan.requests", "gen_ai.client.operation.duration",
            "http.server.request.duration"} <= receiver.received.metric_names

    logs = serve.logs()
    assert len(logs) == workers  # one chain per worker (decisions.w0.jsonl, ...)
    total = 0
    for log in logs:
        done = sp.verify(log, tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        match = re.search(r"(\d+) records?", done.stdout)
        assert match is not None, done.stdout
        total += int(match.group(1))
    assert total == n
    exported = json.dumps([sp.attributes(s) for s in receiver.received.spans])
    assert tf.leaked([exported, serve.stderr.read_text()]) == []


def _stream_after_sigterm(serve: sp.Serve, model: str) -> tuple[bytes, int]:
    """Start a stream, send SIGTERM once its first event arrived, read what follows."""
    body = b""
    with httpx.Client(timeout=60) as client, client.stream(
        "POST", serve.url + "/v1/chat/completions", headers={"x-request-id": f"{model}0001"},
        json={"model": model, "stream": True,
              "messages": [{"role": "user", "content": "go on"}]},
    ) as response:
        chunks = response.iter_bytes()
        body += next(chunks)
        serve.process.send_signal(signal.SIGTERM)
        try:
            for chunk in chunks:
                body += chunk
        except httpx.HTTPError:
            pass  # cut off at the end of the grace period
    return body, serve.process.wait(timeout=90)


@pytest.mark.parametrize(
    ("model", "grace", "outcome"),
    [("demo-slow", "30", "transform"), ("demo-endless", "1", "client_disconnected")],
    ids=["drained", "cut-at-grace"],
)
def test_a_stream_under_way_at_sigterm_is_drained_within_the_grace(
    tmp_path: Path, receiver: sp.OTLPReceiver, model: str, grace: str, outcome: str
) -> None:
    """A stream under way when SIGTERM arrives runs to its end; one that outlasts the grace
    period is cancelled and recorded as client_disconnected. Either way the span and the
    record are there after the exit."""
    policy = tf.write_policy(tmp_path / "policy.yaml", OUTCOME_POLICY)
    serve = sp.start(tmp_path, receiver=receiver, policy=str(policy),
                     extra_args=("--shutdown-grace", grace))
    try:
        body, code = _stream_after_sigterm(serve, model)
    finally:
        if serve.process.poll() is None:
            serve.process.kill()
    assert code == 0, serve.stderr.read_text()[-2000:]
    assert body.rstrip().endswith(b"data: [DONE]") is (outcome != "client_disconnected")
    if outcome != "client_disconnected":
        assert body.count(b"part ") == sp.SLOW_EVENTS
    (log,) = serve.logs()
    (record,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert record["request_id"] == f"{model}0001"
    # the policy redacts nothing here, so a complete answer is allow; its stream was whole
    assert record["outcome"] == ("allow" if outcome == "transform" else outcome)
    (guard,) = receiver.received.named("qorgan.guard chat")
    assert sp.attributes(guard)["qorgan.decision"] == record["outcome"]
    assert len(receiver.received.named(ROUTE)) == 1
    assert sp.verify(log, tmp_path).returncode == 0


OUTCOME_POLICY = """\
version: 1
name: ops-outcomes
categories:
  national_id: [KZ_IIN]
  contact: [EMAIL_ADDRESS, PHONE_NUMBER]
rules:
  - id: national-id-never
    categories: [national_id]
    action: block
  - id: contact-redacted
    categories: [contact]
    action: redact
  - {id: default, action: redact}
"""


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}", 1)[0]))
        if all(have.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_each_outcome_agrees_across_span_metrics_log_and_report(
    tmp_path: Path, receiver: sp.OTLPReceiver
) -> None:
    policy = tf.write_policy(tmp_path / "policy.yaml", OUTCOME_POLICY)
    serve = sp.start(tmp_path, receiver=receiver, policy=str(policy))
    ids = {k: f"{k.replace('_', '')}0001" for k in
           ("allow", "transform", "block", "error", "client_disconnected")}
    try:
        with httpx.Client(timeout=60) as client:
            assert _chat(client, serve.url, "hello there", ids["allow"]).status_code == 200
            assert _chat(client, serve.url, f"mail {tf.EMAIL}",
                         ids["transform"]).status_code == 200
            blocked = _chat(client, serve.url, f"my IIN is {tf.IIN}", ids["block"])
            assert blocked.status_code == 403
            assert blocked.json()["error"]["code"] == "policy_blocked"
            bad = client.post(serve.url + "/v1/chat/completions", content=b"{not json",
                              headers={"content-type": "application/json",
                                       "x-request-id": ids["error"]})
            assert bad.status_code == 400
            with client.stream("POST", serve.url + "/v1/chat/completions",
                               headers={"x-request-id": ids["client_disconnected"]},
                               json={"model": "demo-endless", "stream": True,
                                     "messages": [{"role": "user", "content": "go on"}]}) as r:
                assert r.status_code == 200
                next(r.iter_bytes())  # the first event, then the client hangs up
            deadline = time.monotonic() + 30
            metrics = ""
            while time.monotonic() < deadline:
                metrics = client.get(serve.url + "/metrics").text
                # the abandoned stream's SERVER-span metric lands a moment after its
                # decision is counted: wait for both
                if _metric(metrics, "qorgan_requests_total") >= 5 and _metric(
                    metrics, "http_server_request_duration_seconds_count",
                    http_route="/v1/chat/completions",
                ) >= 5:
                    break
                time.sleep(0.1)
        code = serve.terminate()
    finally:
        if serve.process.poll() is None:
            serve.process.kill()
    assert code == 0, serve.stderr.read_text()[-2000:]

    # metrics: one request per outcome, and the block counted as a block
    for outcome in ids:
        assert _metric(metrics, "qorgan_requests_total", decision=outcome) == 1, outcome
    assert _metric(metrics, "qorgan_blocks_total", rule_id="national-id-never") == 1
    assert _metric(metrics, "gen_ai_client_operation_duration_seconds_count",
                   gen_ai_provider_name="openai") >= 3
    assert _metric(metrics, "http_server_request_duration_seconds_count",
                   http_route="/v1/chat/completions") == 5
    assert "process_resident_memory_bytes" in metrics
    assert "python_gc_objects_collected_total" in metrics

    # spans, decision log and the per-request log line, request by request
    guard = {sp.attributes(s)["qorgan.request_id"]: sp.attributes(s)
             for s in receiver.received.named("qorgan.guard chat")}
    (log,) = serve.logs()
    records = {json.loads(line)["request_id"]: json.loads(line)
               for line in log.read_text(encoding="utf-8").splitlines()}
    lines = {line["request_id"]: line for line in serve.log_lines()
             if line.get("logger") == "qorgan.request"}
    for outcome, request_id in ids.items():
        assert guard[request_id]["qorgan.decision"] == outcome
        assert records[request_id]["outcome"] == outcome
        assert lines[request_id]["outcome"] == outcome
    assert records[ids["block"]]["status"] == 403
    assert records[ids["client_disconnected"]]["status"] == 200
    assert records[ids["client_disconnected"]]["error_code"] == "client_disconnected"
    assert lines[ids["block"]]["rules"] == ["national-id-never"]

    # and the report a security team reads
    report = tmp_path / "report.html"
    subprocess.run([sys.executable, "-m", "qorgan", "audit", "report", str(log), "--out",
                    str(report)], check=True, capture_output=True, timeout=120)
    html = report.read_text(encoding="utf-8")
    for label in ("blocked", "transformed", "allowed", "errors", "client disconnected"):
        match = re.search(rf'data-metric="{label}">(\d+)<', html)
        assert match is not None, label
        assert int(match.group(1)) == 1, label
    exported = json.dumps([sp.attributes(s) for s in receiver.received.spans])
    assert tf.leaked([exported, serve.stderr.read_text(), metrics, html]) == []


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "QORGAN_MASTER_KEY"),
        ({"QORGAN_MASTER_KEY": sp.MASTER_KEY_HEX, "OTEL_TRACES_EXPORTER": "zipkin"},
         "OTEL_TRACES_EXPORTER"),
        ({"QORGAN_MASTER_KEY": sp.MASTER_KEY_HEX, "QORGAN_AUDIT_KEY_FILE": "/nonexistent/k",
          "QORGAN_AUDIT_LOG": "/tmp/qorgan-never-written/decisions.jsonl"},
         "/nonexistent/k"),
        ({"QORGAN_MASTER_KEY": sp.MASTER_KEY_HEX, "QORGAN_POLICY": "builtin:no-such-policy"},
         "no-such-policy"),
    ],
    ids=["master-key", "otel-exporter", "audit-key", "policy"],
)
def test_a_fatal_setting_with_two_workers_is_one_clean_error(
    env: dict[str, str], named: str
) -> None:
    port = tf.free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "QORGAN_"))}
    done = subprocess.run(
        [sys.executable, "-m", "qorgan", "serve", "--upstream", "http://127.0.0.1:9/v1",
         "--port", str(port), "--workers", "2"],
        env={**clean, **env}, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, done.stderr
    assert named in errors[0]
    assert "Traceback" not in done.stderr
    assert _port_free(port)


def test_version() -> None:
    from qorgan._version import __version__

    done = subprocess.run([sys.executable, "-m", "qorgan", "--version"], capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip() == f"qorgan {__version__}"
