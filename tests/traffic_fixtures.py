"""Real servers on loopback for the traffic tests: DemoUpstream and the proxy under uvicorn.

Test modules load this file by path (the tests folder is not a package). Servers and
runtimes are process-wide: the spaCy/slovnet models load once, and every module reuses the
same upstream. Each server runs uvicorn in a daemon thread on a free port.
"""

from __future__ import annotations

import atexit
import json
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from qorgan.demo.upstream import DemoUpstream, Recorded
from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.engine import Detector
from qorgan.edges.proxy import ProxyApp
from qorgan.pipeline import Runtime
from qorgan.settings import Settings
from qorgan.types import ASGIApp

MASTER_KEY = bytes(range(32))

# Personal values every test sends; none may reach an upstream in the clear.
NAME = "Aigerim Serikova"
IIN = "901123300258"
BIN = "940140000385"
IBAN = "KZ86125KZT5004100100"
EMAIL = "aigerim.serikova@mail.kz"
PHONE = "+7 701 234 56 78"
SECRET = "sk-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7j"
VALUES = (NAME, IIN, BIN, IBAN, EMAIL, PHONE, SECRET)
#: what must never leave a check for any of VALUES (parts an upstream could still use)
FRAGMENTS = (NAME, "Serikova", IIN, BIN, IBAN, EMAIL, "aigerim.serikova", PHONE,
             "701 234 56 78", SECRET)
#: a message carrying every value once
MESSAGE = (f"My name is {NAME}, IIN {IIN}, company BIN {BIN}, IBAN {IBAN}, "
           f"email {EMAIL}, phone {PHONE}, api key {SECRET}.")
#: the demo model's memorized person: must never reach a client, not even a prefix
LEAK_FRAGMENTS = ("Dana Ospanova", "Ospanova", "dana.osp", "dana.ospanova@example.kz")


@dataclass
class Server:
    app: ASGIApp
    port: int
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(app: ASGIApp, *, lifespan: str = "on") -> Server:
    """Run ``app`` under uvicorn on a free loopback port until the process ends."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan=lifespan, access_log=False)
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    handle = Server(app, port, server, thread)
    atexit.register(handle.stop)
    return handle


_lock = threading.Lock()
_demo: tuple[DemoUpstream, Server] | None = None
_detectors: dict[str, Detector] = {}


def demo() -> tuple[DemoUpstream, Server]:
    """The shared DemoUpstream and its server (started on first use)."""
    global _demo
    with _lock:
        if _demo is None:
            upstream = DemoUpstream(max_records=1_000_000)
            _demo = (upstream, serve(upstream))
        return _demo


def shared_detector(config: DetectionConfig) -> Detector:
    """One detector per configuration for the whole process."""
    with _lock:
        detector = _detectors.get(config.fingerprint)
        if detector is None:
            detector = build_detector(config)
            _detectors[config.fingerprint] = detector
        return detector


def runtime(policy: str | Path = "builtin:default", **settings: Any) -> Runtime:
    settings.setdefault("master_key", MASTER_KEY)
    settings.setdefault("upstream", demo()[1].url + "/v1")
    return Runtime.from_settings(Settings(policy=str(policy), **settings),
                                 detector_factory=shared_detector)


def proxy(policy: str | Path = "builtin:default", **settings: Any) -> tuple[ProxyApp, Server]:
    """A proxy over a fresh runtime, served on loopback."""
    app = ProxyApp(runtime(policy, **settings))
    return app, serve(app)


def write_policy(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def received(upstream: DemoUpstream, since: int) -> list[Recorded]:
    return upstream.received[since:]


def leaked(texts: Iterable[str], fragments: Iterable[str] = FRAGMENTS) -> list[str]:
    """The fragments found in any of ``texts`` (an empty list is the goal)."""
    joined = "\n".join(texts)
    return [f for f in fragments if f in joined]


def bodies(records: Iterable[Recorded]) -> list[str]:
    """Request bodies as the upstream saw them, JSON escapes undone."""
    out: list[str] = []
    for record in records:
        raw = record.body.decode("utf-8")
        out.append(raw)
        if raw:
            out.append(json.dumps(json.loads(raw), ensure_ascii=False))
    return out


def missing(text: str, values: Iterable[str] = VALUES) -> list[str]:
    """The values not found in ``text`` (the client must get its own values back)."""
    return [v for v in values if v not in text]


@dataclass
class ProxyClient:
    """A client of one proxy on loopback, and the upstream that proxy forwards to."""

    upstream: Any
    url: str
    client: httpx.Client

    def post(self, route: str, body: Any, **headers: str) -> httpx.Response:
        return self.client.post(self.url + "/v1/" + route, json=body,
                                headers={k.replace("_", "-"): v for k, v in headers.items()})

    def chat(self, text: str, **headers: str) -> httpx.Response:
        return self.post("chat/completions", {
            "model": "demo-echo", "messages": [{"role": "user", "content": text}]}, **headers)

    def last(self) -> Any:
        return self.upstream.received[-1]


def answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    content: str = response.json()["choices"][0]["message"]["content"]
    return content


def sent_text(record: Any) -> str:
    body = record.json()
    return str(body["messages"][-1]["content"])
