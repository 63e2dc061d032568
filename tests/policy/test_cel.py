from __future__ import annotations

import pytest

from qorgan.policy.cel import ConditionError, compile_condition


@pytest.mark.parametrize(
    ("source", "variables", "per_finding"),
    [
        ('destination.region != "KZ"', {"destination"}, False),
        ("finding.score > 0.5 && cross_border", {"finding", "cross_border"}, True),
        ('consent == "granted"', {"consent"}, True),
        ('principal.roles.exists(r, r == "admin")', {"principal"}, False),
        ("true", set(), False),
    ],
)
def test_compile_records_variables(source: str, variables: set[str], per_finding: bool) -> None:
    cond = compile_condition(source)
    assert cond.variables == variables
    assert cond.per_finding is per_finding


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("destination.region ==", "CEL does not compile"),
        ("", "empty condition"),
        ("user.id == 1", "unknown variables ['user']"),
        ("principal.rolez == 'admin'", "unknown field 'rolez' of principal"),
        ("purpose + 1", "CEL type error: no operator '.' for string and int"),
        ("purpose", "a condition is a bool, this one is string"),
    ],
)
def test_compile_errors(source: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        compile_condition(source)


@pytest.mark.parametrize(
    ("source", "activation", "result"),
    [
        ('purpose == "support"', {"purpose": "support"}, True),
        ("cross_border", {"cross_border": False}, False),
        ("purpose == null", {"purpose": None}, True),
    ],
)
def test_evaluate(source: str, activation: dict[str, object], result: bool) -> None:
    assert compile_condition(source).evaluate(activation) is result


@pytest.mark.parametrize(
    ("source", "activation", "message"),
    [
        # a dyn passes the type check; its value is still checked when evaluated
        ("dyn(purpose)", {"purpose": "secret-value-123"}, "result is str, not bool"),
        ("purpose.size() / 0 > 1", {"purpose": "secret-value-123"}, "evaluation failed"),
    ],
)
def test_evaluate_errors_carry_no_values(
    source: str, activation: dict[str, object], message: str
) -> None:
    with pytest.raises(ConditionError) as info:
        compile_condition(source).evaluate(activation)
    assert message in str(info.value)
    assert "secret-value-123" not in str(info.value)
