"""One exception tree for qorgan.

    QorganError                      500 internal_error
    ├── ConfigError                  500 config_error      (bad settings at start-up)
    ├── PolicyError                  500 policy_error      (invalid policy file)
    │   └── PolicyBlocked            403 policy_blocked    (a rule blocked the request)
    ├── PayloadError                 400 invalid_payload
    │   ├── PayloadTooLarge          413 payload_too_large
    │   ├── UnsupportedMediaType     415 unsupported_media_type
    │   ├── UnknownRoute             404 unknown_route
    │   ├── RequestTimeout           408 request_timeout (the body did not arrive in time)
    │   └── CapacityError            413 conversation_full (a conversation holds its most)
    │       └── TenantFull           429 tenant_full (a tenant holds its most conversations)
    ├── AuthError                    401 unauthenticated
    │   └── ForbiddenError           403 forbidden
    ├── ConsentError                 503 consent_unavailable (registry down)
    ├── DetectionError               503 detection_failed
    ├── VaultError                   503 vault_unavailable
    └── UpstreamError                502 upstream_error
        └── UpstreamTimeout          504 upstream_timeout

Every error has a stable ``code`` and an HTTP ``status``. Messages are written by qorgan
and never contain request content: callers must not format user data into them.
"""

from __future__ import annotations

from typing import Any


class QorganError(Exception):
    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        """``code`` refines the class's code (``invalid_json`` for a PayloadError, ...)."""
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        body.update(self.details)
        return {"error": body}


class ConfigError(QorganError):
    code = "config_error"


class PolicyError(QorganError):
    code = "policy_error"


class PolicyBlocked(PolicyError):
    status = 403
    code = "policy_blocked"


class PayloadError(QorganError):
    status = 400
    code = "invalid_payload"


class PayloadTooLarge(PayloadError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(PayloadError):
    status = 415
    code = "unsupported_media_type"


class UnknownRoute(PayloadError):
    status = 404
    code = "unknown_route"


class RequestTimeout(PayloadError):
    status = 408
    code = "request_timeout"


class CapacityError(PayloadError):
    status = 413
    code = "conversation_full"


class TenantFull(CapacityError):
    status = 429
    code = "tenant_full"


class AuthError(QorganError):
    status = 401
    code = "unauthenticated"


class ForbiddenError(AuthError):
    status = 403
    code = "forbidden"


class ConsentError(QorganError):
    status = 503
    code = "consent_unavailable"


class DetectionError(QorganError):
    status = 503
    code = "detection_failed"


class VaultError(QorganError):
    status = 503
    code = "vault_unavailable"


class UpstreamError(QorganError):
    status = 502
    code = "upstream_error"


class UpstreamTimeout(UpstreamError):
    status = 504
    code = "upstream_timeout"
