"""OpenTelemetry metrics for the guard, with an optional Prometheus mirror.

Instruments (attribute names in brackets):

- ``qorgan.requests`` counter [``qorgan.decision``, ``qorgan.mode``, ``qorgan.route``]
- ``qorgan.findings`` counter [``qorgan.entity_type``, ``qorgan.direction``]
- ``qorgan.blocks`` counter [``qorgan.rule_id``]
- ``qorgan.stage.duration`` histogram, seconds [``qorgan.stage``: detect, decide,
  transform, upstream, total]
- ``qorgan.audit.log_errors`` counter [``qorgan.error``]

and the semantic-convention instruments:

- ``gen_ai.client.operation.duration`` histogram, seconds, and ``gen_ai.client.token.usage``
  histogram, tokens [``gen_ai.operation.name``, ``gen_ai.provider.name``,
  ``gen_ai.request.model``, ``gen_ai.token.type`` (usage only), ``error.type``]
- ``http.server.request.duration`` histogram, seconds [``http.request.method``,
  ``http.route``, ``http.response.status_code``, ``url.scheme``, ``error.type``] (the sidecar)

Every attribute value comes from configuration (rule ids, entity types, route templates)
or a fixed set (methods, statuses), so the cardinality is bounded by the policy; model names
are the client's to choose, so only the first ``MAX_MODELS`` identifier-shaped ones get a
series of their own and the rest are counted as ``_OTHER``. The Prometheus mirror also
serves the process and Python runtime collectors (``process_*``, ``python_*``).

The OpenTelemetry Prometheus exporter is not a dependency; ``prometheus=True`` keeps a
``prometheus_client`` registry in step with the OpenTelemetry instruments, and
``prometheus_asgi_app()`` serves it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from opentelemetry import metrics as otel_metrics
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as genai
from opentelemetry.semconv._incubating.metrics import gen_ai_metrics
from opentelemetry.semconv.attributes import error_attributes, http_attributes, url_attributes
from opentelemetry.semconv.metrics import http_metrics

from qorgan._version import __version__
from qorgan.audit._failsafe import failsafe
from qorgan.audit.record import AuditRecord, ident

STAGES = ("detect", "decide", "transform", "upstream", "total")
#: Seconds; a guard stage is usually milliseconds, an upstream call up to minutes.
DURATION_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    30.0, 60.0, 120.0,
)
#: the boundaries the GenAI and HTTP semantic conventions advise for their histograms
GENAI_DURATION_BUCKETS = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)
TOKEN_BUCKETS = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)
HTTP_DURATION_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)
MAX_MODELS = 64
OTHER = "_OTHER"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})


class _Bounded:
    """The first ``limit`` distinct values seen; every later one is ``OTHER``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, value: str | None) -> str:
        checked = ident(value[:128]) if value else None
        if checked is None:
            return OTHER
        with self._lock:
            if checked in self._seen:
                return checked
            if len(self._seen) < self.limit:
                self._seen.add(checked)
                return checked
        return OTHER


class _PrometheusMirror:
    def __init__(self) -> None:
        import prometheus_client as prom

        self.registry = prom.CollectorRegistry(auto_describe=True)
        self.requests = prom.Counter(
            "qorgan_requests", "Requests by decision", ["decision", "mode", "route"],
            registry=self.registry,
        )
        self.findings = prom.Counter(
            "qorgan_findings", "Personal-data findings by entity type",
            ["entity_type", "direction"], registry=self.registry,
        )
        self.blocks = prom.Counter(
            "qorgan_blocks", "Blocked requests by rule", ["rule_id"], registry=self.registry
        )
        self.duration = prom.Histogram(
            "qorgan_stage_duration_seconds", "Time spent per stage", ["stage"],
            buckets=DURATION_BUCKETS, registry=self.registry,
        )
        self.log_errors = prom.Counter(
            "qorgan_audit_log_errors", "Decision log failures", ["error"],
            registry=self.registry,
        )
        genai_labels = ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model",
                        "error_type"]
        self.genai_duration = prom.Histogram(
            "gen_ai_client_operation_duration_seconds", "GenAI operation duration",
            genai_labels, buckets=GENAI_DURATION_BUCKETS, registry=self.registry,
        )
        self.genai_tokens = prom.Histogram(
            "gen_ai_client_token_usage", "Tokens used by GenAI operations",
            [*genai_labels[:3], "gen_ai_token_type"], buckets=TOKEN_BUCKETS,
            registry=self.registry,
        )
        self.http_duration = prom.Histogram(
            "http_server_request_duration_seconds", "Duration of HTTP server requests",
            ["http_request_method", "http_route", "http_response_status_code", "url_scheme",
             "error_type"],
            buckets=HTTP_DURATION_BUCKETS, registry=self.registry,
        )
        # process (CPU, memory, file descriptors) and Python runtime (GC, version) series
        prom.ProcessCollector(registry=self.registry)
        prom.PlatformCollector(registry=self.registry)
        prom.GCCollector(registry=self.registry)


