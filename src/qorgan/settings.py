"""Typed settings, read in one place: CLI flags first, then ``QORGAN_*`` variables, then defaults.

Every deployment (``qorgan serve``, the middleware, the transport) builds a ``Settings``;
nothing else in the package reads the environment.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlsplit

from qorgan.errors import ConfigError

log = logging.getLogger("qorgan.settings")

ENV_PREFIX = "QORGAN_"


def parse_key(raw: str, *, name: str) -> bytes:
    """A key given as hex (64 chars) or base64; at least 16 bytes."""
    raw = raw.strip()
    key: bytes | None = None
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        try:
            key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            key = None
    if key is None or len(key) < 16:
        raise ConfigError(f"{name} must be at least 16 bytes given as hex or base64")
    return key


def _bool(raw: str, *, name: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be true or false")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Runtime configuration. ``policy`` is a path or ``builtin:NAME``."""

    policy: str = "builtin:default"
    upstream: str | None = None
    upstream_api_key: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    api_prefix: str = "/v1"
    master_key: bytes | None = field(default=None, repr=False)
    subject_key: bytes | None = field(default=None, repr=False)
    vault_url: str = "memory"
    vault_ttl: float = 3600.0
    #: the most conversations one tenant keeps in the vault at once (new ones beyond it
    #: are refused, 429 tenant_full, until some expire)
    vault_max_conversations: int = 100_000
    consent_url: str | None = None
    consent_cache_ttl: float = 5.0
    audit_log: str | None = None
    audit_key_file: str | None = None
    audit_max_bytes: int = 64 * 1024 * 1024
    upstream_timeout: float = 120.0
    connect_timeout: float = 5.0
    detect_timeout: float = 10.0
    #: seconds a client may take to send a request body (a slow body is answered 408)
    body_timeout: float = 30.0
    #: seconds a changed policy file must stay unchanged before it is loaded
    policy_settle: float = 2.0
    detect_workers: int = 0  # 0: one per core
    #: milliseconds concurrent detections are collected into one batch (0: no batching)
    detect_batch_ms: float = 1.5
    #: characters one detection batch may hold
    detect_batch_chars: int = 16 * 1024
    #: seconds a stopping server lets requests under way finish before cancelling them
    #: (uvicorn's graceful shutdown; SIGTERM starts it)
    shutdown_grace: int = 30
    metrics: bool = False
    #: Presidio's analyzer and anonymizer REST contract under /presidio
    presidio_api: bool = False
    #: the policy playground page at /qorgan/ui
    ui: bool = False
    instance: str = field(default_factory=lambda: "qorgan-" + secrets.token_hex(4))
    log_level: str = "info"
    #: ``text`` or ``json``: one structured line per request and for every other log line
    log_format: str = "text"

    def __post_init__(self) -> None:
        if self.upstream is not None:
            parts = urlsplit(self.upstream)
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                raise ConfigError("upstream must be an absolute http(s) URL")
        if not 0 < self.port < 65536:
            raise ConfigError("port must be between 1 and 65535")
        if self.workers < 1:
            raise ConfigError("workers must be at least 1")
        if self.policy_settle < 0:
            raise ConfigError("policy_settle must not be negative")
        if self.vault_max_conversations < 1:
            raise ConfigError("vault_max_conversations must be at least 1")
        if not self.api_prefix.startswith("/"):
            raise ConfigError("api_prefix must start with '/'")
        for name in ("upstream_timeout", "connect_timeout", "detect_timeout", "vault_ttl",
                     "shutdown_grace", "body_timeout"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive")
        if self.detect_batch_ms < 0 or self.detect_batch_chars < 1:
            raise ConfigError("detect_batch_ms must be >= 0 and detect_batch_chars >= 1")
        if self.vault_url != "memory" and urlsplit(self.vault_url).scheme not in {
            "redis",
            "rediss",
        }:
            raise ConfigError("vault_url must be 'memory' or a redis:// URL")
        if self.log_format not in {"text", "json"}:
            raise ConfigError("QORGAN_LOG_FORMAT must be text or json")
        if self.log_level.lower() not in {"critical", "error", "warning", "info", "debug"}:
            raise ConfigError("QORGAN_LOG_LEVEL must be one of debug, info, warning, error")

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """Settings from ``QORGAN_*`` variables; ``overrides`` (CLI flags) win when not None."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            name = ENV_PREFIX + f.name.upper()
            if f.name in {"master_key", "subject_key"}:
                values[f.name] = parse_key(raw, name=name)
            elif f.type in ("int",):
                values[f.name] = _int(raw, name=name)
            elif f.type in ("float",):
                values[f.name] = _float(raw, name=name)
            elif f.type in ("bool",):
                values[f.name] = _bool(raw, name=name)
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_keys(self) -> Settings:
        """Fill in missing keys. Without a configured master key an ephemeral one is made:
        fine for one process, wrong for several replicas (they would not share pseudonyms)."""
        master = self.master_key
        if master is None:
            if self.workers > 1 or self.vault_url != "memory":
                raise ConfigError(
                    "QORGAN_MASTER_KEY is required with several workers or a shared vault"
                )
            log.warning("no QORGAN_MASTER_KEY configured: using an ephemeral key")
            master = secrets.token_bytes(32)
        subject = self.subject_key or master
        return replace(self, master_key=master, subject_key=subject)


def _int(raw: str, *, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer") from None


def _float(raw: str, *, name: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number") from None
