"""Rule conditions in CEL: compiled once at load, evaluated per request or per finding.

Variables a condition can use:

    principal     {id, roles, tenant}
    purpose       string or null
    destination   {id, region, risk, model, provider}
    finding       {entity_type, category, score}
    direction     "request" | "response"
    cross_border  bool (destination region differs from the policy's home region)
    consent       consent status for the finding's category ("granted", "none", ...)
    request       {route, direction, cross_border}

Each condition is also type-checked at load against these declarations
(``qorgan.policy.celtypes.ENVIRONMENT``): an unknown field or a type error is a policy error
with the line and column of the offending part, not a failure on every request.

Converting Python values into a CEL activation costs far more than evaluating a small
expression, so a condition records which variables it reads: one that reads neither
``finding`` nor ``consent`` is evaluated once per request, the others once per distinct
finding shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cel

from qorgan.policy.celtypes import CheckError, check_condition

VARIABLES: frozenset[str] = frozenset(
    {"principal", "purpose", "destination", "finding", "direction", "cross_border", "consent",
     "request"}
)
#: variables whose value depends on the finding, not only on the request
PER_FINDING: frozenset[str] = frozenset({"finding", "consent"})


class ConditionError(ValueError):
    """A condition failed to evaluate or did not yield a bool. Carries no values."""


class ConditionTypeError(ValueError):
    """A condition does not type-check; ``offset`` is where in the expression."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Condition:
    source: str
    program: Any  # cel.Program (untyped extension)
    variables: frozenset[str]

    @property
    def per_finding(self) -> bool:
        return bool(self.variables & PER_FINDING)

    def evaluate(self, activation: Mapping[str, Any]) -> bool:
        """True or False; anything else (an error, a non-bool) raises ``ConditionError``."""
        try:
            result = self.program.execute({k: activation[k] for k in self.variables})
        except Exception as exc:  # the extension raises many types
            # The type name only: the extension's message may quote request values.
            raise ConditionError(f"evaluation failed ({type(exc).__name__})") from exc
        if not isinstance(result, bool):
            raise ConditionError(f"result is {type(result).__name__}, not bool")
        return result


def compile_condition(source: str) -> Condition:
    """Compile ``source``; raises ``ValueError`` naming the problem (syntax, unknown variable)."""
    if not source.strip():
        raise ValueError("empty condition")
    try:
        program = cel.compile(source)
    except Exception as exc:  # the extension raises ValueError and others
        detail = str(exc).splitlines()
        reason = next((line for line in detail if "ERROR" in line), detail[0] if detail else "")
        reason = reason.split("ERROR: <input>:", 1)[-1].strip()
        raise ValueError(f"CEL does not compile: {reason}") from exc
    named = frozenset(str(v) for v in program.variables())
    # Comprehension variables (``exists(r, ...)``) are listed too, so an unknown name is only
    # an error when evaluating against a sample activation says it is undefined.
    unknown = named - VARIABLES
    if unknown and _undefined(program):
        raise ValueError(
            f"CEL uses unknown variables {sorted(unknown)}; valid: {', '.join(sorted(VARIABLES))}"
        )
    try:
        check_condition(source)
    except CheckError as exc:
        raise ConditionTypeError(f"CEL type error: {exc}", exc.offset) from None
    return Condition(source=source, program=program, variables=named & VARIABLES)


_SAMPLE: dict[str, Any] = {
    "principal": {"id": "", "roles": [], "tenant": ""},
    "purpose": "",
    "destination": {"id": "", "region": "", "risk": "", "model": "", "provider": ""},
    "finding": {"entity_type": "", "category": "", "score": 0.0},
    "direction": "request",
    "cross_border": False,
    "consent": "none",
    "request": {"route": "", "direction": "request", "cross_border": False},
}


def _undefined(program: Any) -> bool:
    try:
        program.execute(_SAMPLE)
    except Exception as exc:  # noqa: BLE001 - only the undefined-name case matters here
        return "Undefined variable" in str(exc)
    return False
