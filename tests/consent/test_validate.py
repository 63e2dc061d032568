"""A consent names what the active policy declares: its purposes and categories."""

from __future__ import annotations

import pytest

from qorgan.consent.validate import Vocabulary, check_grant
from qorgan.errors import PayloadError
from qorgan.policy.loader import load_policy, parse_policy

POLICY = parse_policy("""\
version: 1
name: bank
categories:
  identity: [PERSON]
  national_id: [KZ_IIN]
purposes:
  - support
  - analytics
  - {id: marketing, denied: true}
rules:
  - {id: default, action: redact}
""", "bank.yaml").policy


@pytest.mark.parametrize(
    ("purpose", "categories", "field", "message"),
    [
        ("supprt", (), "purpose", "(did you mean 'support'?); declared: analytics, marketing, "
                                  "support"),
        ("marketing", (), "purpose", "purpose 'marketing' is prohibited by policy 'bank'"),
        ("support", ("identiti",), "categories", "category 1 of 1 is not declared by policy "
                                                 "'bank' (did you mean 'identity'?)"),
        ("support", ("identity", "zzz"), "categories", "category 2 of 2 is not declared"),
    ],
)
def test_refused(purpose: str, categories: tuple[str, ...], field: str, message: str) -> None:
    with pytest.raises(PayloadError) as raised:
        check_grant(Vocabulary.of(POLICY), purpose=purpose, categories=categories)
    assert raised.value.code == "invalid_value"
    assert raised.value.details == {"field": field}
    assert message in raised.value.message
    if purpose != "marketing":
        assert f"'{purpose}'" not in raised.value.message  # the value sent is not repeated


@pytest.mark.parametrize("categories", [(), ("identity",), ("identity", "national_id")])
def test_accepted(categories: tuple[str, ...]) -> None:
    check_grant(Vocabulary.of(POLICY), purpose="support", categories=categories)


def test_a_policy_without_purposes_accepts_any_purpose() -> None:
    vocabulary = Vocabulary.of(load_policy("builtin:default").policy)
    check_grant(vocabulary, purpose="anything", categories=("contact",))
    with pytest.raises(PayloadError, match="is not declared by policy 'default'"):
        check_grant(vocabulary, purpose="anything", categories=("contacts",))
