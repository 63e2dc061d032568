"""``qorgan demo``: the sidecar in front of the demo model, shown side by side.

Starts the demo upstream and the proxy on free loopback ports, sends requests carrying
personal data (English, Russian, Kazakh, mixed in one prompt) and prints, for each, what the
client sent, what the upstream received and what the client got back.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from qorgan.demo.upstream import DemoUpstream
from qorgan.edges.proxy import ProxyApp
from qorgan.pipeline import Runtime
from qorgan.settings import Settings


@dataclass(frozen=True)
class DemoCase:
    title: str
    route: str
    body: dict[str, Any]
    conversation: str


def demo_cases() -> list[DemoCase]:
    conversation = "demo-" + secrets.token_hex(4)
    return [
        DemoCase(
            "English chat with Kazakh identifiers",
            "chat/completions",
            {"model": "demo-echo", "messages": [{"role": "user", "content": (
                "Please draft a letter to Aigerim Serikova (IIN 901123300258, phone "
                "+7 701 234 56 78, aigerim.serikova@mail.kz) about IBAN "
                "KZ86125KZT5004100100.")}]},
            conversation,
        ),
        DemoCase(
            "Kazakh, Russian and English in one prompt",
            "chat/completions",
            {"model": "demo-echo", "messages": [
                {"role": "system", "content": "You are a bank support assistant."},
                {"role": "user", "content": (
                    "Сәлеметсіз бе! Менің атым Ержан Қасымов, ЖСН 850101300124. "
                    "Клиент Иван Петров из Алматы просит перезвонить на 8 (747) 123-45-67. "
                    "Please reply in English.")}]},
            conversation,
        ),
        DemoCase(
            "Streaming, and a model that reveals a person it was never told about",
            "chat/completions",
            {"model": "demo-leaky", "stream": True, "messages": [{"role": "user", "content": (
                "Remind Aigerim Serikova that token ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz "
                "must be rotated.")}]},
            conversation,
        ),
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def serve_in_thread(app: Any, port: int) -> Iterator[uvicorn.Server]:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("demo server did not start")
        time.sleep(0.05)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _stream_text(raw: str) -> str:
    """The text of an OpenAI chat stream: the deltas joined."""
    out: list[str] = []
    for line in raw.splitlines():
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        event = json.loads(line[6:])
        for choice in event.get("choices", []):
            out.append(choice.get("delta", {}).get("content") or "")
    return "".join(out)


def _user_text(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content")) for m in body.get("messages", []))


def run_demo(console: Console | None = None, *, policy: str = "builtin:default") -> int:
    console = console or Console()
    upstream = DemoUpstream()
    up_port, proxy_port = _free_port(), _free_port()
    settings = Settings(policy=policy, upstream=f"http://127.0.0.1:{up_port}/v1",
                        port=proxy_port, master_key=secrets.token_bytes(32))
    console.print(Panel.fit(
        f"[bold]qorgan demo[/]: policy [cyan]{policy}[/], demo model on "
        f"127.0.0.1:{up_port}, guard on 127.0.0.1:{proxy_port}\n"
        "Loading the detection models (spaCy English, slovnet Russian, Kazakh lists)...",
        border_style="blue"))
    proxy = ProxyApp(Runtime.from_settings(settings))
    with serve_in_thread(upstream, up_port), serve_in_thread(proxy, proxy_port), \
            httpx.Client(base_url=f"http://127.0.0.1:{proxy_port}/v1", timeout=60) as client:
        for case in demo_cases():
            upstream.received.clear()
            headers = {"X-Qorgan-Conversation": case.conversation}
            started = time.perf_counter()
            response = client.post(case.route, json=case.body, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if case.body.get("stream"):
                answer = _stream_text(response.text)
            else:
                data = response.json()
                answer = (data["choices"][0]["message"]["content"]
                          if response.status_code == 200 else json.dumps(data))
            seen = upstream.received[-1].json() if upstream.received else {}
            table = Table(show_lines=True, expand=True)
            table.add_column("the client sent", ratio=1)
            table.add_column("the model received", ratio=1)
            table.add_column("the client got back", ratio=1)
            table.add_row(Text(_user_text(case.body)), Text(_user_text(seen), style="yellow"),
                          Text(answer, style="green"))
            label = response.headers.get("x-ai-generated", "-")
            console.print(Panel(table, title=f"[bold]{case.title}[/]", subtitle=(
                f"HTTP {response.status_code} · X-AI-Generated: {label} · {elapsed:.0f} ms"),
                border_style="blue"))
    console.print("Placeholders such as <PERSON_1> are what the model saw; the caller got its "
                  "own values back. Values the model produced on its own were treated by the "
                  "policy and never restored.")
    return 0
