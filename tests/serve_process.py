"""A real ``qorgan serve`` process for the operations tests, an OTLP/HTTP receiver that
decodes what it is sent with ``opentelemetry-proto``, and an upstream whose ``*-endless``
streams go on until the caller hangs up.

Test modules import this file by name (``pythonpath`` includes the tests folder).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import httpx
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

import traffic_fixtures as tf
from qorgan.demo.upstream import DemoUpstream
from qorgan.types import Receive, Scope, Send

MASTER_KEY_HEX = tf.MASTER_KEY.hex()


@dataclass
class Received:
    spans: list[trace_pb2.Span] = field(default_factory=list)
    metric_names: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def named(self, name: str) -> list[trace_pb2.Span]:
        with self.lock:
            return [s for s in self.spans if s.name == name]


def _attrs(span: trace_pb2.Span) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in span.attributes:
        value = kv.value
        kind = value.WhichOneof("value")
        if kind == "array_value":
            out[kv.key] = [getattr(v, v.WhichOneof("value")) for v in value.array_value.values]
        elif kind is not None:
            out[kv.key] = getattr(value, kind)
    return out


attributes = _attrs


class OTLPReceiver:
    """``/v1/traces`` and ``/v1/metrics`` over HTTP with protobuf bodies, on loopback."""

    def __init__(self) -> None:
        self.received = Received()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if self.path == "/v1/traces":
                    request = trace_service_pb2.ExportTraceServiceRequest()
                    request.ParseFromString(body)
                    with received.lock:
                        for rs in request.resource_spans:
                            for ss in rs.scope_spans:
                                received.spans.extend(ss.spans)
                    reply = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
                elif self.path == "/v1/metrics":
                    metrics = metrics_service_pb2.ExportMetricsServiceRequest()
                    metrics.ParseFromString(body)
                    with received.lock:
                        for rm in metrics.resource_metrics:
                            for sm in rm.scope_metrics:
                                received.metric_names.update(m.name for m in sm.metrics)
                    reply = metrics_service_pb2.ExportMetricsServiceResponse().SerializeToString()
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class EndlessUpstream:
    """The DemoUpstream, except that a streamed ``*-endless`` model sends events every
    ``pause`` seconds until the caller hangs up (bounded), and a ``*-slow`` one sends
    ``SLOW_EVENTS`` of them ``pause`` apart and then ends properly."""

    def __init__(self, inner: DemoUpstream, pause: float = 0.05) -> None:
        self.inner = inner
        self.pause = pause

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.inner(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        model = str(json.loads(body or b"{}").get("model", ""))
        if model.endswith("-slow"):
            await self._slow(send)
            return
        if not model.endswith("-endless"):
            replayed = False

            async def replay() -> Any:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.inner(scope, replay, send)
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
        with anyio.move_on_after(120):
            async with anyio.create_task_group() as tg:

                async def hang_up() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    tg.cancel_scope.cancel()

                tg.start_soon(hang_up)
                while True:
                    event = {"id": "chatcmpl-endless", "model": "demo-endless",
                             "choices": [{"index": 0, "delta": {"content": "and more "}}]}
                    await send({"type": "http.response.body", "more_body": True,
                                "body": f"data: {json.dumps(event)}\n\n".encode()})
                    await anyio.sleep(self.pause)


    async def _slow(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
        for i in range(SLOW_EVENTS):
            event = {"id": "chatcmpl-slow", "model": "demo-slow",
                     "choices": [{"index": 0, "delta": {"content": f"part {i}. "},
                                  "finish_reason": None}]}
            await send({"type": "http.response.body", "more_body": True,
                        "body": f"data: {json.dumps(event)}\n\n".encode()})
            await anyio.sleep(self.pause)
        last = {"id": "chatcmpl-slow", "model": "demo-slow",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        await send({"type": "http.response.body", "more_body": False,
                    "body": f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n".encode()})


SLOW_EVENTS = 40
_upstream: tf.Server | None = None


def upstream() -> tf.Server:
    global _upstream
    if _upstream is None:
        _upstream = tf.serve(EndlessUpstream(DemoUpstream(max_records=100_000)))
    return _upstream


@dataclass
class Serve:
    process: subprocess.Popen[bytes]
    port: int
    stderr: Path
    audit_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def terminate(self, timeout: float = 90) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def log_lines(self) -> list[dict[str, Any]]:
        out = []
        for line in self.stderr.read_text(encoding="utf-8").splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    def logs(self) -> list[Path]:
        return sorted(self.audit_dir.glob("decisions*.jsonl"))


def start(tmp: Path, *, receiver: OTLPReceiver, policy: str = "builtin:default",
          workers: int = 1, extra_env: dict[str, str] | None = None,
          extra_args: tuple[str, ...] = ()) -> Serve:
    """``qorgan serve`` on a free port, exporting to ``receiver``; returns once ready."""
    port = tf.free_port()
    key = tmp / "audit.key"
    if not key.exists():
        subprocess.run([sys.executable, "-m", "qorgan", "audit", "keygen", "--out", str(key)],
                       check=True, capture_output=True, timeout=60)
    audit_dir = tmp / "audit"
    audit_dir.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "QORGAN_"))}
    env.update({
        "QORGAN_MASTER_KEY": MASTER_KEY_HEX,
        "QORGAN_LOG_FORMAT": "json",
        "QORGAN_DETECT_WORKERS": "1",
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
        # nothing is exported on a schedule during the test: what arrives, the shutdown sent
        "OTEL_BSP_SCHEDULE_DELAY": "600000",
        "OTEL_METRIC_EXPORT_INTERVAL": "600000",
    })
    env.update(extra_env or {})
    stderr = tmp / f"serve-{port}.log"
    with stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "qorgan", "serve", "--upstream", upstream().url + "/v1",
             "--port", str(port), "--policy", policy, "--workers", str(workers), "--metrics",
             "--audit-log", str(audit_dir / "decisions.jsonl"), "--audit-key-file", str(key),
             *extra_args],
            env=env, stdout=subprocess.DEVNULL, stderr=err)
    serve = Serve(process, port, stderr, audit_dir)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"qorgan serve exited: {stderr.read_text()[-2000:]}")
        try:
            if httpx.get(serve.url + "/readyz", timeout=2).status_code == 200:
                return serve
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("qorgan serve did not become ready")


def verify(log: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qorgan", "audit", "verify", str(log),
                           "--pubkey", str(tmp / "audit.key")],
                          capture_output=True, text=True, timeout=120, check=False)
