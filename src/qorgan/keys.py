"""Keyed hashes for identifiers that telemetry and storage may carry (never in clear)."""

from __future__ import annotations

import hashlib
import hmac


def keyed_hash(key: bytes, value: str, *, domain: str) -> str:
    """HMAC-SHA256 of ``value`` under ``key``, separated by ``domain`` ("subject", "principal").

    The result is hex and stable for a given key, so records about one subject can be
    joined without storing who the subject is.
    """
    if not key:
        raise ValueError("keyed_hash needs a non-empty key")
    mac = hmac.new(key, domain.encode() + b"\x00" + value.encode(), hashlib.sha256)
    return mac.hexdigest()
