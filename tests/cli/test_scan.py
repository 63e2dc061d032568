from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from qorgan.cli import main

ENTITIES = "KZ_IIN,KZ_BIN,EMAIL_ADDRESS,PHONE_NUMBER,IBAN_CODE,SECRET"
GOOD = {"text": "ИИН 901123300258, почта a.bekova@mail.kz"}


def _lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_findings_sorted_with_code_point_offsets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, [json.dumps(GOOD, ensure_ascii=False), json.dumps({"text": "nothing"})])
    assert main(["scan", "--entities", ENTITIES, str(path)]) == 0
    out, err = capsys.readouterr()
    first, second = _lines(out)
    assert first == {
        "findings": [
            {"entity_type": "KZ_IIN", "start": 4, "end": 16, "score": 1.0},
            {"entity_type": "EMAIL_ADDRESS", "start": 24, "end": 40, "score": 1.0},
        ]
    }
    assert second == {"findings": []}
    assert "901123300258" not in out + err


def test_show_values_adds_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, [json.dumps(GOOD, ensure_ascii=False)])
    assert main(["scan", "--entities", ENTITIES, "--show-values", str(path)]) == 0
    (line,) = _lines(capsys.readouterr().out)
    assert [f["text"] for f in line["findings"]] == ["901123300258", "a.bekova@mail.kz"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--entities", "KZ_IIN"], ["KZ_IIN"]),
        (["--entities", "EMAIL_ADDRESS"], ["EMAIL_ADDRESS"]),
        (["--entities", ENTITIES, "--threshold", "1.0"], ["KZ_IIN", "EMAIL_ADDRESS"]),
    ],
)
def test_entity_and_threshold_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: list[str]
) -> None:
    path = _write(tmp_path, [json.dumps(GOOD, ensure_ascii=False)])
    assert main(["scan", *args, str(path)]) == 0
    (line,) = _lines(capsys.readouterr().out)
    assert [f["entity_type"] for f in line["findings"]] == expected  # type: ignore[index]


def test_plain_input_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("IIN 901123300258\n\nBIN 940140000385\n"))
    assert main(["scan", "--plain", "--entities", ENTITIES, "-"]) == 0
    lines = _lines(capsys.readouterr().out)
    assert [[f["entity_type"] for f in x["findings"]] for x in lines] == [
        ["KZ_IIN"],
        [],
        ["KZ_BIN"],
    ]  # type: ignore[attr-defined]


def test_bad_lines_are_reported_by_number_without_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_line = '{"text": "IIN 901123300258" broken'
    path = _write(
        tmp_path,
        [
            json.dumps(GOOD, ensure_ascii=False),
            secret_line,
            '["a list"]',
            json.dumps(GOOD, ensure_ascii=False),
        ],
    )
    assert main(["scan", "--entities", ENTITIES, str(path)]) == 1
    out, err = capsys.readouterr()
    lines = _lines(out)
    assert len(lines) == 4
    assert lines[1] == {"error": "not valid JSON", "line": 2}
    assert lines[2]["line"] == 3
    assert "error" in lines[2]
    assert len(lines[3]["findings"]) == 2  # type: ignore[arg-type]
    assert "line 2" in err
    assert "line 3" in err
    assert "901123300258" not in err


def test_unsupported_language_is_a_bad_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, [json.dumps({"text": "IIN 901123300258", "language": "de"})])
    assert main(["scan", "--entities", ENTITIES, str(path)]) == 1
    (line,) = _lines(capsys.readouterr().out)
    assert line["line"] == 1
    assert "language" in str(line["error"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy", "missing-policy.yaml"], "missing-policy.yaml"),
        (["--entities", "NOPE"], "NOPE"),
        (["--threshold", "2"], "threshold"),
        (["missing-file.jsonl"], "cannot read"),
    ],
)
def test_configuration_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["scan", *args]) == 2
    assert message in capsys.readouterr().err


def test_pretty_masks_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, [json.dumps(GOOD, ensure_ascii=False)])
    assert main(["scan", "--pretty", "--entities", ENTITIES, str(path)]) == 0
    out = capsys.readouterr().out
    assert "KZ_IIN" in out
    assert "EMAIL_ADDRESS" in out
    assert "901123300258" not in out
    assert "a.bekova" not in out


def test_subprocess_exit_code_and_streams() -> None:
    stdin = "\n".join([json.dumps(GOOD, ensure_ascii=False), "not json at all 901123300258"]) + "\n"
    proc = subprocess.run(
        [sys.executable, "-m", "qorgan", "scan", "--entities", ENTITIES, "-"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    lines = _lines(proc.stdout)
    assert [len(x.get("findings", [])) for x in lines] == [2, 0]  # type: ignore[arg-type]
    assert "line 2" in proc.stderr
    assert "901123300258" not in proc.stderr


def test_policy_detection_settings_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: emp\ndetection:\n  entities: [EMAIL_ADDRESS]\n  custom:\n"
        "    - {entity: EMPLOYEE_ID, regex: 'EMP-\\d{6}', score: 0.9}\n"
        "rules:\n  - {id: default, action: redact}\n",
        encoding="utf-8",
    )
    text = "EMP-123456 wrote from a.bekova@example.kz, IIN 901123300258"
    path = _write(tmp_path, [json.dumps({"text": text})])
    assert main(["scan", "--policy", str(policy), str(path)]) == 0
    (line,) = _lines(capsys.readouterr().out)
    found = [(f["entity_type"], text[f["start"] : f["end"]]) for f in line["findings"]]
    # the policy names no KZ_IIN, so only its own entities are reported
    assert found == [("EMPLOYEE_ID", "EMP-123456"), ("EMAIL_ADDRESS", "a.bekova@example.kz")]