class Metrics:
    """The guard's instruments. Pass ``meter_provider`` to use one other than the global."""

    def __init__(
        self,
        *,
        meter_provider: otel_metrics.MeterProvider | None = None,
        prometheus: bool = False,
    ) -> None:
        meter = otel_metrics.get_meter("qorgan", __version__, meter_provider=meter_provider)
        self._requests = meter.create_counter(
            "qorgan.requests", unit="{request}", description="Requests by decision"
        )
        self._findings = meter.create_counter(
            "qorgan.findings", unit="{finding}", description="Findings by entity type"
        )
        self._blocks = meter.create_counter(
            "qorgan.blocks", unit="{request}", description="Blocked requests by rule"
        )
        self._duration = meter.create_histogram(
            "qorgan.stage.duration",
            unit="s",
            description="Time spent per guard stage",
            explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
        )
        self._log_errors = meter.create_counter(
            "qorgan.audit.log_errors", unit="{error}", description="Decision log failures"
        )
        self._genai_duration = meter.create_histogram(
            gen_ai_metrics.GEN_AI_CLIENT_OPERATION_DURATION, unit="s",
            description="GenAI operation duration",
            explicit_bucket_boundaries_advisory=list(GENAI_DURATION_BUCKETS),
        )
        self._genai_tokens = meter.create_histogram(
            gen_ai_metrics.GEN_AI_CLIENT_TOKEN_USAGE, unit="{token}",
            description="Number of input and output tokens used",
            explicit_bucket_boundaries_advisory=list(TOKEN_BUCKETS),
        )
        self._http_duration = meter.create_histogram(
            http_metrics.HTTP_SERVER_REQUEST_DURATION, unit="s",
            description="Duration of HTTP server requests",
            explicit_bucket_boundaries_advisory=list(HTTP_DURATION_BUCKETS),
        )
        self._models = _Bounded(MAX_MODELS)
        self._prom = _PrometheusMirror() if prometheus else None

    @property
    def prometheus_registry(self) -> Any:
        """The ``prometheus_client.CollectorRegistry`` mirror, or None."""
        return self._prom.registry if self._prom is not None else None

    @failsafe(None)
    def record(self, record: AuditRecord, stage_durations: Mapping[str, float]) -> None:
        """Count one finished request and its stage timings (seconds)."""
        decision = {"qorgan.decision": record.outcome, "qorgan.mode": record.mode,
                    "qorgan.route": record.route}
        self._requests.add(1, decision)
        directions: list[tuple[str, Mapping[str, int]]] = [("request", record.entities)]
        if record.response is not None:
            directions.append(("response", record.response.get("entities", {})))
        for direction, entities in directions:
            for entity, count in entities.items():
                self._findings.add(
                    count, {"qorgan.entity_type": entity, "qorgan.direction": direction}
                )
        blockers: tuple[str, ...] = ()
        if record.outcome == "block":
            blockers = record.block_rules or ("(request-denied)",)
            for rule in blockers:
                self._blocks.add(1, {"qorgan.rule_id": rule})
        durations = {s: float(v) for s, v in stage_durations.items() if s in STAGES and v >= 0}
        for stage, seconds in durations.items():
            self._duration.record(seconds, {"qorgan.stage": stage})
        if self._prom is not None:
            self._mirror(record, directions, blockers, durations)

    @failsafe(None)
    def genai_call(
        self, *, operation: str, provider: str, model: str | None, duration: float,
        input_tokens: int | None, output_tokens: int | None, error_type: str | None,
    ) -> None:
        """One model call: its duration and, when the answer reported them, its tokens."""
        attrs: dict[str, str] = {
            genai.GEN_AI_OPERATION_NAME: ident(operation) or OTHER,
            genai.GEN_AI_PROVIDER_NAME: ident(provider) or OTHER,
            genai.GEN_AI_REQUEST_MODEL: self._models(model),
        }
        timed = dict(attrs)
        if error_type:
            timed[error_attributes.ERROR_TYPE] = ident(error_type) or OTHER
        self._genai_duration.record(max(duration, 0.0), timed)
        tokens = [(kind, count) for kind, count in (("input", input_tokens),
                                                    ("output", output_tokens))
                  if count is not None]
        for kind, count in tokens:
            self._genai_tokens.record(count, {**attrs, genai.GEN_AI_TOKEN_TYPE: kind})
        prom = self._prom
        if prom is not None:
            values = list(timed.get(k, "") for k in (
                genai.GEN_AI_OPERATION_NAME, genai.GEN_AI_PROVIDER_NAME,
                genai.GEN_AI_REQUEST_MODEL, error_attributes.ERROR_TYPE))
            prom.genai_duration.labels(*values).observe(max(duration, 0.0))
            for kind, count in tokens:
                prom.genai_tokens.labels(*values[:3], kind).observe(count)

    @failsafe(None)
    def http_request(
        self, *, method: str, route: str, status: int, scheme: str, duration: float,
        error_type: str | None = None,
    ) -> None:
        """One HTTP request the sidecar served; ``route`` is a template."""
        attrs: dict[str, str | int] = {
            http_attributes.HTTP_REQUEST_METHOD: method if method in _METHODS else OTHER,
            http_attributes.HTTP_ROUTE: route,
            http_attributes.HTTP_RESPONSE_STATUS_CODE: int(status),
            url_attributes.URL_SCHEME: scheme if scheme in {"http", "https"} else OTHER,
        }
        if error_type:
            attrs[error_attributes.ERROR_TYPE] = error_type
        self._http_duration.record(max(duration, 0.0), attrs)
        if self._prom is not None:
            self._prom.http_duration.labels(
                attrs[http_attributes.HTTP_REQUEST_METHOD], route, str(int(status)),
                attrs[url_attributes.URL_SCHEME], error_type or "",
            ).observe(max(duration, 0.0))

    @failsafe(None)
    def log_error(self, error: str) -> None:
        self._log_errors.add(1, {"qorgan.error": error})
        if self._prom is not None:
            self._prom.log_errors.labels(error=error).inc()

    def _mirror(
        self,
        record: AuditRecord,
        directions: list[tuple[str, Mapping[str, int]]],
        blockers: tuple[str, ...],
        durations: Mapping[str, float],
    ) -> None:
        prom = self._prom
        if prom is None:
            return
        prom.requests.labels(decision=record.outcome, mode=record.mode, route=record.route).inc()
        for direction, entities in directions:
            for entity, count in entities.items():
                prom.findings.labels(entity_type=entity, direction=direction).inc(count)
        for rule in blockers:
            prom.blocks.labels(rule_id=rule).inc()
        for stage, seconds in durations.items():
            prom.duration.labels(stage=stage).observe(seconds)


def prometheus_asgi_app(metrics: Metrics) -> Any:
    """An ASGI app serving ``metrics``' Prometheus mirror (text exposition format)."""
    registry = metrics.prometheus_registry
    if registry is None:
        raise ValueError("these Metrics were built without prometheus=True")
    import prometheus_client as prom

    return prom.make_asgi_app(registry=registry)


_default: Metrics | None = None
_default_lock = threading.Lock()


def default_metrics() -> Metrics:
    """Metrics on the global meter provider, made on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Metrics()
        return _default
