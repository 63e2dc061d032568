"""The audit trail: OpenTelemetry spans and metrics, and a chained, signed decision log.

Nothing here ever holds a personal value: records carry counts, rule ids and keyed hashes.
The Guard holds one ``Auditor`` and, per request::

    with auditor.span(operation=..., model=..., provider=..., route=...) as span:
        with auditor.stage("detect"):
            ...
        record = AuditRecord.from_decisions(request_decision=..., ...)
        auditor.finish(span, record, stage_durations)

Telemetry and the log are failsafe: they never raise into the request path.
"""

from __future__ import annotations

from qorgan.audit.auditor import Auditor
from qorgan.audit.log import AuditLogError, DecisionLog
from qorgan.audit.metrics import Metrics, default_metrics, prometheus_asgi_app
from qorgan.audit.query import query_subject
from qorgan.audit.record import AuditRecord, utc_timestamp
from qorgan.audit.report import render_report, write_report
from qorgan.audit.signing import (
    generate_signing_key,
    key_id,
    load_public_key,
    load_signing_key,
    public_key_pem,
)
from qorgan.audit.tracing import (
    child_span,
    get_tracer,
    inject_headers,
    record_decision,
    record_usage,
    request_span,
)
from qorgan.audit.verify import Problem, VerifyReport, verify_log

__all__ = [
    "AuditLogError",
    "AuditRecord",
    "Auditor",
    "DecisionLog",
    "Metrics",
    "Problem",
    "VerifyReport",
    "child_span",
    "default_metrics",
    "generate_signing_key",
    "get_tracer",
    "inject_headers",
    "key_id",
    "load_public_key",
    "load_signing_key",
    "prometheus_asgi_app",
    "public_key_pem",
    "query_subject",
    "record_decision",
    "record_usage",
    "render_report",
    "request_span",
    "utc_timestamp",
    "verify_log",
    "write_report",
]
