"""`qorgan consent`: grant / withdraw / show / list, and the same registry as the admin API.

Subject ids reach the CLI on standard input (``cli`` below moves a test's ``--subject X``
there), never on the command line."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from qorgan.api.consent import consent_admin_app
from qorgan.cli import main
from qorgan.consent.registry import SubjectHasher, open_registry
from qorgan.identity import ApiKeyAuthenticator, ApiKeyEntry, hash_api_key

KEY_HEX = "5a" * 32
SUBJECT = "IIN-901123300258"


@pytest.fixture
def registry_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/consent.db"
    monkeypatch.setenv("QORGAN_CONSENT_URL", url)
    monkeypatch.setenv("QORGAN_SUBJECT_KEY", KEY_HEX)
    return url


def cli(argv: Sequence[str]) -> int:
    """``qorgan`` with the subject of ``--subject X`` written to standard input instead."""
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


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert cli(["consent", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.usefixtures("registry_url")
def test_grant_show_withdraw_list(capsys: pytest.CaptureFixture[str]) -> None:
    granted = run_json(
        capsys,
        "grant",
        "--subject", SUBJECT,
        "--purpose", "support",
        "--categories", "contact, identity",
        "--cross-border",
        "--from", "2025-01-01",
        "--until", "2030-01-01T00:00:00+05:00",
        "--evidence", "form-17",
    )  # fmt: skip
    assert granted["subject_key"] == SubjectHasher(bytes.fromhex(KEY_HEX))(SUBJECT)
    assert granted["categories"] == ["contact", "identity"]
    assert granted["cross_border"] is True
    assert granted["valid_from"] == "2025-01-01T00:00:00+00:00"
    assert granted["valid_until"] == "2029-12-31T19:00:00+00:00"
    assert granted["evidence"] == "form-17"
    run_json(capsys, "grant", "--subject", SUBJECT, "--purpose", "analytics")
    run_json(capsys, "grant", "--subject", "someone-else", "--purpose", "support")

    shown = run_json(capsys, "show", "--subject", SUBJECT)
    assert {r["purpose"] for r in shown["records"]} == {"support", "analytics"}
    assert {r["status"] for r in shown["records"]} == {"active"}
    only = run_json(capsys, "show", "--subject", SUBJECT, "--purpose", "analytics")
    assert [r["purpose"] for r in only["records"]] == ["analytics"]

    assert run_json(capsys, "withdraw", "--subject", SUBJECT, "--purpose", "support") == {
        "withdrawn": 1
    }
    statuses = {
        r["purpose"]: r["status"] for r in run_json(capsys, "show", "--subject", SUBJECT)["records"]
    }
    assert statuses == {"support": "withdrawn", "analytics": "active"}
    assert run_json(capsys, "withdraw", "--subject", SUBJECT) == {"withdrawn": 1}

    listed = run_json(capsys, "list", "--purpose", "support")
    assert len(listed["records"]) == 2
    assert len(run_json(capsys, "list", "--limit", "1")["records"]) == 1
    assert SUBJECT not in json.dumps(listed)


@pytest.mark.usefixtures("registry_url")
def test_expired_status_and_tables(capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--subject", SUBJECT, "--purpose", "support"]
    assert cli(["consent", "grant", *common, "--from", "2020-01-01", "--until", "2021-01-01"]) == 0
    assert "granted consent" in capsys.readouterr().out
    assert cli(["consent", "show", "--subject", SUBJECT]) == 0
    table = capsys.readouterr().out
    assert "expired" in table
    assert "2021-01-01 00:00" in table
    assert SUBJECT not in table
    assert cli(["consent", "list"]) == 0
    assert "expired" in capsys.readouterr().out
    assert cli(["consent", "withdraw", "--subject", SUBJECT]) == 0
    assert "withdrew 1 consent(s) for all purposes" in capsys.readouterr().out


def test_subject_key_file_and_flags_override_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("QORGAN_SUBJECT_KEY", raising=False)
    monkeypatch.setenv("QORGAN_CONSENT_URL", "unsupported://nowhere")
    key_file = tmp_path / "subject.key"
    key_file.write_text(KEY_HEX + "\n")
    url = f"sqlite:///{tmp_path}/other.db"
    out = run_json(
        capsys, "grant", "--subject", "s", "--purpose", "support",
        "--registry", url, "--subject-key-file", str(key_file),
    )  # fmt: skip
    assert out["subject_key"] == SubjectHasher(bytes.fromhex(KEY_HEX))("s")


@pytest.mark.parametrize(
    ("env_key", "key_file", "message"),
    [
        (None, None, "subject key is not set"),
        ("not-hex", None, "not hex"),
        ("abcd", None, "at least 16 bytes"),
        (None, "missing.key", "cannot read"),
    ],
)
def test_subject_key_is_required_and_checked(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env_key: str | None,
    key_file: str | None,
    message: str,
) -> None:
    monkeypatch.setenv("QORGAN_CONSENT_URL", f"sqlite:///{tmp_path}/c.db")
    if env_key is None:
        monkeypatch.delenv("QORGAN_SUBJECT_KEY", raising=False)
    else:
        monkeypatch.setenv("QORGAN_SUBJECT_KEY", env_key)
    argv = ["consent", "show", "--subject", SUBJECT]
    if key_file is not None:
        argv += ["--subject-key-file", str(tmp_path / key_file)]
    assert cli(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert SUBJECT not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["grant", "--subject", "s", "--purpose", "p", "--until", "2030-01-01T00:00"],
            "UTC offset",
        ),
        (["grant", "--subject", "s", "--purpose", "p", "--from", "soon"], "ISO 8601"),
        (["list", "--limit", "0"], "--limit"),
        (["grant", "--subject", "s"], "--purpose"),
    ],
)
@pytest.mark.usefixtures("registry_url")
def test_argument_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as info:
        cli(["consent", *argv])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grant", "--subject", "s", "--purpose", "bad purpose"], "invalid purpose"),
        (["grant", "--subject", "s", "--purpose", "p", "--from", "2030-01-01",
          "--until", "2029-01-01"], "valid_until"),
    ],
)  # fmt: skip
@pytest.mark.usefixtures("registry_url")
def test_invalid_grants_are_reported(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert cli(["consent", *argv]) == 2
    assert message in capsys.readouterr().err


def test_unknown_registry_scheme(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QORGAN_SUBJECT_KEY", KEY_HEX)
    assert cli(["consent", "list", "--registry", "mysql://db/consent"]) == 2
    assert "unsupported consent registry scheme" in capsys.readouterr().err


def test_cli_and_admin_api_share_the_registry(
    registry_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "grant", "--subject", SUBJECT, "--purpose", "support")
    admin = {"x-qorgan-key": "qk_admin"}
    auth = ApiKeyAuthenticator(
        [ApiKeyEntry(id="ops", sha256=hash_api_key("qk_admin"), roles=frozenset({"admin"}))]
    )

    async def through_api() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        registry = open_registry(registry_url)
        app = consent_admin_app(registry, SubjectHasher(bytes.fromhex(KEY_HEX)), auth.authenticate)
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://qorgan"
            ) as client:
                seen = await client.get("/", headers=admin | {"x-qorgan-subject": SUBJECT})
                withdrawn = await client.post("/withdraw", json={"subject": SUBJECT}, headers=admin)
                return seen.json()["records"], withdrawn.json()
        finally:
            await registry.close()

    seen, withdrawn = anyio.run(through_api)
    assert [(r["purpose"], r["status"]) for r in seen] == [("support", "active")]
    assert withdrawn == {"withdrawn": 1}
    shown = run_json(capsys, "show", "--subject", SUBJECT)
    assert [r["status"] for r in shown["records"]] == ["withdrawn"]


@pytest.mark.usefixtures("registry_url")
def test_a_subject_on_the_command_line_is_refused_without_repeating_it(
    capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["consent", "grant", "--subject", SUBJECT, "--purpose", "support"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "never from the command line" in err
    assert SUBJECT not in err
    assert "901123300258" not in err


@pytest.mark.usefixtures("registry_url")
def test_subjects_from_a_file_one_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = tmp_path / "subjects.txt"
    ids.write_text(f"{SUBJECT}\n\n  other-subject-2  \n", encoding="utf-8")
    granted = run_json(capsys, "grant", "--subject-file", str(ids), "--purpose", "support")
    hasher = SubjectHasher(bytes.fromhex(KEY_HEX))
    assert [r["subject_key"] for r in granted["records"]] == [hasher(SUBJECT),
                                                              hasher("other-subject-2")]
    assert run_json(capsys, "withdraw", "--subject-file", str(ids)) == {"withdrawn": 2}


@pytest.mark.usefixtures("registry_url")
def test_no_subject_on_standard_input_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["consent", "show"]) == 2
    assert "no subject id given" in capsys.readouterr().err


POLICY = """\
version: 1
name: bank
categories:
  identity: [PERSON]
  contact: [EMAIL_ADDRESS]
