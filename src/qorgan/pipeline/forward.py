"""The seventh step: the request as the upstream receives it — the (rewritten) body, and
only the headers it may see. The upstream itself is configuration, never the client's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qorgan.audit.tracing import inject_headers
from qorgan.pipeline.context import RequestContext
from qorgan.pipeline.messages import GuardRequest, UpstreamRequest
from qorgan.pipeline.payload import dump_json
from qorgan.policy.engine import PolicyEngine
from qorgan.providers import Provider

#: request headers never forwarded: hop-by-hop, qorgan's own, and what is recomputed
_DROP_REQUEST_HEADERS = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length",
        "content-encoding", "accept-encoding", "x-qorgan-key", "traceparent", "tracestate",
        # the caller's trace state and baggage are free text it chooses: recomputed, never
        # passed on
        "baggage", "cookie", "forwarded", "x-forwarded-for", "x-forwarded-host",
        "x-forwarded-proto", "x-real-ip",
    }
)
_CREDENTIAL_HEADERS = ("authorization", "x-api-key", "api-key")


def upstream_headers(
    engine: PolicyEngine,
    provider: Provider,
    incoming: Mapping[str, str],
    *,
    consumed: bool,
    upstream_key: str | None,
) -> dict[str, str]:
    """What the upstream may see of the caller's headers, plus the configured credential and
    the current trace context."""
    names = engine.context
    own = {h.lower() for h in (names.subject_header, names.purpose_header,
                               names.conversation_header)}
    configured = engine.traffic.credentials == "configured"
    out: dict[str, str] = {}
    for name, value in incoming.items():
        if name in _DROP_REQUEST_HEADERS or name in own or name.startswith("x-qorgan-"):
            continue
        if name in _CREDENTIAL_HEADERS and (
            configured or (name == "authorization" and consumed)
        ):
            continue
        out[name] = value
    if configured and upstream_key:
        header, value = provider.credential_header(upstream_key)
        out[header] = value
    out["accept-encoding"] = "identity"  # compressed replies could not be scanned
    inject_headers(out)
    return out


def upstream_request(
    ctx: RequestContext, request: GuardRequest, body: Mapping[str, Any],
    upstream_key: str | None,
) -> UpstreamRequest:
    headers = upstream_headers(ctx.engine, ctx.endpoint.provider, request.headers,
                               consumed=ctx.consumed_authorization, upstream_key=upstream_key)
    headers["content-type"] = "application/json"
    return UpstreamRequest(method="POST", route=ctx.route, headers=headers,
                           body=dump_json(body), stream=ctx.stream, query=request.query)


__all__ = ["upstream_headers", "upstream_request"]
