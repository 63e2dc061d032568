from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from qorgan.audit.otel import build_from_env, configure_from_env
from qorgan.audit.record import AuditRecord
from qorgan.audit.tracing import record_decision, request_span
from qorgan.errors import ConfigError

_OTEL_VARS = (
    "OTEL_SDK_DISABLED", "OTEL_SERVICE_NAME", "OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_RESOURCE_ATTRIBUTES",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _OTEL_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """Accepts connections (kernel backlog) and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        yield s.getsockname()[1]


@pytest.mark.parametrize(
    ("env", "traces", "metrics"),
    [
        ({}, False, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"}, True, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:9/v1/traces"}, True, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:9"}, False, False),
        ({"OTEL_TRACES_EXPORTER": "console"}, True, False),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "console"}, False, True),
        ({"OTEL_METRICS_EXPORTER": "prometheus"}, False, False),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
             "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
            True,
            True,
        ),
    ],
)
def test_providers_from_env(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], traces: bool, metrics: bool
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    telemetry = build_from_env()
    try:
        assert (telemetry.tracer_provider is not None, telemetry.meter_provider is not None) == (
            traces, metrics
        )
        if telemetry.tracer_provider is not None:
            assert telemetry.tracer_provider.resource.attributes["service.name"] == "qorgan"
    finally:
        telemetry.shutdown(2.0)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OTEL_TRACES_EXPORTER": "zipkin"}, "OTEL_TRACES_EXPORTER"),
        ({"OTEL_METRICS_EXPORTER": "statsd"}, "OTEL_METRICS_EXPORTER"),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
         "PROTOCOL"),
    ],
)
def test_bad_env(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=message):
        build_from_env()


def test_service_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "guard-eu")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    telemetry = build_from_env()
    assert telemetry.tracer_provider is not None
    assert telemetry.tracer_provider.resource.attributes["service.name"] == "guard-eu"
    telemetry.shutdown(1.0)


@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
@pytest.mark.parametrize("port_kind", ["closed", "silent"])
def test_unreachable_collector_never_delays_requests(
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    make_record: Callable[..., AuditRecord],
    protocol: str,
    port_kind: str,
) -> None:
    port = request.getfixturevalue(f"{port_kind}_port")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
    # an exporter that would wait (nearly) forever on a silent collector
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "600")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "10")  # export starts at once
    telemetry = build_from_env()
    assert telemetry.tracer_provider is not None
    record = make_record()

    def requests() -> None:
        for _ in range(50):
            with request_span(operation="chat", model="m", provider="openai",
                              route="/v1/chat", tracer_provider=telemetry.tracer_provider) as span:
                record_decision(span, record)

    # neither the request path nor the bounded shutdown waits for the exporter: each ends
    # while the exporter is still stuck (a liveness check, not a timing one)
    for step in (requests, lambda: telemetry.shutdown(0.3)):
        worker = threading.Thread(target=step, daemon=True)
        worker.start()
        worker.join(60)
        assert not worker.is_alive()


def test_configure_disabled_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry import metrics, trace

    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    before = (trace.get_tracer_provider(), metrics.get_meter_provider())
    shutdown = configure_from_env(shutdown_timeout=0.5)
    shutdown()
    shutdown()
    assert (trace.get_tracer_provider(), metrics.get_meter_provider()) == before
