from __future__ import annotations

import socket
import time
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
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "3")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "10")  # export starts at once
    telemetry = build_from_env()
    assert telemetry.tracer_provider is not None
    record = make_record()
    started = time.monotonic()
    for _ in range(50):
        with request_span(operation="chat", model="m", provider="openai", route="/v1/chat",
                          tracer_provider=telemetry.tracer_provider) as span:
            record_decision(span, record)
        time.sleep(0.001)
    request_path = time.monotonic() - started
    started = time.monotonic()
    telemetry.shutdown(0.3)
    shutdown = time.monotonic() - started
    # the exporter may wait 3 s per attempt; neither path may wait for it
    assert request_path < 2.5
    assert shutdown < 1.5


def test_configure_disabled_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry import metrics, trace

    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    before = (trace.get_tracer_provider(), metrics.get_meter_provider())
    shutdown = configure_from_env(shutdown_timeout=0.5)
    shutdown()
    shutdown()
    assert (trace.get_tracer_provider(), metrics.get_meter_provider()) == before
