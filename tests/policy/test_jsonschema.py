"""``qorgan policy schema``: the exported JSON Schema accepts every bundled policy and
rejects what the loader rejects by shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from qorgan.cli import main
from qorgan.policy.loader import builtin_names, read_source


@pytest.fixture(scope="module")
def validator(tmp_path_factory: pytest.TempPathFactory) -> Draft202012Validator:
    out = tmp_path_factory.mktemp("schema") / "qorgan-policy.schema.json"
    assert main(["policy", "schema", "--out", str(out)]) == 0
    schema = json.loads(out.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _bundled() -> list[str]:
    return [n for n in builtin_names() if not n.endswith(".tests")]


def test_every_bundled_policy_is_checked() -> None:
    assert set(_bundled()) >= {"default", "kz-pdl", "gdpr"}


@pytest.mark.parametrize("name", _bundled())
def test_bundled_policy_validates(validator: Draft202012Validator, name: str) -> None:
    document = yaml.safe_load(read_source(f"builtin:{name}")[0])
    errors = [e.message for e in validator.iter_errors(document)]
    assert errors == []


BASE: dict[str, Any] = {"version": 1, "name": "p", "rules": [{"id": "r", "action": "redact"}]}


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({}, True),
        ({"purposes": ["support", {"id": "analytics", "roles": ["analyst"]}]}, True),
        ({"rules": [{"id": "r", "action": "block", "mode": "monitor"}]}, True),
        ({"rules": [{"id": "r", "acton": "redact"}]}, False),
        ({"rules": [{"id": "r", "action": "shred"}]}, False),
        ({"rules": [{"id": "r", "action": "redact", "mode": "shadow"}]}, False),
        ({"mode": "audit"}, False),
        ({"detection": {"threshold": "high"}}, False),
        ({"extra": 1}, False),
        ({"version": 2}, False),
    ],
)
def test_schema_follows_the_models(validator: Draft202012Validator, change: dict[str, Any],
                                   valid: bool) -> None:
    assert validator.is_valid(BASE | change) is valid


def test_schema_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["properties"]["rules"]["minItems"] == 1
