"""Several replicas, one truth: two real ``qorgan serve`` processes share Redis and PostgreSQL.

Both replicas run the same policy and master key; each has its own port, decision log and
signing key, as two Pods of the gateway Deployment do (``deploy/kubernetes``). The test
talks to them through a small round-robin that takes a replica out when it stops
accepting connections, as a Service does once the readiness probe fails. The upstream is
DemoUpstream in this process, recording what it receives; some models are paced so that a
stream is still under way when a replica is killed or stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import anyio
import httpx
import pytest

from qorgan.demo.upstream import DemoUpstream
from qorgan.types import Receive, Scope, Send
from traffic_fixtures import EMAIL, IBAN, IIN, NAME, PHONE, SECRET, free_port, leaked, serve

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

AGENT_KEY = "replica-agent-key"
ADMIN_KEY = "replica-admin-key"
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")
#: values of the conversations below (no national id: that one needs cross-border consent)
VALUES = (NAME, EMAIL, PHONE, IBAN, SECRET)
FRAGMENTS = (NAME, "Serikova", IIN, IBAN, EMAIL, "aigerim.serikova", PHONE, "701 234 56 78",
             SECRET)
CONSENT_TTL = 1.0  # seconds: a withdrawal reaches the other replica within it
#: bounds for polling: far above what the assertions need, only there so a failure ends
DEADLINE = 60.0

POLICY = f"""
version: 1
name: replicas
home_region: KZ
detection: {{languages: [en], threshold: 0.5}}
categories:
  identity: [PERSON]
  contact: [EMAIL_ADDRESS, PHONE_NUMBER]
  national_id: [KZ_IIN, KZ_BIN]
  financial: [IBAN_CODE]
  secret: [SECRET]
destinations:
  - {{id: abroad, model: "gpt-*", region: US}}
purposes:
  - {{id: support, roles: [support-agent, admin]}}
default_purpose: support
auth:
  required: true
  api_keys:
    - {{id: agent, sha256: {hashlib.sha256(AGENT_KEY.encode()).hexdigest()}, roles: [support-agent], tenant: bank}}
    - {{id: admin, sha256: {hashlib.sha256(ADMIN_KEY.encode()).hexdigest()}, roles: [admin], tenant: bank}}
rules:
  - id: national-id-abroad
    categories: [national_id]
    when: cross_border
    require_consent: true
    action: pseudonymize
    consent_fallback: block
  - {{id: default, action: pseudonymize}}
