from __future__ import annotations

import io
import json
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qorgan.audit.log import DecisionLog
from qorgan.audit.record import AuditRecord
from qorgan.audit.signing import load_signing_key, public_key_pem
from qorgan.cli import main
from qorgan.decision import Decision, FindingDecision
from qorgan.keys import keyed_hash
from qorgan.types import Action, Finding

SUBJECT_KEY = bytes(range(32))
T0 = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)



def cli(argv: list[str]) -> int:
    """``qorgan`` with the id of ``--subject X`` on standard input, where the CLI reads it."""
    args = list(argv)
    subjects: list[str] = []
    while "--subject" in args:
        at = args.index("--subject")
        subjects.append(args[at + 1])
        del args[at:at + 2]
    old = sys.stdin
    sys.stdin = io.StringIO("".join(f"{s}\n" for s in subjects))
    try:
        return main(args)
    finally:
        sys.stdin = old


def _record(subject: str, minutes: int, *, block: bool) -> AuditRecord:
    fd = FindingDecision(
        Finding("KZ_IIN", 0, 12, 0.99), 0, Action.BLOCK if block else Action.REDACT,
        "national-id-abroad" if block else "default", category="national_id",
        cite="Law 94-V Art. 16" if block else None,
    )
    decision = Decision(
        (fd,), "kz", "c" * 64, block_rules=("national-id-abroad",) if block else ()
    )
    return AuditRecord.from_decisions(
        request_decision=decision, request_id=f"r{minutes}", route="/v1/chat/completions",
        operation="chat", provider="openai", principal_id=keyed_hash(b"p" * 16, "svc",
                                                                     domain="principal"),
        subject_key=keyed_hash(SUBJECT_KEY, subject, domain="subject"), purpose="support",
        ts=T0 + timedelta(minutes=minutes),
    )


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "audit.key"
    assert main(["audit", "keygen", "--out", str(path)]) == 0
    return path


@pytest.fixture
def log_path(tmp_path: Path, key_file: Path) -> Path:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path, signing_key=load_signing_key(key_file), strict=True) as log:
        log.append(_record("IIN 901123300258", 0, block=True))
        log.append(_record("someone-else", 10, block=False))
        log.append(_record("IIN 901123300258", 90, block=False))
    return path


def test_keygen_and_pubkey(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert main(["audit", "keygen", "--out", str(key_file)]) == 2  # never overwritten
    assert "refusing to overwrite" in capsys.readouterr().err
    assert main(["audit", "pubkey", "--key", str(key_file)]) == 0
    printed = capsys.readouterr().out
    assert printed == public_key_pem(load_signing_key(key_file))
    assert printed.startswith("-----BEGIN PUBLIC KEY-----")
    pub = tmp_path / "audit.pub"
    pub.write_text(printed)
    assert main(["audit", "keygen", "--out", str(key_file), "--force"]) == 0
    assert main(["audit", "pubkey", "--key", str(key_file)]) == 0
    assert capsys.readouterr().out.splitlines()[-2] != printed.splitlines()[-2]


def test_verify(
    tmp_path: Path, log_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pub = tmp_path / "audit.pub"
    pub.write_text(public_key_pem(load_signing_key(key_file)))
    assert main(["audit", "verify", str(log_path), "--pubkey", str(pub)]) == 0
    assert "3 records" in capsys.readouterr().out
    lines = log_path.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"outcome":"transform"', b'"outcome":"allow"')
    log_path.write_bytes(b"".join(lines))
    assert main(["audit", "verify", str(log_path), "--pubkey", str(pub)]) == 1
    assert capsys.readouterr().out.startswith(f"{log_path}:2: signature does not match")
    assert main(["audit", "verify", str(log_path)]) == 1
    assert capsys.readouterr().out.startswith(f"{log_path}:2: record altered")


def test_verify_missing_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", str(tmp_path / "none.jsonl")]) == 2
    assert "no decision log" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "outcomes"),
    [
        ([], ["block", "transform"]),
        (["--since", "2026-02-01T12:30:00Z"], ["transform"]),
        (["--until", "2026-02-01T12:30:00+00:00"], ["block"]),
    ],
)
def test_query_json(
    log_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    outcomes: list[str],
) -> None:
    monkeypatch.setenv("QORGAN_SUBJECT_KEY", SUBJECT_KEY.hex())
    argv = ["audit", "query", str(log_path), "--subject", "IIN 901123300258", "--json", *extra]
    assert cli(argv) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["outcome"] for row in rows] == outcomes


def test_query_text(
    tmp_path: Path,
    log_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("QORGAN_SUBJECT_KEY", raising=False)
    monkeypatch.delenv("QORGAN_MASTER_KEY", raising=False)
    monkeypatch.setenv("QORGAN_AUDIT_LOG", str(log_path))
    key_file = tmp_path / "subject.key"
    key_file.write_text(SUBJECT_KEY.hex() + "\n")
    argv = ["audit", "query", "--subject", "IIN 901123300258", "--subject-key-file",
            str(key_file)]
    assert cli(argv) == 0
    out = capsys.readouterr().out
    assert "national-id-abroad" in out
    assert "Law 94-V Art. 16" in out
    assert "national_id 1" in out
    assert "2 decision(s)" in out
    assert "901123300258" not in out
    assert cli([*argv[:3], "nobody", *argv[4:]]) == 0
    assert "no decisions" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("env", "argv_tail", "message"),
    [
        ({}, ["--subject", "x"], "QORGAN_SUBJECT_KEY"),
        ({"QORGAN_SUBJECT_KEY": "abcd"}, ["--subject", "x"], "at least 16 bytes"),
        ({"QORGAN_SUBJECT_KEY": "00" * 32}, ["--subject", "x", "--since", "yesterday"],
         "--since"),
    ],
)
def test_query_errors(
    log_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    argv_tail: list[str],
    message: str,
) -> None:
    for name in ("QORGAN_SUBJECT_KEY", "QORGAN_MASTER_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli(["audit", "query", str(log_path), *argv_tail]) == 2
    assert message in capsys.readouterr().err


def test_report(
    tmp_path: Path, log_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    argv = ["audit", "report", str(log_path), "--out", str(out), "--pubkey", str(key_file)]
    assert cli(argv) == 0
    page = out.read_text(encoding="utf-8")
    assert "Chain intact" in page
    assert "signatures verified" in page
    assert 'data-metric="requests">3<' in page
    assert "901123300258" not in page


def test_query_refuses_a_subject_on_the_command_line(
    log_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["audit", "query", str(log_path), "--subject", "IIN 901123300258"])
    err = capsys.readouterr().err
    assert "never from the command line" in err
    assert "901123300258" not in err
