"""Transform operators, the pseudonym vault (memory, Redis) and restore."""

from __future__ import annotations

from qorgan.transform.keyring import Keyring
from qorgan.transform.operators import (
    Transformer,
    decrypt_token,
    encrypt_token,
    hash_token,
    mask,
    redact,
)
from qorgan.transform.placeholders import (
    MAX_PLACEHOLDER_LEN,
    PLACEHOLDER_RE,
    find_placeholders,
    normalize_value,
)
from qorgan.transform.redis_vault import RedisVault
from qorgan.transform.restore import TokenTable, max_token_len, partial_token_suffix, restore
from qorgan.transform.vault import MemoryVault, TokenRequest, Vault, VaultScope

__all__ = [
    "MAX_PLACEHOLDER_LEN",
    "PLACEHOLDER_RE",
    "Keyring",
    "MemoryVault",
    "RedisVault",
    "TokenRequest",
    "TokenTable",
    "Transformer",
    "Vault",
    "VaultScope",
    "decrypt_token",
    "encrypt_token",
    "find_placeholders",
    "hash_token",
    "mask",
    "max_token_len",
    "normalize_value",
    "partial_token_suffix",
    "redact",
    "restore",
]
