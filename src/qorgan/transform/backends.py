"""Opening the pseudonym vault a URL names: ``memory`` (one process) or ``redis://`` /
``rediss://`` (shared by replicas). A new vault is a module here implementing
:class:`~qorgan.transform.vault.Vault` and one scheme below."""

from __future__ import annotations

from urllib.parse import urlsplit

from qorgan.errors import ConfigError
from qorgan.transform.keyring import Keyring
from qorgan.transform.redis_vault import RedisVault
from qorgan.transform.vault import MemoryVault, Vault


def open_vault(url: str, keyring: Keyring, *, ttl: float, max_scopes: int = 100_000) -> Vault:
    """``max_scopes``: the most conversations one tenant holds at once."""
    if url == "memory":
        return MemoryVault(ttl=ttl, max_scopes=max_scopes)
    if urlsplit(url).scheme in {"redis", "rediss"}:
        return RedisVault(url, keyring, ttl=ttl, max_scopes=max_scopes)
    raise ConfigError("the vault URL must be 'memory' or a redis:// URL")


__all__ = ["open_vault"]
