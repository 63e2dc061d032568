"""The Guard: one request's path, framework-agnostic, step by step in the order of this
package's modules.

The middleware, the proxy and the transport translate HTTP into a :class:`GuardRequest` and
an :data:`Upstream` callable, and translate the :class:`GuardResponse` back. Nothing about
detection, policy or audit lives in them.

Protective steps fail closed: when detection, consent, the vault or the policy fails, nothing
is forwarded (503 with a code) unless the policy's ``on_error: allow`` says otherwise.
"""

from __future__ import annotations

import logging
import math
import re
import sys
from collections.abc import AsyncIterator, Mapping
from typing import Any

import anyio

from qorgan._aio import aclose
from qorgan.audit.requests import request_id_from
from qorgan.errors import (
    ConsentError,
    DetectionError,
    PayloadError,
    PolicyBlocked,
    PolicyError,
    QorganError,
    UnknownRoute,
    UpstreamError,
    VaultError,
)
from qorgan.pipeline.audit import Trail
from qorgan.pipeline.context import ContextBuilder, RequestContext
from qorgan.pipeline.decide import decide_request, refusal
from qorgan.pipeline.detect import detect_request
from qorgan.pipeline.extract import Extracted, extract, parse_query
from qorgan.pipeline.forward import upstream_headers, upstream_request
from qorgan.pipeline.messages import (
    GuardRequest,
    GuardResponse,
    Upstream,
    UpstreamRequest,
    UpstreamResponse,
    error_response,
)
from qorgan.pipeline.payload import media_type, read_body
from qorgan.pipeline.respond import ResponseScanner
from qorgan.pipeline.runtime import Runtime
from qorgan.pipeline.transform import Tokens, load_tokens, transform_request
from qorgan.policy.engine import PolicyEngine
from qorgan.providers import REGISTRY, Endpoint, Registry

log = logging.getLogger("qorgan.guard")

#: routes that carry no personal data and are forwarded without a body (SDKs list models)
READ_ONLY_ROUTES = ("models",)
_DROP_RESPONSE_HEADERS = frozenset(
    {
        "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding",
        "upgrade", "trailer", "proxy-authenticate", "date", "server",
    }
)
#: failures of the steps that protect data: the policy's ``on_error`` decides about them
_PROTECTIVE = (DetectionError, ConsentError, VaultError, PolicyError)
#: recorded for a request abandoned before any answer was sent
CLIENT_CLOSED = 499
#: the largest whole (non-streamed) answer read, as a multiple of the request limit
_RESPONSE_FACTOR = 16
#: a read-only route's query values: ids, cursors, numbers
_QUERY_VALUE = re.compile(r"[A-Za-z0-9_.:\-]{0,128}")


