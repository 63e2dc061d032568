"""SDK set-up for ``qorgan serve`` from the standard ``OTEL_*`` variables.

Library code uses the OpenTelemetry API only; this module is the one place that builds
SDK providers, and only an application (the sidecar) calls it.

Variables read here (others, such as ``OTEL_EXPORTER_OTLP_ENDPOINT``, ``*_HEADERS``,
``OTEL_TRACES_SAMPLER``, ``OTEL_RESOURCE_ATTRIBUTES``, are read by the SDK itself):

- ``OTEL_SDK_DISABLED=true``: nothing is configured.
- ``OTEL_SERVICE_NAME``: default ``qorgan``.
- ``OTEL_TRACES_EXPORTER`` / ``OTEL_METRICS_EXPORTER``: comma list of ``otlp``, ``console``,
  ``none`` (metrics also accept ``prometheus``, served by ``Metrics(prometheus=True)``).
  The default is ``otlp`` when an OTLP endpoint variable is set, else ``none``: a sidecar
  without a collector should not spend its time failing to reach one.
- ``OTEL_EXPORTER_OTLP_PROTOCOL`` (or the ``_TRACES_``/``_METRICS_`` variants):
  ``http/protobuf`` (default) or ``grpc`` (the ``qorgan[otlp-grpc]`` extra).

Exporting never happens on the request path: spans go to a bounded queue
(``BatchSpanProcessor``, dropped when full) and a background thread exports them with a
timeout. The returned shutdown function is bounded too.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import metrics as otel_metrics
from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

from qorgan._version import __version__
from qorgan.errors import ConfigError
from qorgan.extras import requires

#: Bounds used when the matching OTEL_BSP_* / OTEL_METRIC_* / *_TIMEOUT variable is unset.
QUEUE_SIZE = 2048
BATCH_SIZE = 512
SCHEDULE_DELAY_MS = 2000
EXPORT_TIMEOUT_MS = 5000
EXPORTER_TIMEOUT_S = 5.0
_PROTOCOLS = ("http/protobuf", "grpc")
_GRPC_CONFIGURED = "OTEL_EXPORTER_OTLP_PROTOCOL is grpc"


@dataclass
class Telemetry:
    """Providers built from the environment; ``None`` where a signal is switched off."""

    tracer_provider: TracerProvider | None = None
    meter_provider: MeterProvider | None = None
    _done: bool = field(default=False, repr=False)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Flush and stop the providers, waiting at most ``timeout`` seconds."""
        if self._done:
            return
        self._done = True
        providers: list[Any] = [p for p in (self.tracer_provider, self.meter_provider) if p]
        if not providers:
            return

        def run() -> None:
            for provider in providers:
                try:
                    provider.shutdown()
                except Exception:  # noqa: BLE001, S112 - shutting down; nothing left to tell
                    continue

        worker = threading.Thread(target=run, name="qorgan-otel-shutdown", daemon=True)
        worker.start()
        worker.join(timeout)


def _env_list(env: Mapping[str, str], name: str, default: str) -> list[str]:
    raw = env.get(name, "").strip() or default
    return [item.strip().lower() for item in raw.split(",") if item.strip()]


def _protocol(env: Mapping[str, str], signal: str) -> str:
    protocol = (
        env.get(f"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL")
        or env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    ).strip()
    if protocol not in _PROTOCOLS:
        raise ConfigError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL must be one of {', '.join(_PROTOCOLS)}"
        )
    return protocol


def _timeout(env: Mapping[str, str], signal: str) -> float | None:
    if env.get("OTEL_EXPORTER_OTLP_TIMEOUT") or env.get(f"OTEL_EXPORTER_OTLP_{signal}_TIMEOUT"):
        return None  # the exporter reads it
    return EXPORTER_TIMEOUT_S


def _default_exporter(env: Mapping[str, str], signal: str) -> str:
    endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get(
        f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"
    )
    return "otlp" if endpoint else "none"


