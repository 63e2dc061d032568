from __future__ import annotations

import pytest

from qorgan.errors import ConfigError
from qorgan.transform import Keyring

MASTER = bytes(range(32))


def test_keys_are_deterministic_and_separated_by_purpose_and_tenant() -> None:
    ring = Keyring(MASTER)
    keys = {
        (purpose, tenant): ring.key(purpose, tenant)
        for purpose in ("hash", "encrypt", "vault")
        for tenant in ("acme", "globex")
    }
    assert len(set(keys.values())) == len(keys)
    assert all(len(k) == 32 for k in keys.values())
    assert Keyring(MASTER).key("hash", "acme") == keys[("hash", "acme")]
    assert Keyring(bytes(32)).key("hash", "acme") != keys[("hash", "acme")]


@pytest.mark.parametrize("master", [b"", b"short", bytes(31)])
def test_short_master_key_is_a_config_error(master: bytes) -> None:
    with pytest.raises(ConfigError, match="at least 32 bytes"):
        Keyring(master)


def test_repr_never_shows_key_material() -> None:
    assert MASTER.hex() not in repr(Keyring(MASTER))
    assert repr(Keyring(MASTER)) == "Keyring(<redacted>)"
