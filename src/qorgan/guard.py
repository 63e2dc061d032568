"""The Guard: one request's path from identify to audit, framework-agnostic.

The middleware, the proxy and the transport translate HTTP into a :class:`GuardRequest` and
an :data:`Upstream` callable, and translate the :class:`GuardResponse` back. Nothing about
detection, policy or audit lives in them.

    identify -> context -> extract -> detect -> decide -> transform -> forward
             -> restore + scan (whole body, or stream event by event) -> audit

Protective steps fail closed: when detection, consent, the vault or the policy fails, nothing
is forwarded (503 with a code) unless the policy's ``on_error: allow`` says otherwise.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qorgan.audit.tracing import inject_headers
from qorgan.errors import (
    ConsentError,
    DetectionError,
    PayloadError,
    PayloadTooLarge,
    PolicyBlocked,
    PolicyError,
    QorganError,
    UnknownRoute,
    UpstreamError,
    VaultError,
)
from qorgan.exchange import Exchange
from qorgan.junctions import junctions, split_findings
from qorgan.payload import Limits, decode_content, dump_json, media_type, require_json_object
from qorgan.protocols import apply_slots, get_adapter
from qorgan.runtime import Runtime
from qorgan.scanner import ResponseScanner
from qorgan.types import Direction, Principal

if TYPE_CHECKING:
    from qorgan.policy.engine import PolicyEngine

log = logging.getLogger("qorgan.guard")

#: routes that carry no personal data and are forwarded without a body (SDKs list models)
READ_ONLY_ROUTES = ("models",)
#: request headers never forwarded: hop-by-hop, qorgan's own, and what is recomputed
_DROP_REQUEST_HEADERS = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length",
        "content-encoding", "accept-encoding", "x-qorgan-key", "traceparent", "tracestate",
        "cookie", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
        "x-real-ip",
    }
)
_CREDENTIAL_HEADERS = ("authorization", "x-api-key", "api-key")
_DROP_RESPONSE_HEADERS = frozenset(
    {
        "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding",
        "upgrade", "trailer", "proxy-authenticate", "date", "server",
    }
)
_PROTECTIVE = (DetectionError, ConsentError, VaultError, PolicyError)


@dataclass(frozen=True, slots=True)
class GuardRequest:
    method: str
    route: str  #: the path after the API prefix, without a leading slash
    headers: Mapping[str, str]  #: lower-case names
    body: bytes = b""
    query: str = ""


@dataclass(slots=True)
class UpstreamRequest:
    method: str
    route: str
    headers: dict[str, str]
    body: bytes
    stream: bool
    query: str = ""


@dataclass(slots=True)
class UpstreamResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes | None = None
    chunks: AsyncIterator[bytes] | None = None


Upstream = Callable[[UpstreamRequest], Awaitable[UpstreamResponse]]


@dataclass(slots=True)
class GuardResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    chunks: AsyncIterator[bytes] | None = None


def error_response(exc: QorganError, request_id: str | None = None) -> GuardResponse:
    body = exc.to_dict()
    if request_id:
        body["error"]["request_id"] = request_id
    headers = [("content-type", "application/json")]
    if exc.status == 401:
        headers.append(("www-authenticate", 'Bearer realm="qorgan"'))
    if request_id:
        headers.append(("x-request-id", request_id))
    return GuardResponse(exc.status, headers, json.dumps(body).encode())


class Guard:
    """Runs the request path over a :class:`~qorgan.runtime.Runtime` (policy, detector,
    vault, consent, identity, audit), built once and shared by every request."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def handle(self, request: GuardRequest, upstream: Upstream) -> GuardResponse:
        request_id = secrets.token_hex(16)
        engine = self.runtime.policy()
        route = request.route.strip("/")
        if not _plain_route(route):
            return error_response(UnknownRoute("this route is not guarded"), request_id)
        if request.method in {"GET", "HEAD"} and _read_only(route) and not request.body:
            return await self._pass_read_only(request, upstream, request_id)
        adapter = get_adapter(route, generic=engine.traffic.unknown_routes == "generic")
        if adapter is None:
            return error_response(UnknownRoute("this route is not guarded"), request_id)
        ex = Exchange(
            runtime=self.runtime, engine=engine, adapter=adapter, route=route,
            request_id=request_id, started=time.perf_counter(),
        )
        ex.open_span(request.headers)
        try:
            forward = await self._prepare(ex, request)
            response = await self._forward(ex, forward, upstream)
            return await self._respond(ex, response)
        except QorganError as exc:
            ex.finish(status=exc.status, error=exc)
            return error_response(exc, request_id)
        except Exception as exc:  # noqa: BLE001 - a failure nobody planned for fails closed
            log.error("request %s failed: %s", request_id, type(exc).__name__)
            err = QorganError("internal error")
            ex.finish(status=500, error=err)
            return error_response(err, request_id)

    # -- request ----------------------------------------------------------------------------

    async def _prepare(self, ex: Exchange, request: GuardRequest) -> UpstreamRequest:
        engine = ex.engine
        traffic = engine.traffic
        limits = Limits(
            max_body_bytes=traffic.max_body_bytes,
            max_json_depth=traffic.max_json_depth,
            max_array_length=traffic.max_array_length,
        )
        if request.method != "POST":
            raise PayloadError("guarded routes accept POST only", code="method_not_allowed")
        if len(request.body) > limits.max_body_bytes:
            raise PayloadTooLarge(f"request body exceeds {limits.max_body_bytes} bytes")
        raw = decode_content(request.body, request.headers.get("content-encoding"), limits)
        body = require_json_object(raw, request.headers.get("content-type"), limits)
        principal = await self._identify(ex, request.headers)
        ex.set_context(principal, request.headers, body)
        slots = ex.adapter.request_slots(body)
        original = body
        try:
            texts = [slot.text for slot in slots]
            # keys go as one text, one line each: a body of many keys costs one analysis
            keys = "\n".join(free_form_keys(body))
            # the joints between neighbouring texts are scanned too: a value cut in two
            # across messages or content parts is whole again there (junctions.py)
            joints = junctions(texts)
            with ex.stage("detect"):
                # identifiers and addresses are what gets cut in two; names across a joint
                # would not read as names, so the joints skip NER
                found, at_joints = await self.runtime.detect_many(engine, [
                    ([*texts, keys] if keys else texts, True),
                    ([j.text for j in joints], False),
                ])
            n = len(texts)
            findings = split_findings(texts, found[:n], joints, at_joints)
            if engine.mode == "enforce" and any(found[n:]):
                # a key cannot be rewritten without breaking what reads it: refuse instead
                raise PayloadError("a JSON object key holds personal data; move it into a value",
                                   code="personal_data_in_key")
            await ex.load_consent()
            with ex.stage("decide"):
                decision = engine.decide(findings, ex.context(Direction.REQUEST), ex.consent)
            ex.request_decision = decision
            if decision.blocked and decision.enforced:
                raise PolicyBlocked(
                    "request blocked by policy",
                    rules=list(decision.block_rules),
                    categories=sorted(
                        {fd.category or fd.finding.entity_type for fd in decision.findings
                         if fd.rule_id in decision.block_rules}
                    ),
                    **({"reason": decision.denied_reason} if decision.denied_reason else {}),
                )
            if decision.enforced:
                with ex.stage("transform"):
                    new_texts = await ex.transform_request(slots, decision)
                if any(new != slot.text for new, slot in zip(new_texts, slots, strict=True)):
                    body = apply_slots(body, slots, new_texts)
            await ex.load_tokens()
        except _PROTECTIVE as exc:
            if isinstance(exc, PolicyBlocked) or engine.on_error != "allow":
                raise
            # the policy chose availability over protection for failures: forward unchanged
            log.warning("request %s: %s; forwarded unchanged (on_error: allow)",
                        ex.request_id, exc.code)
            ex.degraded = exc
            body = original
        ex.stream = ex.adapter.is_stream(body)
        return UpstreamRequest(
            method="POST", route=ex.route, headers=self._forward_headers(ex, request.headers),
            body=dump_json(body),
            stream=ex.stream, query=request.query,
        )

    async def _identify(self, ex: Exchange, headers: Mapping[str, str]) -> Principal:
        principal, ex.consumed_authorization = await self._principal(ex.engine, headers)
        return principal

    async def _principal(
        self, engine: PolicyEngine, headers: Mapping[str, str]
    ) -> tuple[Principal, bool]:
        """The caller, and whether its ``Authorization`` header carried qorgan's own
        credential (which is then never forwarded upstream)."""
        auth = engine.auth
        authenticator = self.runtime.authenticator(engine)
        principal = None
        if authenticator is not None:
            principal = await authenticator.authenticate(headers)
        authenticated = principal is not None
        if principal is None:
            if auth.required:
                from qorgan.errors import AuthError

                raise AuthError("credentials are required")
            principal = Principal.anonymous()
        # Authorization carried qorgan's own credential only when a key or token configured
        # in the policy authenticated the caller; a resolver's caller, or an anonymous one,
        # may be sending the provider's key there, which passes through
        own_scheme = bool(auth.api_keys) or (
            auth.jwt is not None and auth.jwt.header.lower() == "authorization")
        consumed = (authenticated and own_scheme and "x-qorgan-key" not in headers
                    and "authorization" in headers)
        return principal, consumed

    def _forward_headers(self, ex: Exchange, incoming: Mapping[str, str]) -> dict[str, str]:
        out = self._upstream_headers(ex.engine, incoming, consumed=ex.consumed_authorization,
                                     provider=ex.adapter.provider)
        out["content-type"] = "application/json"
        ex.inject_trace(out)
        return out

    def _upstream_headers(
        self, engine: PolicyEngine, incoming: Mapping[str, str], *, consumed: bool,
        provider: str,
    ) -> dict[str, str]:
        ctx = engine.context
        own = {h.lower() for h in (ctx.subject_header, ctx.purpose_header,
                                   ctx.conversation_header)}
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
        key = self.runtime.settings.upstream_api_key
        if configured and key:
            if provider == "anthropic":
                out["x-api-key"] = key
            else:
                out["authorization"] = f"Bearer {key}"
        out["accept-encoding"] = "identity"  # compressed replies could not be scanned
        return out

    async def _forward(
        self, ex: Exchange, request: UpstreamRequest, upstream: Upstream
    ) -> UpstreamResponse:
        with ex.stage("upstream"):
            return await upstream(request)

    # -- response ---------------------------------------------------------------------------

    async def _respond(self, ex: Exchange, response: UpstreamResponse) -> GuardResponse:
        headers = [(k.lower(), v) for k, v in response.headers
                   if k.lower() not in _DROP_RESPONSE_HEADERS and k.lower() != "content-type"]
        content_type = next((v for k, v in response.headers if k.lower() == "content-type"), "")
        headers.extend(ex.label_headers())
        headers.append(("x-request-id", ex.request_id))
        scanner = ResponseScanner(ex)
        if response.chunks is not None and media_type(content_type) == "text/event-stream":
            headers.append(("content-type", content_type))
            stream = scanner.stream(response.chunks, status=response.status)
            return GuardResponse(response.status, headers, chunks=stream)
        body = response.body
        if body is None:
            if response.chunks is None:
                body = b""
            else:
                body = await _collect(response.chunks, ex.engine.traffic.max_body_bytes * 16)
        try:
            new_body = await scanner.body(body, content_type, status=response.status)
        except QorganError:
            raise
        if content_type:
            headers.append(("content-type", content_type))
        ex.finish(status=response.status)
        return GuardResponse(response.status, headers, new_body)

    async def _pass_read_only(
        self, request: GuardRequest, upstream: Upstream, request_id: str
    ) -> GuardResponse:
        # no personal data here, but the same identity and credential rules as any route:
        # qorgan's own credential never reaches the upstream
        engine = self.runtime.policy()
        try:
            _, consumed = await self._principal(engine, request.headers)
            provider = "anthropic" if "anthropic-version" in request.headers else "openai"
            headers = self._upstream_headers(engine, request.headers, consumed=consumed,
                                             provider=provider)
            inject_headers(headers)
            response = await upstream(
                UpstreamRequest(request.method, request.route.strip("/"), headers, b"", False,
                                request.query)
            )
            body = response.body if response.body is not None else b""
            if response.chunks is not None:
                body = await _collect(response.chunks, 8 << 20)
        except QorganError as exc:
            return error_response(exc, request_id)
        out = [(k.lower(), v) for k, v in response.headers
               if k.lower() not in _DROP_RESPONSE_HEADERS]
        out.append(("x-request-id", request_id))
        return GuardResponse(response.status, out, body)