purposes:
  - support
  - {id: marketing, denied: true}
rules:
  - {id: default, action: redact}
"""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grant", "--purpose", "supprt"],
         "the purpose is not declared by policy 'bank' (did you mean 'support'?); declared: "
         "marketing, support"),
        (["grant", "--purpose", "marketing"], "purpose 'marketing' is prohibited"),
        (["grant", "--purpose", "support", "--categories", "contact,identiti"],
         "category 2 of 2 is not declared by policy 'bank' (did you mean 'identity'?); "
         "declared: contact, identity"),
        (["withdraw", "--purpose", "suport"], "(did you mean 'support'?)"),
    ],
)  # fmt: skip
@pytest.mark.usefixtures("registry_url")
def test_purposes_and_categories_are_checked_against_the_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    argv: list[str], message: str,
) -> None:
    policy = tmp_path / "bank.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    monkeypatch.setenv("QORGAN_POLICY", str(policy))
    assert cli(["consent", *argv, "--subject", SUBJECT]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert SUBJECT not in err
    # nothing was recorded
    assert run_json(capsys, "list")["records"] == []


@pytest.mark.usefixtures("registry_url")
def test_a_declared_purpose_and_categories_are_granted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "bank.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    granted = run_json(capsys, "grant", "--policy", str(policy), "--subject", SUBJECT,
                       "--purpose", "support", "--categories", "contact,identity")
    assert granted["categories"] == ["contact", "identity"]


@pytest.mark.usefixtures("registry_url")
def test_grant_records_the_subjects_identifiers_as_hashes_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    listed = tmp_path / "identifiers.txt"
    listed.write_text("Aigerim Serikova\naigerim.serikova@mail.kz\n\n+7 701 234 56 78\n")
    granted = run_json(capsys, "grant", "--subject", SUBJECT, "--purpose", "support",
                       "--identifiers-file", str(listed))
    assert granted["identifiers"] >= 3
    text = json.dumps(granted)
    assert "Serikova" not in text
    assert "mail.kz" not in text


@pytest.mark.usefixtures("registry_url")
def test_an_unreadable_identifiers_file_is_a_clean_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    assert cli(["consent", "grant", "--subject", SUBJECT, "--purpose", "support",
                "--identifiers-file", str(tmp_path / "missing.txt")]) == 2
    assert "identifiers file" in capsys.readouterr().err