response: {{restore: true, scan: true}}
"""  # noqa: E501


class PacedUpstream:
    """DemoUpstream whose streamed answers for some models are paced.

    ``*-slow`` models get the echo answer one event every ``pause`` seconds; ``*-endless``
    models get events every ``pause`` seconds until the caller hangs up (bounded).
    """

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
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        if model.endswith("-endless"):
            await self._endless(receive, send)
            return

        async def paced(message: Any) -> None:
            if message["type"] == "http.response.body" and message.get("more_body"):
                await anyio.sleep(self.pause)
            await send(message)

        await self.inner(scope, replay, paced if model.endswith("-slow") else send)

    async def _endless(self, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
        async with anyio.create_task_group() as tg:

            async def hang_up() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                tg.cancel_scope.cancel()

            tg.start_soon(hang_up)
            for _ in range(6000):  # 5 minutes at most
                event = {"choices": [{"index": 0, "delta": {"content": "and more "}}]}
                await send({"type": "http.response.body", "more_body": True,
                            "body": f"data: {json.dumps(event)}\n\n".encode()})
                await anyio.sleep(self.pause)
            tg.cancel_scope.cancel()


@dataclass
class Replica:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    pubkey: Path
    client: httpx.Client
    up: bool = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class RoundRobin:
    """Each request to the next replica; one that refuses connections is taken out."""

    replicas: list[Replica]
    _next: int = 0
    served: list[str] = field(default_factory=list)

    def post(self, path: str, body: Any, **headers: str) -> tuple[Replica, httpx.Response]:
        for _ in range(len(self.replicas)):
            replica = self.replicas[self._next % len(self.replicas)]
            self._next += 1
            if not replica.up:
                continue
            try:
                response = replica.client.post(path, json=body, headers=headers)
            except httpx.ConnectError:
                replica.up = False  # only a refused connection is safe to send elsewhere
                continue
            self.served.append(replica.name)
            return replica, response
        raise AssertionError("no replica is serving")


@dataclass
class Cluster:
    a: Replica
    b: Replica
    rr: RoundRobin
    upstream: DemoUpstream
    tmp: Path


def _qorgan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qorgan", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def _database(postgres_url: str, name: str, *, create: bool) -> str:
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return urlunsplit(urlsplit(postgres_url)._replace(path="/" + name))


def _start(name: str, tmp: Path, env: dict[str, str]) -> tuple[str, int, subprocess.Popen[bytes],
                                                               Path, Path]:
    key, pubkey = tmp / f"{name}.key", tmp / f"{name}.pub"
    assert _qorgan("audit", "keygen", "--out", str(key)).returncode == 0
    pub = _qorgan("audit", "pubkey", "--key", str(key))
    assert pub.returncode == 0, pub.stderr
    pubkey.write_text(pub.stdout)
    port = free_port()
    log = tmp / f"{name}-decisions.jsonl"
    replica_env = {**env, "QORGAN_PORT": str(port), "QORGAN_INSTANCE": name,
                   "QORGAN_AUDIT_LOG": str(log), "QORGAN_AUDIT_KEY_FILE": str(key)}
    with (tmp / f"{name}.out").open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "qorgan", "serve"], env=replica_env,
                                   stdout=out, stderr=subprocess.STDOUT, cwd=tmp)
    return name, port, process, log, pubkey


def _wait_ready(replica: Replica) -> None:
    deadline = time.monotonic() + 180  # model loading; both replicas load at once
    while time.monotonic() < deadline:
        if replica.process.poll() is not None:
            out = (replica.log.parent / f"{replica.name}.out").read_text()
            raise AssertionError(f"replica {replica.name} exited:\n{out[-3000:]}")
        try:
            if replica.client.get("/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"replica {replica.name} never became ready")


@pytest.fixture(scope="module")
def cluster(
    postgres_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("replicas")
    (tmp / "policy.yaml").write_text(POLICY)
    db = "qorgan_replicas_" + secrets.token_hex(4)
    consent_url = _database(postgres_url, db, create=True)
    upstream = DemoUpstream(max_records=10_000)
    upstream_server = serve(PacedUpstream(upstream))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QORGAN_", "OTEL_"))}
    env.update({
        "QORGAN_POLICY": str(tmp / "policy.yaml"),
        "QORGAN_UPSTREAM": upstream_server.url + "/v1",
        "QORGAN_MASTER_KEY": secrets.token_hex(32),  # this run's own: no other test's scopes
        "QORGAN_VAULT_URL": redis_url,
        "QORGAN_VAULT_TTL": "600",  # the keys go away on their own
        "QORGAN_CONSENT_URL": consent_url,
        "QORGAN_CONSENT_CACHE_TTL": str(CONSENT_TTL),
        "QORGAN_SHUTDOWN_GRACE": "2",
        "QORGAN_LOG_LEVEL": "warning",
        "OTEL_SDK_DISABLED": "true",
    })
    started = [_start(name, tmp, env) for name in ("replica-a", "replica-b")]  # in parallel
    replicas = [Replica(name, port, process, log, pubkey,
                        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60))
                for name, port, process, log, pubkey in started]
    try:
        for replica in replicas:
            _wait_ready(replica)
        yield Cluster(replicas[0], replicas[1], RoundRobin(list(replicas)), upstream, tmp)
    finally:
        for replica in replicas:
            if replica.process.poll() is None:
                replica.process.kill()
            replica.process.wait(timeout=30)
            replica.client.close()
        upstream_server.stop()
        _database(postgres_url, db, create=False)


def _chat(messages: list[dict[str, str]], *, model: str = "gpt-4o",
          stream: bool = False) -> dict[str, Any]:
    return {"model": model, "messages": messages, "stream": stream}


def _headers(conversation: str, **extra: str) -> dict[str, str]:
    return {"x-qorgan-key": AGENT_KEY, "x-qorgan-conversation": conversation, **extra}


def _answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    content: str = response.json()["choices"][0]["message"]["content"]
    return content


def _sent(upstream: DemoUpstream) -> dict[str, Any]:
    body: dict[str, Any] = upstream.received[-1].json()
    return body


def _first_message(conversation: str) -> str:
    return (f"Please draft a letter to {NAME} ({EMAIL}, phone {PHONE}) about IBAN {IBAN}; "
            f"the portal key is {SECRET}. Reference {conversation}.")


def test_a_conversation_continues_on_the_other_replica(cluster: Cluster) -> None:
    conversation = "conv-" + secrets.token_hex(4)
    first = {"role": "user", "content": _first_message(conversation)}
    replica, response = cluster.rr.post("/v1/chat/completions", _chat([first]),
                                        **_headers(conversation))
    answer = _answer(response)
    sent = _sent(cluster.upstream)
    pseudonymized = sent["messages"][0]["content"]
    assert leaked([json.dumps(sent, ensure_ascii=False)], FRAGMENTS) == []
    tokens = set(PLACEHOLDER.findall(pseudonymized))
    assert len(tokens) == len(VALUES)
    assert all(value in answer for value in VALUES)  # restored by the first replica

    follow_up = {"role": "user", "content": f"Also copy {NAME} at {EMAIL} on it."}
    messages = [first, {"role": "assistant", "content": answer}, follow_up]
    other, response = cluster.rr.post("/v1/chat/completions", _chat(messages),
                                      **_headers(conversation))
    assert other is not replica
    answer = _answer(response)
    sent = _sent(cluster.upstream)
    assert leaked([json.dumps(sent, ensure_ascii=False)], FRAGMENTS) == []
    # the same values have the same pseudonyms on the other replica...
    assert sent["messages"][0]["content"] == pseudonymized
    assert set(PLACEHOLDER.findall(sent["messages"][2]["content"])) <= tokens
    assert set(PLACEHOLDER.findall(json.dumps(sent))) == tokens
    # ...and it restores them: the client reads its own values, no placeholder
    assert NAME in answer
    assert EMAIL in answer
    assert PLACEHOLDER.search(answer) is None


def _national_id_request(cluster: Cluster, replica: Replica, subject: str) -> httpx.Response:
    body = _chat([{"role": "user", "content": f"Customer IIN {IIN} asks about her card."}])
    return replica.client.post("/v1/chat/completions", json=body, headers=_headers(
        "consent-" + subject, **{"x-qorgan-subject": subject, "x-qorgan-purpose": "support"}))


def _poll(cluster: Cluster, replica: Replica, subject: str, status: int) -> int:
    """Requests until ``replica`` answers ``status``; returns how many it took."""
    deadline = time.monotonic() + DEADLINE
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        before = len(cluster.upstream.received)
        response = _national_id_request(cluster, replica, subject)
        forwarded = cluster.upstream.received[before:]
        assert response.status_code in {200, 403}, response.text
        # whatever the consent state, the national id never leaves in the clear
        assert leaked([r.body.decode() for r in forwarded], (IIN,)) == []
        if response.status_code == 403:
            assert forwarded == []
            assert response.json()["error"]["rules"] == ["national-id-abroad"]
        if response.status_code == status:
            return attempts
        time.sleep(CONSENT_TTL / 5)
    raise AssertionError(f"{replica.name} never answered {status}")


def test_consent_withdrawn_on_one_replica_is_refused_by_the_other(cluster: Cluster) -> None:
    subject = "client-" + secrets.token_hex(4)
    admin = {"x-qorgan-key": ADMIN_KEY}
    assert _national_id_request(cluster, cluster.b, subject).status_code == 403

    grant = cluster.a.client.post("/qorgan/consents", headers=admin, json={
        "subject": subject, "purpose": "support", "categories": ["national_id"],
        "cross_border": True, "evidence": "signed form 17", "identifiers": [IIN]})
    assert grant.status_code == 201, grant.text
    _poll(cluster, cluster.b, subject, 200)
    assert IIN in _answer(_national_id_request(cluster, cluster.b, subject))

    withdrawn = cluster.a.client.post("/qorgan/consents/withdraw", headers=admin,
                                      json={"subject": subject, "purpose": "support"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn"] == 1
    # the other replica's cache may still hold the grant, for at most its TTL
    _poll(cluster, cluster.b, subject, 403)
    assert _national_id_request(cluster, cluster.a, subject).status_code == 403


def _records(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def test_each_replica_keeps_its_own_verifiable_decision_log(cluster: Cluster) -> None:
    for replica in (cluster.a, cluster.b):
        if not replica.up:
            pytest.skip("a replica was stopped by an earlier test")
        response = replica.client.post(
            "/v1/chat/completions", headers=_headers("log-" + secrets.token_hex(4)),
            json=_chat([{"role": "user", "content": f"Call {NAME} on {PHONE}."}]))
        _answer(response)
    logs = {}
    for replica in (cluster.a, cluster.b):
        deadline = time.monotonic() + DEADLINE
        while not replica.log.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        verified = _qorgan("audit", "verify", str(replica.log), "--pubkey", str(replica.pubkey))
        assert verified.returncode == 0, verified.stdout + verified.stderr
        records = _records(replica.log)
        assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
        assert {r["instance"] for r in records} == {replica.name}
        assert leaked([replica.log.read_text()], FRAGMENTS) == []
        logs[replica.name] = records
    a, b = logs["replica-a"], logs["replica-b"]
    assert a[0]["prev"] == b[0]["prev"]  # both chains start from the same genesis...
    assert a[0]["key_id"] != b[0]["key_id"]  # ...each signed by its own key
    crossed = _qorgan("audit", "verify", str(cluster.a.log), "--pubkey", str(cluster.b.pubkey))
    assert crossed.returncode != 0


def _stream_until(replica: Replica, body: dict[str, Any], headers: dict[str, str],
                  chars: int, stop: Any) -> tuple[str, bool]:
    """Stream ``body`` from ``replica``; call ``stop()`` once ``chars`` characters have come.

    Returns the text received and whether the stream ended with ``[DONE]``.
    """
    text = ""
    stopped = False
    try:
        with replica.client.stream("POST", "/v1/chat/completions", json=body,
                                   headers=headers) as response:
            assert response.status_code == 200
            for line in response.iter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[len("data: "):]
                if data == "[DONE]":
                    return text, True
                for choice in json.loads(data).get("choices", []):
                    text += choice.get("delta", {}).get("content") or ""
                if len(text) >= chars and not stopped:
                    stopped = True
                    stop()
    except httpx.TransportError:
        pass  # the replica went away
    return text, False


def test_killing_a_replica_mid_stream_loses_no_value_and_the_other_serves(
    cluster: Cluster,
) -> None:
    conversation = "kill-" + secrets.token_hex(4)
    message = {"role": "user", "content": _first_message(conversation)}
    victim = cluster.a
    before = len(cluster.upstream.received)

    def kill() -> None:
        victim.process.send_signal(signal.SIGKILL)

    partial, done = _stream_until(victim, _chat([message], model="gpt-4o-slow", stream=True),
                                  _headers(conversation), 20, kill)
    victim.process.wait(timeout=30)
    assert not done  # the stream was cut
    assert partial
    (forwarded,) = cluster.upstream.received[before:]
    assert leaked([forwarded.body.decode()], FRAGMENTS) == []

    # the balancer sends the retried request elsewhere; the conversation's pseudonyms
    # were in Redis, so the other replica forwards the same text and restores every value
    served = len(cluster.rr.served)
    replica, response = cluster.rr.post("/v1/chat/completions", _chat([message]),
                                        **_headers(conversation))
    assert replica is cluster.b
    assert not victim.up
    answer = _answer(response)
    assert cluster.upstream.received[-1].json()["messages"] == forwarded.json()["messages"]
    assert all(value in answer for value in VALUES)
    # what the client got before the kill is the start of that same answer: whole values
    # or none, never a placeholder or a value's fragment of its own
    assert answer.startswith(partial)
    assert PLACEHOLDER.search(partial) is None
    for _ in range(3):
        replica, response = cluster.rr.post("/v1/chat/completions", _chat([message]),
                                            **_headers(conversation))
        assert replica is cluster.b
        assert all(value in _answer(response) for value in VALUES)
    assert cluster.rr.served[served:] == ["replica-b"] * 4
    # what the killed replica had written of its decision log still verifies
    verified = _qorgan("audit", "verify", str(victim.log), "--pubkey", str(victim.pubkey))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    for replica in (cluster.a, cluster.b):
        output = (cluster.tmp / f"{replica.name}.out").read_text()
        assert leaked([output], FRAGMENTS) == []


def test_sigterm_lets_a_stream_go_on_for_the_shutdown_grace_then_ends_it(
    cluster: Cluster,
) -> None:
    replica = cluster.b  # QORGAN_SHUTDOWN_GRACE=2
    signalled: list[float] = []

    def terminate() -> None:
        signalled.append(time.monotonic())
        replica.process.send_signal(signal.SIGTERM)

    text, done = _stream_until(
        replica, _chat([{"role": "user", "content": "Tell me more."}], model="gpt-4o-endless",
                       stream=True),
        _headers("drain-" + secrets.token_hex(4)), 30, terminate)
    replica.up = False
    # without the grace the server would wait for the stream (minutes); with it, it stops
    # (uvicorn ends by re-raising the signal it handled)
    assert replica.process.wait(timeout=DEADLINE) in {0, -signal.SIGTERM}
    assert signalled
    assert not done
    # the stream went on after SIGTERM (requests under way drain), then was cut
    assert text.startswith("and more ")
    assert len(text) > 30 + len("and more ") * 5
