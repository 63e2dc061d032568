"""A program using a sync SDK client over the guard transport exits by itself, without an
explicit ``close()``: no portal or thread is left alive at interpreter exit.

Each client runs in a subprocess against the shared DemoUpstream on loopback; the timeout
is the liveness check (a hang fails the test instead of blocking the suite).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import traffic_fixtures as tf

OPENAI = """
import httpx, openai
from qorgan.transport import GuardTransport
from qorgan.settings import Settings

transport = GuardTransport(policy="builtin:default",
                           settings=Settings(master_key=bytes(range(32))))
client = openai.OpenAI(base_url=URL + "/v1", api_key="k", max_retries=0,
                       http_client=httpx.Client(transport=transport))
answer = client.chat.completions.create(
    model="demo-echo", messages=[{"role": "user", "content": MESSAGE}])
print("whole:", answer.choices[0].message.content)
parts = client.chat.completions.create(
    model="demo-echo", stream=True, messages=[{"role": "user", "content": MESSAGE}])
print("stream:", "".join(c.choices[0].delta.content or "" for c in parts if c.choices))
"""

ANTHROPIC = """
import anthropic, httpx2
from qorgan.transport_httpx2 import Httpx2GuardTransport
from qorgan.settings import Settings

transport = Httpx2GuardTransport(policy="builtin:default",
                                 settings=Settings(master_key=bytes(range(32))))
client = anthropic.Anthropic(base_url=URL, api_key="k", max_retries=0,
                             http_client=httpx2.Client(transport=transport))
answer = client.messages.create(model="demo-echo", max_tokens=64,
                                messages=[{"role": "user", "content": MESSAGE}])
print("whole:", answer.content[0].text)
with client.messages.stream(model="demo-echo", max_tokens=64,
                            messages=[{"role": "user", "content": MESSAGE}]) as stream:
    print("stream:", "".join(stream.text_stream))
"""


@pytest.mark.slow
@pytest.mark.parametrize("script", [OPENAI, ANTHROPIC], ids=["openai", "anthropic"])
def test_a_sync_client_exits_without_close(script: str) -> None:
    _, server = tf.demo()
    program = f"URL = {server.url!r}\nMESSAGE = {tf.MESSAGE!r}\n" + textwrap.dedent(script)
    try:
        done = subprocess.run([sys.executable, "-c", program], capture_output=True,
                              text=True, timeout=180, check=False)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the client did not exit by itself: {exc.stdout!r} {exc.stderr!r}")
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    # both answers came back through the guard, with the caller's own values restored
    for kind in ("whole", "stream"):
        assert tf.missing(lines[kind]) == [], (kind, done.stdout)
