"""The baseline: a pass-through proxy on the same stack as qorgan, and the server launcher.

``PassthroughApp`` is what ``qorgan serve`` would be without the Guard: the same uvicorn
server, the same pure-ASGI body reading and response writing (``qorgan.asgi``), the same
pooled httpx client and upstream forwarding (``qorgan.proxy.HttpxUpstream``) and the same
hop-by-hop header filtering. Whatever the benchmarks measure beyond it is the Guard.

The helpers below start the demo upstream, this baseline and ``qorgan serve`` as separate
processes on 127.0.0.1, so the measuring client never shares a GIL with a server.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from qorgan.edges.asgi import request_headers, send_json, send_response
from qorgan.edges.bodies import read_asgi_body
from qorgan.edges.upstream import HttpxUpstream
from qorgan.errors import QorganError
from qorgan.pipeline import GuardResponse, UpstreamRequest, error_response
from qorgan.pipeline.forward import allowed_headers
from qorgan.pipeline.guard import _DROP_RESPONSE_HEADERS
from qorgan.pipeline.payload import media_type
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.loader import load_policy
from qorgan.providers import REGISTRY
from qorgan.types import Receive, Scope, Send

log = logging.getLogger("benchmarks.passthrough")
_FORWARDED = frozenset(allowed_headers(PolicyEngine(load_policy("builtin:default")),
                                       REGISTRY.default))
ROOT = Path(__file__).resolve().parent.parent
UPSTREAM_ENV = "QORGAN_BENCH_UPSTREAM"
#: the default policy's traffic.max_body_bytes, so both proxies refuse the same bodies
MAX_BODY = 1024 * 1024


class PassthroughApp:
    """Forwards ``/v1/<route>`` to ``<upstream>/<route>`` unchanged (headers filtered)."""

    def __init__(self, upstream: str, *, prefix: str = "/v1") -> None:
        # the same client settings as ProxyApp, so pooling behaves the same
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(120.0, connect=5.0),
            limits=httpx.Limits(max_connections=512, max_keepalive_connections=64),
            follow_redirects=False,
            trust_env=False,
        )
        self.upstream = HttpxUpstream(upstream, self.client)
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            await send({"type": "lifespan.startup.complete"})
            while message["type"] != "lifespan.shutdown":
                message = await receive()
            await self.client.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path == "/healthz":
            await send_json(send, 200, {"status": "ok"})
            return
        if not path.startswith(self.prefix + "/"):
            await send_json(send, 404, {"error": {"code": "not_found"}})
            return
        try:
            body = await read_asgi_body(receive, MAX_BODY)
        except QorganError as exc:
            await send_response(send, error_response(exc))
            return
        # the same allow-list qorgan forwards (without its value checks and credentials)
        headers = {k: v for k, v in request_headers(scope).items()
                   if k in _FORWARDED or k == "authorization"}
        headers["accept-encoding"] = "identity"
        request = UpstreamRequest(
            method=scope["method"], route=path[len(self.prefix) + 1:], headers=headers,
            body=body, stream=False, query=scope.get("query_string", b"").decode("latin-1"),
        )
        try:
            response = await self.upstream(request)
        except QorganError as exc:
            log.warning("upstream failed: %s (%s)", exc.code, type(exc.__cause__).__name__)
            await send_response(send, error_response(exc))
            return
        out = [(k.lower(), v) for k, v in response.headers
               if k.lower() not in _DROP_RESPONSE_HEADERS]
        answer, chunks = response.body, response.chunks
        content_type = next((v for k, v in out if k == "content-type"), "")
        if chunks is not None and media_type(content_type) != "text/event-stream":
            # like the Guard: a whole body is read, then sent with its length
            answer, chunks = b"".join([chunk async for chunk in chunks]), None
        await send_response(send, GuardResponse(response.status, out, answer, chunks), receive)


def create_app() -> PassthroughApp:
    """The uvicorn factory: the upstream comes from ``QORGAN_BENCH_UPSTREAM``."""
    return PassthroughApp(os.environ[UPSTREAM_ENV])


# -- server processes ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    url: str  #: the API base, ``http://127.0.0.1:PORT/v1``
    process: subprocess.Popen[bytes]
    log: Path
    workers: int = 1
    pids: list[int] = field(default_factory=list)

    def worker_pids(self) -> list[int]:
        """The processes serving requests: the server itself, or uvicorn's workers."""
        kids = [pid for pid in _children(self.process.pid)
                if "resource_tracker" not in _cmdline(pid)]
        return kids or [self.process.pid]

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the serving processes."""
        return sum(_cpu_seconds(pid) for pid in self.pids or self.worker_pids())

    def peak_rss_mb(self) -> list[float]:
        """VmHWM (peak resident set) of each serving process, in MiB."""
        return [_vmhwm_kib(pid) / 1024 for pid in self.pids or self.worker_pids()]


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may hold spaces; the parent pid is the 2nd field after it
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(entry.name))
    return sorted(kids)


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _cpu_seconds(pid: int) -> float:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return float("nan")
    fields = stat.rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of stat(5), counted after the command name
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _vmhwm_kib(pid: int) -> float:
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return float("nan")


def _uvicorn(target: str, port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", target, "--factory", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--log-level", "info",
            "--no-access-log"]


@contextmanager
def serve(kind: str, *, upstream: str = "", workers: int = 1,
          ready_timeout: float = 120.0) -> Iterator[Server]:
    """Run ``upstream`` (the demo model), ``passthrough`` or ``qorgan`` until the block ends."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), UPSTREAM_ENV: upstream}
    if kind == "upstream":
        cmd = _uvicorn("qorgan.demo.upstream:DemoUpstream", port, workers)
        probe = "/v1/models"
    elif kind == "passthrough":
        cmd = _uvicorn("benchmarks.passthrough:create_app", port, workers)
        probe = "/healthz"
    elif kind == "qorgan":
        # several workers must share one key; a fresh one per run is enough here
        env["QORGAN_MASTER_KEY"] = secrets.token_hex(32)
        cmd = [sys.executable, "-m", "qorgan", "serve", "--upstream", upstream, "--port",
               str(port), "--workers", str(workers), "--log-level", "info"]
        probe = "/healthz"
    else:
        raise ValueError(f"unknown server kind {kind!r}")
    log = Path(tempfile.gettempdir()) / f"qorgan-bench-{kind}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
    server = Server(kind, f"http://127.0.0.1:{port}/v1", process, log, workers)
    try:
        _wait_ready(server, f"http://127.0.0.1:{port}{probe}", ready_timeout)
        server.pids = server.worker_pids()
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_STARTED = "Application startup complete"


def _wait_ready(server: Server, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(trust_env=False, timeout=2.0) as client:
        while time.monotonic() < deadline:
            log = server.log.read_text(errors="replace")
            if server.process.poll() is not None:
                raise RuntimeError(f"{server.name} exited during start-up:\n{log[-2000:]}")
            # one worker answering is not all of them: each logs its own start-up
            if log.count(_STARTED) >= server.workers:
                try:
                    if client.get(url).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
            time.sleep(0.25)
    raise RuntimeError(f"{server.name} did not become ready in {timeout:.0f} s")
