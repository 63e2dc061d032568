"""Policy as code: schema, loader with positions, CEL conditions, decisions, tests, reload."""

from qorgan.policy.context import DecisionContext, Destination
from qorgan.policy.engine import IMPLICIT_DEFAULT, PolicyEngine
from qorgan.policy.loader import LoadedPolicy, load_policy, parse_policy
from qorgan.policy.reload import PolicyHolder
from qorgan.policy.schema import Policy
from qorgan.policy.testing import TestReport, run_policy_tests

__all__ = [
    "IMPLICIT_DEFAULT",
    "DecisionContext",
    "Destination",
    "LoadedPolicy",
    "Policy",
    "PolicyEngine",
    "PolicyHolder",
    "TestReport",
    "load_policy",
    "parse_policy",
    "run_policy_tests",
]
