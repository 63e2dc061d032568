"""The seventh step: the request as the upstream receives it — the (rewritten) body, and
only the headers it may see. The upstream itself is configuration, never the client's."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from qorgan.audit.tracing import inject_headers
from qorgan.pipeline.context import RequestContext
from qorgan.pipeline.messages import GuardRequest, UpstreamRequest
from qorgan.pipeline.payload import dump_json
from qorgan.policy.engine import PolicyEngine
from qorgan.providers import Provider

#: content negotiation, the one header every client may send a model API
_ACCEPT = re.compile(r"[\w.+*/;=, -]{1,256}")
_IDEMPOTENCY = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
#: the credential headers model APIs read
_CREDENTIAL_HEADERS = ("authorization", "x-api-key", "api-key")
_CREDENTIAL = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)?")


def allowed_headers(engine: PolicyEngine, provider: Provider) -> dict[str, re.Pattern[str]]:
    """The request headers an upstream may receive, each with the shape its value must
    have: content negotiation, the provider's own documented headers and the policy's
    ``traffic.forward_headers``. Every other header is dropped; qorgan sends its own trace
    context."""
    allowed = {"accept": _ACCEPT, "idempotency-key": _IDEMPOTENCY, **provider.headers}
    allowed.update(engine.forward_headers)
    return allowed


def upstream_headers(
    engine: PolicyEngine,
    provider: Provider,
    incoming: Mapping[str, str],
    *,
    own_credentials: frozenset[str],
    upstream_key: str | None,
) -> dict[str, str]:
    """What the upstream may see of the caller's headers: those on the allow-list whose
    value has the allowed shape, the caller's provider credential when the policy passes it
    through (never one of qorgan's own), then the configured credential and the trace
    context of qorgan's span."""
    allowed = allowed_headers(engine, provider)
    passthrough = engine.traffic.credentials == "passthrough"
    out: dict[str, str] = {}
    for name, value in incoming.items():
        if name in _CREDENTIAL_HEADERS:
            if passthrough and name not in own_credentials and _CREDENTIAL.fullmatch(value):
                out[name] = value
            continue
        shape = allowed.get(name)
        if shape is not None and shape.fullmatch(value):
            out[name] = value
    if not passthrough and upstream_key:
        header, value = provider.credential_header(upstream_key)
        out[header] = value
    out["accept-encoding"] = "identity"  # compressed replies could not be scanned
    inject_headers(out)
    return out


def upstream_request(
    ctx: RequestContext, request: GuardRequest, body: Mapping[str, Any], query: str,
    upstream_key: str | None,
) -> UpstreamRequest:
    headers = upstream_headers(ctx.engine, ctx.endpoint.provider, request.headers,
                               own_credentials=ctx.own_credentials, upstream_key=upstream_key)
    headers["content-type"] = "application/json"
    return UpstreamRequest(method="POST", route=ctx.route, headers=headers,
                           body=dump_json(body), stream=ctx.stream, query=query)


__all__ = ["allowed_headers", "upstream_headers", "upstream_request"]
