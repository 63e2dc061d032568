"""Per-tenant keys derived from one master key.

Each purpose (``hash``, ``encrypt``, ``vault``, ``vault-index``) and tenant gets its own
32-byte key by HKDF-SHA256, so a key leaked for one tenant or purpose says nothing about
another, and rotating the master key rotates everything at once.
"""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from qorgan.errors import ConfigError

MIN_MASTER_KEY_BYTES = 32
_SALT = b"qorgan/keyring/v1"


class Keyring:
    """Derives ``key(purpose, tenant)``; derived keys are cached (they are cheap to keep)."""

    __slots__ = ("_cache", "_lock", "_master")

    def __init__(self, master: bytes) -> None:
        if not isinstance(master, bytes | bytearray) or len(master) < MIN_MASTER_KEY_BYTES:
            raise ConfigError(f"the master key must be at least {MIN_MASTER_KEY_BYTES} bytes")
        self._master = bytes(master)
        self._cache: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "Keyring(<redacted>)"

    def key(self, purpose: str, tenant: str) -> bytes:
        cache_key = (purpose, tenant)
        found = self._cache.get(cache_key)
        if found is not None:
            return found
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=_SALT,
            info=purpose.encode() + b"\x00" + tenant.encode(),
        )
        derived = hkdf.derive(self._master)
        with self._lock:
            self._cache[cache_key] = derived
        return derived
