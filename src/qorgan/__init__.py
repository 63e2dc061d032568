"""qorgan: a personal-data usage guard for AI model endpoints.

    from qorgan import GuardMiddleware, GuardTransport

The heavy parts (Presidio, spaCy) load on first use of a name that needs them, so
``import qorgan`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from qorgan._version import __version__
from qorgan.errors import (
    AuthError,
    CapacityError,
    ConfigError,
    ConsentError,
    DetectionError,
    ForbiddenError,
    PayloadError,
    PayloadTooLarge,
    PolicyBlocked,
    PolicyError,
    QorganError,
    RequestTimeout,
    TenantFull,
    UnknownRoute,
    UnsupportedMediaType,
    UpstreamError,
    UpstreamTimeout,
    VaultError,
)
from qorgan.types import Action, ConsentStatus, Direction, Finding, Principal, TextSlot

if TYPE_CHECKING:
    from qorgan.decision import Decision, FindingDecision, MonitoredRule
    from qorgan.detection.config import DetectionConfig
    from qorgan.detection.default import build_detector
    from qorgan.detection.engine import Detector
    from qorgan.edges.middleware import GuardMiddleware
    from qorgan.edges.proxy import ProxyApp
    from qorgan.edges.transport import GuardTransport
    from qorgan.pipeline import Guard, GuardRequest, GuardResponse, Runtime
    from qorgan.policy.engine import PolicyEngine
    from qorgan.policy.loader import load_policy
    from qorgan.settings import Settings

_LAZY = {
    "Decision": "qorgan.decision",
    "FindingDecision": "qorgan.decision",
    "MonitoredRule": "qorgan.decision",
    "DetectionConfig": "qorgan.detection.config",
    "Detector": "qorgan.detection.engine",
    "build_detector": "qorgan.detection.default",
    "Guard": "qorgan.pipeline",
    "GuardRequest": "qorgan.pipeline",
    "GuardResponse": "qorgan.pipeline",
    "GuardMiddleware": "qorgan.edges.middleware",
    "GuardTransport": "qorgan.edges.transport",
    "PolicyEngine": "qorgan.policy.engine",
    "load_policy": "qorgan.policy.loader",
    "ProxyApp": "qorgan.edges.proxy",
    "Runtime": "qorgan.pipeline",
    "Settings": "qorgan.settings",
}

__all__ = [
    "Action",
    "AuthError",
    "CapacityError",
    "ConfigError",
    "ConsentError",
    "ConsentStatus",
    "Decision",
    "DetectionConfig",
    "DetectionError",
    "Detector",
    "Direction",
    "Finding",
    "FindingDecision",
    "ForbiddenError",
    "Guard",
    "GuardMiddleware",
    "GuardRequest",
    "GuardResponse",
    "GuardTransport",
    "MonitoredRule",
    "PayloadError",
    "PayloadTooLarge",
    "PolicyBlocked",
    "PolicyEngine",
    "PolicyError",
    "Principal",
    "ProxyApp",
    "QorganError",
    "RequestTimeout",
    "Runtime",
    "Settings",
    "TenantFull",
    "TextSlot",
    "UnknownRoute",
    "UnsupportedMediaType",
    "UpstreamError",
    "UpstreamTimeout",
    "VaultError",
    "__version__",
    "build_detector",
    "load_policy",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qorgan' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
