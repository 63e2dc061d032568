"""Conditions are type-checked against the declared environment at load: unknown fields and
type errors are found before any request, with their place in the expression."""

from __future__ import annotations

import pytest

from qorgan.errors import PolicyError
from qorgan.policy.celtypes import CheckError, check, check_condition
from qorgan.policy.loader import parse_policy


@pytest.mark.parametrize(
    ("source", "type_name"),
    [
        ("principal.roles", "list(string)"),
        ("'admin' in principal.roles", "bool"),
        ("finding.score * 2.0", "double"),
        ("size(principal.roles) + 1", "int"),
        ("destination.model.startsWith('gpt')", "bool"),
        ("purpose == null || purpose == 'support'", "bool"),
        ("principal.roles.exists(r, r.endsWith('-agent'))", "bool"),
        ("principal.roles.map(r, size(r))", "list(int)"),
        ("cross_border ? 'abroad' : 'home'", "string"),
        ("request.route == 'chat/completions' && !request.cross_border", "bool"),
        ("{'a': 1}['a'] > 0", "bool"),
        ("consent in ['granted', 'none']", "bool"),
        ("dyn(purpose).anything", "dyn"),
    ],
)
def test_well_typed_expressions(source: str, type_name: str) -> None:
    result = check(source)
    assert result is not None
    assert str(result) == type_name


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("principal.rolez == 'admin'", "unknown field 'rolez' of principal (did you mean "
                                       "'roles'?)", 10),
        ("purpose + 1", "no operator '+' for string and int", 8),
        ("finding.score > 'high'", "no operator '>' for double and string", 14),
        ("destination.region == 1", "no operator '==' for string and int", 19),
        ("principal.roles.exists(r, r + 1)", "no operator '+' for string and int", 28),
        ("cross_border && purpose", "'&&' needs a bool, not string", 13),
        ("!purpose", "'!' needs a bool, not string", 0),
        ("principal.id.size > 1", "cannot select field 'size' from string", 13),
        ("finding.score.startsWith('x')", "no method 'startsWith' on double", 14),
        ("'x' in principal.tenant", "no operator 'in' for string and string", 4),
        ("destinaton.id == 'x'", "unknown variable 'destinaton' (did you mean "
                                 "'destination'?)", 0),
    ],
)
def test_type_errors_name_the_problem_and_where(source: str, message: str, offset: int) -> None:
    with pytest.raises(CheckError) as raised:
        check_condition(source)
    assert str(raised.value).startswith(message)
    assert raised.value.offset == offset


def test_a_condition_must_be_a_bool() -> None:
    with pytest.raises(CheckError, match="a condition is a bool, this one is double"):
        check_condition("finding.score")


POLICY = """\
version: 1
name: typed
categories:
  contact: [EMAIL_ADDRESS]
rules:
  - id: admins
    when: "principal.rolez == 'admin'"
    action: allow
  - id: numbers
    when: purpose + 1
    action: redact
  - {id: default, action: redact}
"""


def test_validate_reports_each_with_file_line_and_column() -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(POLICY, "typed.yaml")
    lines = raised.value.message.splitlines()
    assert lines == [
        "typed.yaml:7:22: rules[0].when: CEL type error: unknown field 'rolez' of principal "
        "(did you mean 'roles'?); valid: id, roles, tenant",
        "typed.yaml:10:19: rules[1].when: CEL type error: no operator '+' for string and int",
    ]


@pytest.mark.parametrize("name", ["default", "kz-pdl", "gdpr"])
def test_bundled_policies_type_check(name: str) -> None:
    from qorgan.policy.loader import load_policy

    loaded = load_policy(f"builtin:{name}")
    for spec in loaded.policy.rules:
        if spec.when is not None:
            check_condition(spec.when)