def _plain_route(route: str) -> bool:
    """A route names exactly the upstream path it is forwarded to: no dot or empty segments
    (the URL would be normalised to another path, even above the upstream's base), and none
    of ``%?#\\`` or control characters (decoded once here, they would change meaning when
    the URL is built again)."""
    if any(ch in route for ch in "%?#\\") or any(ord(ch) < 0x20 or ord(ch) == 0x7F
                                                 for ch in route):
        return False
    return route == "" or all(seg not in {"", ".", ".."} for seg in route.split("/"))


#: object keys shaped like identifiers are schema, not data
_IDENT_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.:\-]{0,127}")


def free_form_keys(body: Any) -> list[str]:
    """Object keys that are not identifier-shaped (``"a@b.kz": ...``, ``"901123300258": ...``):
    the slots hold values only, so these are scanned on their own."""
    keys: dict[str, None] = {}
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not _IDENT_KEY.fullmatch(key):
                    keys[key] = None
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list, str)))
        elif isinstance(node, str) and node[:1] in ("{", "["):
            # JSON inside a string (tool-call arguments): its leaves are slots, its keys
            # are not
            try:
                stack.append(json.loads(node))
            except (ValueError, RecursionError):
                continue
    return [key for key in keys if key.strip()]


def _read_only(route: str) -> bool:
    return any(route == r or route.startswith(r + "/") for r in READ_ONLY_ROUTES)


async def _collect(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise UpstreamError("upstream response is too large", code="upstream_too_large")
            parts.append(chunk)
    finally:
        close = getattr(chunks, "aclose", None)
        if close is not None:
            await close()
    return b"".join(parts)

