from __future__ import annotations

import json
from pathlib import Path

import pytest

from qorgan.cli import main

GOOD = "version: 1\nname: good\nrules:\n  - {id: r, action: redact, cite: x}\n"
BAD = "version: 1\nname: bad\nrules:\n  - {id: r, acton: redact}\n"


def test_validate_ok_and_first_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    bad = tmp_path / "bad.yaml"
    good.write_text(GOOD)
    bad.write_text(BAD)
    assert main(["policy", "validate", str(good), "builtin:kz-pdl"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"ok {good} (good, ")
    assert out[1].startswith("ok builtin:kz-pdl (kz-pdl, ")
    assert main(["policy", "validate", str(good), str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{bad}:4:13: rules[0].acton: unknown key 'acton'")
    assert captured.out.count("ok ") == 1  # stops at the first invalid file


def test_test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "test", "builtin:kz-pdl"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "19 passed, 0 failed"
    policy = tmp_path / "good.yaml"
    policy.write_text(GOOD)
    tests = tmp_path / "other.yaml"
    tests.write_text(
        "cases:\n  - name: wrong\n    findings: [{entity_type: PERSON}]\n"
        "    expect: {actions: {PERSON: allow}}\n"
    )
    assert main(["policy", "test", str(policy), "--tests", str(tests)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "FAIL wrong",
        "    actions.PERSON: expected ['allow'], got ['redact']",
        "0 passed, 1 failed",
    ]


def test_missing_tests_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "good.yaml"
    policy.write_text(GOOD)
    assert main(["policy", "test", str(policy)]) == 2
    assert "good.tests.yaml: cannot read file" in capsys.readouterr().err


def test_explain_names_rules_and_offsets_never_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You are a bank assistant."},
            {"role": "user", "content": "My IIN is 901123300258, write to aigerim@example.kz"},
        ],
    }
    request = tmp_path / "req.json"
    request.write_text(json.dumps(body))
    argv = ["policy", "explain", "--policy", "builtin:kz-pdl", "--input", str(request)]
    argv += ["--roles", "support-agent", "--purpose", "support", "--consent-granted", "contact"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "destination openai (region US, cross-border)" in out
    assert "KZ_IIN at messages[1].content [10:22]" in out
    assert "- secrets-never-leave: category 'national_id' is not one of secret" in out
    assert "+ national-id-abroad: matches; consent none" in out
    assert "=> block by national-id-abroad" in out
    assert "=> allow by personal-data-abroad" in out
    assert "blocked by: national-id-abroad" in out
    assert "901123300258" not in out
    assert "aigerim" not in out


def test_explain_denied_purpose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = tmp_path / "req.json"
    request.write_text(json.dumps({"model": "llama-3", "prompt": "Hello"}))
    argv = ["policy", "explain", "--policy", "builtin:kz-pdl", "--input", str(request)]
    argv += ["--purpose", "social_scoring", "--route", "/v1/completions"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "request denied: purpose 'social_scoring' is prohibited" in out
    assert "outcome: block" in out


def test_explain_rejects_non_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = tmp_path / "req.json"
    request.write_text("{not json")
    argv = ["policy", "explain", "--policy", "builtin:default", "--input", str(request)]
    assert main(argv) == 2
    assert "not a JSON document" in capsys.readouterr().err


def test_hash_key_reads_stdin_and_prints_the_digest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib
    import io

    from qorgan.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("sk-team-key-123\n"))
    assert main(["policy", "hash-key"]) == 0
    assert capsys.readouterr().out.strip() == hashlib.sha256(b"sk-team-key-123").hexdigest()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["policy", "hash-key"]) == 2
