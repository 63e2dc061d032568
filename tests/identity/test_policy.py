"""Identity under the policy in force: authenticators built once per policy version, and
the keyed hashes that stand for a caller in scopes and telemetry."""

from __future__ import annotations

import pytest

from qorgan.identity import Identity
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.loader import load_policy
from qorgan.types import Principal

KEY = bytes(range(32))
DEFAULT = PolicyEngine(load_policy("builtin:default"))


def test_principal_ids_are_keyed_hashes() -> None:
    identity = Identity(KEY)
    alice = Principal(id="alice", roles=frozenset(), tenant="t1")
    assert identity.principal_id(Principal.anonymous()) == "anonymous"
    pid = identity.principal_id(alice)
    assert "alice" not in pid
    assert pid == identity.principal_id(alice)
    assert Identity(bytes(32)).principal_id(alice) != pid


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("t1", "alice", "c1"), ("t1", "alice", "c2")),
        (("t1", "alice", "c1"), ("t1", "bob", "c1")),
        (("t1", "alice", "c1"), ("t2", "alice", "c1")),
        (("t1", "al", "ice\x00c1"), ("t1", "alice", "c1")),
    ],
)
def test_conversation_keys_are_scoped(a: tuple[str, str, str], b: tuple[str, str, str]
                                      ) -> None:
    identity = Identity(KEY)

    def key(t: tuple[str, str, str]) -> str:
        return identity.conversation_key(Principal(id=t[1], roles=frozenset(), tenant=t[0]),
                                        t[2])

    assert key(a) == key(a)
    assert key(a) != key(b)


def test_authenticators_are_cached_per_policy_version() -> None:
    identity = Identity(KEY)
    assert identity.authenticator(DEFAULT.auth, DEFAULT.version) is None
    assert DEFAULT.version in identity._authenticators


def test_resolver_becomes_an_authenticator() -> None:
    identity = Identity(KEY, resolver=lambda headers: None)
    assert identity.authenticator(DEFAULT.auth, DEFAULT.version) is not None
