"""The sidecar's HTTP side of telemetry: one SERVER span and one
``http.server.request.duration`` sample per request, by the HTTP semantic conventions.

The span is named ``{method} {route}`` where ``route`` is the template of what was asked
(``/v1/chat/completions``, ``/v1/{path}`` for a generic JSON route, ``/qorgan/consents/{path}``),
continues the caller's trace from its ``traceparent`` alone (``tracing.extract_parent``) and
carries ``http.request.method``, ``url.scheme``, ``url.path``, ``http.route``,
``server.address``, ``server.port``, ``network.protocol.version`` and
``http.response.status_code``. A path is client-chosen text: ``url.path`` is the path when it
is a known route and the route template otherwise (the conventions allow scrubbing it), and
neither the query string, the client's address nor its user agent is recorded.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.semconv.attributes import (
    error_attributes,
    http_attributes,
    network_attributes,
    server_attributes,
    url_attributes,
)
from opentelemetry.trace import SpanKind, Status, StatusCode

from qorgan.audit._failsafe import report_once
from qorgan.audit.metrics import Metrics
from qorgan.audit.tracing import attach_span, detach, extract_parent, get_tracer
from qorgan.types import Message, Scope, Send

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]")


class Exchange:
    """One request's SERVER span: ``wrap`` the ASGI ``send`` to learn the status."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.request_id: str | None = None

    def wrap(self, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.status = int(message["status"])
                for name, value in message.get("headers", ()):
                    if name.lower() == b"x-request-id":
                        self.request_id = value.decode("latin-1")
            await send(message)

        return sending


def _server(scope: Scope, headers: dict[str, str]) -> tuple[str | None, int | None]:
    host = headers.get("host", "")
    name, _, port_text = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not name:
        name, port_text = host, ""
    if _HOST.fullmatch(name):
        port = int(port_text) if port_text.isdigit() and int(port_text) < 65536 else None
        if port is None and not port_text:
            port = 443 if scope.get("scheme") == "https" else 80
        return name, port
    server = scope.get("server")
    if isinstance(server, tuple | list) and len(server) == 2:
        return str(server[0]), int(server[1])
    return None, None


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        if name in {"host", "traceparent"}:
            out[name] = raw_value.decode("latin-1")
    return out


@contextmanager
def server_span(
    scope: Scope, route: str | None, *, known: bool, metrics: Metrics | None,
    tracer_provider: trace.TracerProvider | None = None,
) -> Iterator[Exchange]:
    """The SERVER span of one HTTP request, current inside the block; ``route`` is its
    template (None: no route matched) and ``known`` says the path is that template."""
    exchange = Exchange()
    started = time.perf_counter()
    method = str(scope.get("method", "GET")).upper()
    method = method if method in _METHODS else "_OTHER"
    scheme = "https" if scope.get("scheme") == "https" else "http"
    span: Any = None
    token: object = None
    parent_token: object = None
    try:
        headers = _headers(scope)
        parent = extract_parent(headers)
        if parent is not None:
            parent_token = otel_context.attach(parent)
        address, port = _server(scope, headers)
        attributes: dict[str, Any] = {
            http_attributes.HTTP_REQUEST_METHOD: method,
            url_attributes.URL_SCHEME: scheme,
            url_attributes.URL_PATH: scope["path"] if known and route else (route or "/"),
        }
        if route:
            attributes[http_attributes.HTTP_ROUTE] = route
        if address:
            attributes[server_attributes.SERVER_ADDRESS] = address
        if port:
            attributes[server_attributes.SERVER_PORT] = port
        version = scope.get("http_version")
        if version in {"1.0", "1.1", "2", "3"}:
            attributes[network_attributes.NETWORK_PROTOCOL_VERSION] = version
        span = get_tracer(tracer_provider=tracer_provider).start_span(
            f"{method} {route}" if route else method, kind=SpanKind.SERVER,
            attributes=attributes)
        token = attach_span(span)
    except Exception as exc:  # noqa: BLE001 - telemetry never fails a request
        report_once("server_span", exc)
    failure: BaseException | None = None
    try:
        yield exchange
    except BaseException as exc:
        failure = exc
        raise
    finally:
        _finish(exchange, span, token, parent_token, failure, method=method, route=route,
                scheme=scheme, metrics=metrics, seconds=time.perf_counter() - started)


def _finish(
    exchange: Exchange, span: Any, token: object, parent_token: object,
    failure: BaseException | None, *, method: str, route: str | None, scheme: str,
    metrics: Metrics | None, seconds: float,
) -> None:
    status = exchange.status if exchange.status is not None else 500
    error_type: str | None = None
    if failure is not None and exchange.status is None:
        error_type = type(failure).__name__
    elif status >= 500:
        error_type = str(status)
    try:
        if span is not None and span.is_recording():
            span.set_attribute(http_attributes.HTTP_RESPONSE_STATUS_CODE, status)
            if error_type is not None:
                span.set_attribute(error_attributes.ERROR_TYPE, error_type)
                span.set_status(Status(StatusCode.ERROR))
    except Exception as exc:  # noqa: BLE001
        report_once("server_span.finish", exc)
    finally:
        detach(token)
        if span is not None:
            try:
                span.end()
            except Exception as exc:  # noqa: BLE001
                report_once("server_span.end", exc)
        detach(parent_token)
    if metrics is not None:
        metrics.http_request(method=method, route=route or "", status=status, scheme=scheme,
                             duration=seconds, error_type=error_type)


__all__ = ["Exchange", "server_span"]
