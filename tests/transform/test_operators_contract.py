"""Every operator the transformer dispatches to: a new operator adds its entry to
``OPERATORS`` and is held to this contract."""

from __future__ import annotations

from typing import Any

import pytest

from qorgan.transform import Keyring
from qorgan.transform.operators import OPERATORS, VAULT_OPERATORS
from qorgan.types import Action

RING = Keyring(b"o" * 32)
VALUE = "Aigerim Serikova"
PARAMS: dict[Action, dict[str, Any]] = {Action.MASK: {"keep": 4}}


def test_every_action_is_an_operator_or_the_block_verdict() -> None:
    assert set(OPERATORS) | VAULT_OPERATORS | {Action.BLOCK} == set(Action)
    assert not set(OPERATORS) & VAULT_OPERATORS


@pytest.mark.parametrize("action", sorted(OPERATORS), ids=str)
def test_operators_hide_the_value_and_are_stable(action: Action) -> None:
    operator = OPERATORS[action]
    params = PARAMS.get(action, {})
    out = operator(RING, "acme", "PERSON", VALUE, params)
    if action is Action.ALLOW:
        assert out == VALUE
        return
    assert VALUE not in out
    assert "Serikova" not in out
    if action is not Action.ENCRYPT:  # encryption is randomised by its nonce
        assert operator(RING, "acme", "PERSON", VALUE, params) == out
