from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from qorgan.errors import PolicyError
from qorgan.policy.loader import builtin_names, dotted, load_policy, parse_policy
from qorgan.types import Action

BASE = """\
version: 1
name: t
detection:
  entities: [PERSON, EMAIL_ADDRESS, SECRET]
categories:
  identity: [PERSON]
  contact: [EMAIL_ADDRESS]
purposes: [support]
rules:
  - id: first
    categories: [contact]
    action: mask
    params: {keep: 2}
  - id: fallback
    action: redact
"""


def test_valid_policy_loads_with_version_and_rules() -> None:
    loaded = parse_policy(BASE, "p.yaml")
    assert loaded.version == hashlib.sha256(BASE.encode()).hexdigest()
    assert [r.id for r in loaded.rules] == ["first", "fallback"]
    assert loaded.policy.rules[0].action is Action.MASK
    assert loaded.policy.rules[0].operator_params(Action.MASK) == {"keep": 2, "char": "*"}
    assert loaded.policy.purposes[0].id == "support"
    assert loaded.source == "p.yaml"


@pytest.mark.parametrize(
    ("old", "new", "prefix", "fragment"),
    [
        pytest.param(
            "    action: mask\n",
            "    acton: mask\n",
            "p.yaml:12:5: rules[0].acton: unknown key 'acton' (did you mean 'action'?)",
            "valid keys: action, categories,",
            id="misspelt-rule-key",
        ),
        pytest.param(
            "detection:\n",
            "detecton:\n",
            "p.yaml:3:1: detecton: unknown key 'detecton' (did you mean 'detection'?)",
            "valid keys: auth, categories,",
            id="misspelt-top-level-key",
        ),
        pytest.param(
            "    action: mask\n",
            "    action: obliterate\n",
            "p.yaml:12:13: rules[0].action: ",
            "'allow'",
            id="unknown-action",
        ),
        pytest.param(
            "version: 1\n",
            "version: 2\n",
            "p.yaml:1:10: version: ",
            "1",
            id="wrong-version",
        ),
        pytest.param(
            "    params: {keep: 2}\n",
            "    params: {keep: many}\n",
            "p.yaml:13:13: rules[0].params: keep: ",
            "integer",
            id="wrong-param-type",
        ),
        pytest.param(
            "    params: {keep: 2}\n",
            "    params: {kept: 2}\n",
            "p.yaml:13:13: rules[0].params: unknown params ['kept'] for action mask",
            "valid: char, keep",
            id="unknown-param",
        ),
        pytest.param(
            "  - id: fallback\n    action: redact\n",
            "  - id: fallback\n    action: redact\n    when: 'destination.region ==='\n",
            "p.yaml:16:11: rules[1].when: CEL does not compile",
            "Syntax error",
            id="bad-cel",
        ),
        pytest.param(
            "  - id: fallback\n    action: redact\n",
            "  - id: fallback\n    action: redact\n    when: 'destinaton.region == \"KZ\"'\n",
            "p.yaml:16:11: rules[1].when: CEL uses unknown variables ['destinaton']",
            "valid: consent, cross_border",
            id="cel-unknown-variable",
        ),
        pytest.param(
            "  - id: fallback\n",
            "  - id: first\n",
            "p.yaml:14:9: rules[1].id: duplicate rule id 'first'",
            "",
            id="duplicate-rule-id",
        ),
        pytest.param(
            "    categories: [contact]\n",
            "    categories: [contacts]\n",
            "p.yaml:11:18: rules[0].categories[0]: unknown category 'contacts'",
            "did you mean 'contact'?",
            id="unknown-category",
        ),
        pytest.param(
            "  contact: [EMAIL_ADDRESS]\n",
            "  contact: [EMAIL_ADRESS]\n",
            "p.yaml:7:13: categories.contact[0]: unknown entity 'EMAIL_ADRESS'",
            "did you mean 'EMAIL_ADDRESS'?",
            id="unknown-entity-in-category",
        ),
        pytest.param(
            "  - id: fallback\n    action: redact\n",
            "  - id: fallback\n    action: redact\n    purposes: [suport]\n",
            "p.yaml:16:16: rules[1].purposes[0]: unknown purpose 'suport'",
            "did you mean 'support'?",
            id="unknown-purpose",
        ),
        pytest.param(
            "    action: mask\n",
            "    action: [mask\n",
            "p.yaml:13:11: (document): YAML syntax: ",
            "expected ',' or ']'",
            id="yaml-syntax",
        ),
        pytest.param(
            "  identity: [PERSON]\n",
            "  identity: [PERSON]\n  identity: [EMAIL_ADDRESS]\n",
            "p.yaml:7:3: categories.identity: duplicate key 'identity'",
            "",
            id="duplicate-yaml-key",
        ),
        pytest.param(
            "  - id: first\n",
            "  - description: no id\n",
            "p.yaml:10:5: rules[0].id: required key is missing",
            "",
            id="missing-required",
        ),
        pytest.param(
            "name: t\n",
            "name: t\nhome_region: Kazakhstan\n",
            "p.yaml:3:14: home_region: ",
            "two-letter",
            id="bad-region",
        ),
    ],
)
def test_errors_point_at_file_line_column(old: str, new: str, prefix: str, fragment: str) -> None:
    assert old in BASE
    text = BASE.replace(old, new, 1)
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "p.yaml")
    message = info.value.message
    assert message.startswith(prefix), message
    assert fragment in message


def test_every_problem_is_reported_in_document_order() -> None:
    text = BASE.replace("[contact]", "[contacts]").replace("id: fallback", "id: first")
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "p.yaml")
    lines = info.value.message.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["p.yaml:11:18", "p.yaml:14:9"]
    assert info.value.details["problems"] == 2


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("- just\n- a list\n", "p.yaml:1:1: (document): a policy is a YAML mapping"),
        ("", "p.yaml:1:1: (document): a policy is a YAML mapping"),
        (b"version: 1\nname: \xff\n", "p.yaml:1:1: (document): not UTF-8 text"),
    ],
)
def test_document_level_errors(text: str | bytes, prefix: str) -> None:
    with pytest.raises(PolicyError, match="^" + prefix.replace("(", r"\(").replace(")", r"\)")):
        parse_policy(text, "p.yaml")


def test_load_policy_reads_files_and_builtins(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(BASE)
    assert load_policy(path).version == parse_policy(BASE, "x").version
    assert set(builtin_names()) >= {"default", "kz-pdl", "gdpr"}
    assert load_policy("builtin:kz-pdl").policy.name == "kz-pdl"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("builtin:kz-pld", "no bundled policy 'kz-pld' (did you mean 'kz-pdl'?)"),
        ("/nonexistent/p.yaml", "/nonexistent/p.yaml: cannot read file"),
    ],
)
def test_unreadable_sources(path: str, message: str) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert message in info.value.message


@pytest.mark.parametrize(
    ("path", "text"),
    [((), "(document)"), (("rules", 2, "action"), "rules[2].action"), (("a", "b"), "a.b")],
)
def test_dotted(path: tuple[str | int, ...], text: str) -> None:
    assert dotted(path) == text