#: per signal: its variable, the extra names it accepts besides otlp/console/none, the
#: console exporter, and the OTLP exporter classes by protocol (module, class name)
_SIGNALS: dict[str, tuple[str, tuple[str, ...], type[Any], dict[str, tuple[str, str]]]] = {
    "TRACES": (
        "OTEL_TRACES_EXPORTER", (), ConsoleSpanExporter,
        {
            "grpc": ("opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
                     "OTLPSpanExporter"),
            "http/protobuf": ("opentelemetry.exporter.otlp.proto.http.trace_exporter",
                              "OTLPSpanExporter"),
        },
    ),
    "METRICS": (
        "OTEL_METRICS_EXPORTER", ("prometheus",), ConsoleMetricExporter,
        {
            "grpc": ("opentelemetry.exporter.otlp.proto.grpc.metric_exporter",
                     "OTLPMetricExporter"),
            "http/protobuf": ("opentelemetry.exporter.otlp.proto.http.metric_exporter",
                              "OTLPMetricExporter"),
        },
    ),
}


def _exporters(env: Mapping[str, str], signal: str) -> list[Any]:
    """The exporters ``OTEL_<SIGNAL>_EXPORTER`` names (``prometheus`` is served by
    ``Metrics(prometheus=True)``, not exported from here)."""
    variable, served_elsewhere, console, otlp = _SIGNALS[signal]
    exporters: list[Any] = []
    for name in _env_list(env, variable, _default_exporter(env, signal)):
        if name == "otlp":
            protocol = _protocol(env, signal)
            module, cls = otlp[protocol]
            extra = (requires("otlp-grpc", _GRPC_CONFIGURED) if protocol == "grpc"
                     else contextlib.nullcontext())
            with extra:
                exporter_type = getattr(importlib.import_module(module), cls)
            exporters.append(exporter_type(timeout=_timeout(env, signal)))
        elif name == "console":
            exporters.append(console())
        elif name != "none" and name not in served_elsewhere:
            valid = ", ".join(("otlp", "console", *served_elsewhere, "none"))
            raise ConfigError(f"{variable} must be one of {valid}")
    return exporters


def _span_exporters(env: Mapping[str, str]) -> list[SpanExporter]:
    return _exporters(env, "TRACES")


def _metric_exporters(env: Mapping[str, str]) -> list[MetricExporter]:
    return _exporters(env, "METRICS")


def _ms(env: Mapping[str, str], name: str, default: int) -> int | None:
    """``None`` lets the SDK read the variable itself; otherwise our bounded default."""
    return None if env.get(name) else default


def build_from_env(env: Mapping[str, str] | None = None) -> Telemetry:
    """SDK providers as the environment asks, without installing them globally."""
    env = os.environ if env is None else env
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return Telemetry()
    resource = Resource.create(
        {
            "service.name": env.get("OTEL_SERVICE_NAME") or "qorgan",
            "service.version": __version__,
        }
    )
    telemetry = Telemetry()
    span_exporters = _span_exporters(env)
    if span_exporters:
        tracer_provider = TracerProvider(resource=resource)
        for exporter in span_exporters:
            tracer_provider.add_span_processor(
                BatchSpanProcessor(
                    exporter,
                    max_queue_size=_ms(env, "OTEL_BSP_MAX_QUEUE_SIZE", QUEUE_SIZE),
                    schedule_delay_millis=_ms(env, "OTEL_BSP_SCHEDULE_DELAY", SCHEDULE_DELAY_MS),
                    max_export_batch_size=_ms(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", BATCH_SIZE),
                    export_timeout_millis=_ms(env, "OTEL_BSP_EXPORT_TIMEOUT", EXPORT_TIMEOUT_MS),
                )
            )
        telemetry.tracer_provider = tracer_provider
    readers: list[MetricReader] = [
        PeriodicExportingMetricReader(
            exporter,
            export_timeout_millis=_ms(env, "OTEL_METRIC_EXPORT_TIMEOUT", EXPORT_TIMEOUT_MS),
        )
        for exporter in _metric_exporters(env)
    ]
    if readers:
        telemetry.meter_provider = MeterProvider(resource=resource, metric_readers=readers)
    return telemetry


def configure_from_env(*, shutdown_timeout: float = 5.0) -> Callable[[], None]:
    """Install SDK providers globally from ``OTEL_*``; returns the (bounded) shutdown."""
    telemetry = build_from_env()
    if telemetry.tracer_provider is not None:
        trace.set_tracer_provider(telemetry.tracer_provider)
    if telemetry.meter_provider is not None:
        otel_metrics.set_meter_provider(telemetry.meter_provider)

    def shutdown() -> None:
        telemetry.shutdown(shutdown_timeout)

    return shutdown
