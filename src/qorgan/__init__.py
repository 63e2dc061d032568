"""qorgan: a personal-data usage guard for AI model endpoints."""

from __future__ import annotations

from qorgan.errors import (
    AuthError,
    ConfigError,
    ConsentError,
    DetectionError,
    ForbiddenError,
    PayloadError,
    PolicyBlocked,
    PolicyError,
    QorganError,
    UpstreamError,
    UpstreamTimeout,
    VaultError,
)
from qorgan.types import Action, ConsentStatus, Finding, Principal, TextSlot

__version__ = "0.1.0"

__all__ = [
    "Action",
    "AuthError",
    "ConfigError",
    "ConsentError",
    "ConsentStatus",
    "DetectionError",
    "Finding",
    "ForbiddenError",
    "PayloadError",
    "PolicyBlocked",
    "PolicyError",
    "Principal",
    "QorganError",
    "TextSlot",
    "UpstreamError",
    "UpstreamTimeout",
    "VaultError",
    "__version__",
]