class Guard:
    """Runs the request path over a :class:`~qorgan.pipeline.runtime.Runtime`, built once
    and shared by every request; nothing per request lives on the Guard."""

    def __init__(self, runtime: Runtime, *, registry: Registry = REGISTRY) -> None:
        """``registry`` says which provider endpoint serves which route."""
        self.runtime = runtime
        self.registry = registry
        self._contexts = ContextBuilder(runtime.identity, runtime.hasher, runtime.consent)

    async def handle(self, request: GuardRequest, upstream: Upstream) -> GuardResponse:
        request_id = request_id_from(request.headers)
        engine = self.runtime.policy()
        route = request.route.strip("/")
        if not _plain_route(route):
            return error_response(UnknownRoute("this route is not guarded"), request_id)
        read_only = request.method in {"GET", "HEAD"} and _read_only(route) and not request.body
        endpoint = None if read_only else self.registry.endpoint(
            route, generic=engine.traffic.unknown_routes == "generic")
        if endpoint is not None:
            return await self._guarded(request, upstream, engine, endpoint, route, request_id)
        if read_only:
            return await self._pass_read_only(request, upstream, request_id)
        return error_response(UnknownRoute("this route is not guarded"), request_id)

    async def _guarded(
        self, request: GuardRequest, upstream: Upstream, engine: PolicyEngine,
        endpoint: Endpoint, route: str, request_id: str,
    ) -> GuardResponse:
        """The path of a guarded request, step by step."""
        trail = Trail(self.runtime.auditor, self.runtime.identity, engine=engine,
                      endpoint=endpoint, route=route, request_id=request_id,
                      instance=self.runtime.settings.instance,
                      upstream_url=self.runtime.settings.upstream)
        trail.open(request.headers)
        ctx: RequestContext | None = None
        streaming = False
        try:
            body = read_body(request, engine.traffic)
            caller = await self.runtime.identity.identify(engine.auth, engine.version,
                                                          request.headers)
            ctx, subject = await self._contexts.build(
                request_id=request_id, route=route, endpoint=endpoint, engine=engine,
                caller=caller, headers=request.headers, body=body,
            )
            trail.context(ctx)
            extracted = extract(endpoint, body, request.query)
            ctx, rewritten, query, tokens = await self._protect(ctx, subject, extracted, trail)
            with trail.upstream():
                forward = upstream_request(ctx, request, rewritten, query,
                                           self.runtime.settings.upstream_api_key)
                response = await upstream(forward)
            trail.upstream_answered(response.status)
            answer = await self._respond(ctx, tokens, response, trail)
            streaming = answer.chunks is not None
            return answer
        except QorganError as exc:
            trail.finish(status=exc.status, error=exc)
            return error_response(exc, request_id, endpoint.provider)
        except anyio.get_cancelled_exc_class():
            # the edge gave up on the request (its client left, the shutdown grace ran out)
            # before an answer existed: 499, the status of a request its client closed
            trail.disconnected()
            trail.finish(status=CLIENT_CLOSED)
            raise
        except Exception as exc:  # noqa: BLE001 - a failure nobody planned for fails closed
            log.error("request %s failed: %s", request_id, type(exc).__name__)
            err = QorganError("internal error")
            trail.finish(status=500, error=err)
            return error_response(err, request_id, endpoint.provider)
        finally:
            if ctx is not None and not streaming:
                await self._release(ctx)

    async def _release(self, ctx: RequestContext) -> None:
        """A one-shot request's pseudonyms are forgotten once its answer is out."""
        if not ctx.one_shot:
            return
        vault, _ = self.runtime.vault_for(one_shot=True)
        try:
            await vault.forget(ctx.scope)
        except QorganError as exc:  # the scope expires with its TTL all the same
            log.warning("request %s: one-shot scope not forgotten: %s", ctx.request_id,
                        exc.code)

    async def _protect(
        self, ctx: RequestContext, subject: str | None, extracted: Extracted, trail: Trail
    ) -> tuple[RequestContext, Mapping[str, Any], str, Tokens | None]:
        """The protective steps — consent, detect, decide, transform — and the policy's
        ``on_error`` when one of them fails."""
        runtime = self.runtime
        body, query = extracted.body, extracted.raw_query
        vault, transformer = runtime.vault_for(ctx.one_shot)
        try:
            ctx = await self._contexts.with_consent(ctx, subject)
            with trail.stage("detect"):
                detected = await detect_request(runtime.detection,
                                                ctx.engine.detection_config(), extracted)
            with trail.stage("decide"):
                decision = decide_request(ctx, extracted.texts, detected)
            trail.decided(decision)
            blocked = refusal(decision)
            if blocked is not None:
                raise blocked
            if decision.enforced:
                with trail.stage("transform"):
                    body, query = await transform_request(transformer, extracted, decision,
                                                          ctx.scope)
            tokens = await load_tokens(vault, ctx.scope)
            return ctx, body, query, tokens
        except _PROTECTIVE as exc:
            if isinstance(exc, PolicyBlocked) or ctx.engine.on_error != "allow":
                raise
            # the policy chose availability over protection for failures: forward unchanged
            log.warning("request %s: %s; forwarded unchanged (on_error: allow)",
                        ctx.request_id, exc.code)
            trail.degraded(exc)
            return ctx, extracted.body, extracted.raw_query, None

    async def _respond(
        self, ctx: RequestContext, tokens: Tokens | None, response: UpstreamResponse,
        trail: Trail,
    ) -> GuardResponse:
        headers = [(k.lower(), v) for k, v in response.headers
                   if k.lower() not in _DROP_RESPONSE_HEADERS and k.lower() != "content-type"]
        content_type = next((v for k, v in response.headers if k.lower() == "content-type"), "")
        label = ctx.engine.response
        if label.label:
            # Law 230-VIII Art. 21: output produced with AI carries a machine-readable mark
            headers.append((label.label_header.lower(), label.label_value))
        headers.append(("x-request-id", ctx.request_id))
        if ctx.issued_conversation is not None:
            # the conversation this request started: the caller continues it with this id
            headers.append((ctx.engine.context.conversation_header.lower(),
                            ctx.issued_conversation))
        _, transformer = self.runtime.vault_for(ctx.one_shot)
        scanner = ResponseScanner(ctx, detection=self.runtime.detection,
                                  transformer=transformer, tokens=tokens, stage=trail.stage)
        trail.response(scanner.result)
        if response.chunks is not None and media_type(content_type) == "text/event-stream":
            headers.append(("content-type", content_type))

            async def done(status: int, error: QorganError | None) -> None:
                if error is None and _cancelled():
                    # the stream ends because its task is being cancelled: the edge saw
                    # the client go away, or the server's shutdown grace ran out (a closed
                    # generator is caught by _watched)
                    trail.disconnected()
                trail.finish(status=status, error=error)
                with anyio.CancelScope(shield=True):
                    await self._release(ctx)

            stream = scanner.stream(trail.observe_stream(response.chunks),
                                    status=response.status, done=done)
            return GuardResponse(response.status, headers, chunks=_watched(stream, trail))
        body = response.body
        if body is None:
            body = b"" if response.chunks is None else await _collect(
                response.chunks, ctx.engine.traffic.max_body_bytes * _RESPONSE_FACTOR)
        trail.upstream_body(body)
        new_body = await scanner.body(body, content_type, status=response.status)
        if content_type:
            headers.append(("content-type", content_type))
        trail.finish(status=response.status)
        return GuardResponse(response.status, headers, new_body)

    async def _pass_read_only(
        self, request: GuardRequest, upstream: Upstream, request_id: str
    ) -> GuardResponse:
        # no personal data here, but the same identity and credential rules as any route:
        # qorgan's own credential never reaches the upstream
        engine = self.runtime.policy()
        provider = self.registry.provider_for(request.headers)
        try:
            caller = await self.runtime.identity.identify(engine.auth, engine.version,
                                                          request.headers)
            for _, value in parse_query(request.query):
                # a listing reads ids and cursors, never text: nothing else goes upstream
                if not _QUERY_VALUE.fullmatch(value):
                    raise PayloadError("a query parameter of this route is not an identifier",
                                       code="invalid_query")
            headers = upstream_headers(engine, provider, request.headers,
                                       own_credentials=caller.credential_headers,
                                       upstream_key=self.runtime.settings.upstream_api_key)
            response = await upstream(
                UpstreamRequest(request.method, request.route.strip("/"), headers, b"", False,
                                request.query)
            )
            body = response.body if response.body is not None else b""
            if response.chunks is not None:
                body = await _collect(response.chunks, 8 << 20)
        except QorganError as exc:
            return error_response(exc, request_id, provider)
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


def _read_only(route: str) -> bool:
    return any(route == r or route.startswith(r + "/") for r in READ_ONLY_ROUTES)


def _cancelled() -> bool:
    """Whether the running task is being cancelled: by an anyio scope (the edge's task
    group) or by a plain ``Task.cancel`` (uvicorn at the end of its shutdown grace), whose
    ``CancelledError`` is the exception being propagated."""
    if anyio.current_effective_deadline() == -math.inf:
        return True
    return isinstance(sys.exc_info()[1], anyio.get_cancelled_exc_class())


async def _watched(stream: AsyncIterator[bytes], trail: Trail) -> AsyncIterator[bytes]:
    """``stream`` as the edge sends it; closed or cancelled before its end, the client has
    gone away, and the request's outcome says so."""
    try:
        async for chunk in stream:
            yield chunk
    except (GeneratorExit, anyio.get_cancelled_exc_class()):
        trail.disconnected()
        raise
    finally:
        with anyio.CancelScope(shield=True):
            await aclose(stream)


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
        await aclose(chunks)
    return b"".join(parts)


__all__ = ["READ_ONLY_ROUTES", "Guard"]
