"""The first step of the request path: a body under the policy's limits, decoded and
parsed as strict JSON, before anything looks at its content.

Every failure is a ``PayloadError`` with a stable code and a message that never quotes the
body. (The edges enforce the size limit while reading, ``qorgan.edges.bodies``; decoding
enforces it again on the inflated size.)
"""

from __future__ import annotations

import json
import math
import re
import zlib
from dataclasses import dataclass
from typing import Any

from qorgan.errors import PayloadError, PayloadTooLarge, UnsupportedMediaType
from qorgan.pipeline.messages import GuardRequest
from qorgan.policy.access import TrafficSpec
from qorgan.protocols.jsonpath import only_scalars


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    max_body_bytes: int = 1024 * 1024
    max_json_depth: int = 64
    max_array_length: int = 10_000
    #: decompressed size may not exceed this multiple of the compressed size
    max_inflate_ratio: int = 100

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_json_depth", "max_array_length", "max_inflate_ratio"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive")


def decode_content(body: bytes, encoding: str | None, limits: Limits) -> bytes:
    """Undo ``Content-Encoding`` (gzip, deflate, br when available) under size and ratio limits."""
    if not encoding or encoding.strip().lower() == "identity":
        return body
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    if len(codings) != 1:
        raise UnsupportedMediaType("stacked content encodings are not accepted",
                                   code="unsupported_encoding")
    coding = codings[0]
    cap = min(limits.max_body_bytes, max(len(body), 1) * limits.max_inflate_ratio)
    if coding in {"gzip", "x-gzip", "deflate"}:
        wbits = 16 + zlib.MAX_WBITS if coding != "deflate" else zlib.MAX_WBITS
        try:
            inflater = zlib.decompressobj(wbits)
            out = inflater.decompress(body, cap + 1)
            if len(out) > cap or inflater.unconsumed_tail:
                raise PayloadTooLarge("decompressed body exceeds the size limit",
                                      code="decompressed_too_large")
            if not inflater.eof:
                raise PayloadError("compressed body is truncated", code="invalid_encoding")
        except zlib.error:
            if coding == "deflate":
                return _raw_deflate(body, cap)
            raise PayloadError("body is not valid gzip", code="invalid_encoding") from None
        return out
    if coding == "br":
        return _brotli(body, cap)
    raise UnsupportedMediaType("content encoding is not supported", code="unsupported_encoding")


def _raw_deflate(body: bytes, cap: int) -> bytes:
    # Some clients send raw DEFLATE without the zlib header under "deflate".
    try:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        out = inflater.decompress(body, cap + 1)
    except zlib.error:
        raise PayloadError("body is not valid deflate", code="invalid_encoding") from None
    if len(out) > cap or inflater.unconsumed_tail:
        raise PayloadTooLarge("decompressed body exceeds the size limit",
                              code="decompressed_too_large")
    return out


def _brotli(body: bytes, cap: int) -> bytes:
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        raise UnsupportedMediaType("brotli bodies are not supported by this installation",
                                   code="unsupported_encoding") from None
    try:
        decomp = brotli.Decompressor()
        out: bytes = decomp.process(body)
    except brotli.error:
        raise PayloadError("body is not valid brotli", code="invalid_encoding") from None
    if len(out) > cap:
        raise PayloadTooLarge("decompressed body exceeds the size limit",
                              code="decompressed_too_large")
    return out


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            # A duplicate key is read differently by different parsers: the guard could
            # scan one value while the upstream uses the other.
            raise PayloadError("JSON object has a duplicate key", code="duplicate_key")
        obj[key] = value
    return obj


def _reject_constant(name: str) -> Any:
    raise PayloadError("JSON contains a non-standard constant", code="invalid_json")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        # 1e999 parses to infinity, which the body would be re-sent as: not JSON
        raise PayloadError("JSON number is out of range", code="invalid_number")
    return value


#: a \uD800-\uDFFF escape: paired ones become one character, a lone one stays a surrogate
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_lone_surrogates(doc: Any) -> None:
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                raise PayloadError("JSON string holds a lone surrogate (not Unicode text)",
                                   code="invalid_unicode")
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def parse_json(raw: bytes, limits: Limits) -> Any:
    """Strict JSON: UTF-8, no duplicate keys, no NaN or infinite numbers, no lone surrogates,
    bounded integers, depth and array length."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("body is not valid UTF-8", code="invalid_utf8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        doc = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant,
            parse_float=_finite,
        )
    except RecursionError:
        raise PayloadError("JSON nesting is too deep", code="too_deep") from None
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"body is not valid JSON (line {exc.lineno}, column {exc.colno})",
            code="invalid_json",
        ) from None
    except ValueError:
        # an integer past the interpreter's digit limit (4300): no model API takes one
        raise PayloadError("JSON number is out of range", code="invalid_number") from None
    check_shape(doc, limits)
    if _SURROGATE_ESCAPE.search(text):
        _no_lone_surrogates(doc)
    return doc


_CONTAINERS = (dict, list)


def dump_json(doc: Any) -> bytes:
    """The compact UTF-8 JSON every body qorgan rewrites is sent as."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def check_shape(doc: Any, limits: Limits) -> None:
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.max_json_depth:
            raise PayloadError(
                f"JSON nesting exceeds {limits.max_json_depth} levels", code="too_deep"
            )
        # only containers can nest further: scalars (long arrays of token ids or floats)
        # are not pushed at all
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, _CONTAINERS))
        elif isinstance(node, list):
            if len(node) > limits.max_array_length:
                raise PayloadError(
                    f"JSON array exceeds {limits.max_array_length} items", code="array_too_long"
                )
            if not only_scalars(node):
                stack.extend((v, depth + 1) for v in node if isinstance(v, _CONTAINERS))


def media_type(content_type: str | None) -> str:
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def require_json_object(raw: bytes, content_type: str | None, limits: Limits) -> dict[str, Any]:
    mt = media_type(content_type)
    if mt != "application/json" and not mt.endswith("+json"):
        raise UnsupportedMediaType("guarded routes accept application/json bodies only")
    doc = parse_json(raw, limits)
    if not isinstance(doc, dict):
        raise PayloadError("JSON body must be an object", code="not_an_object")
    return doc


def limits_of(traffic: TrafficSpec) -> Limits:
    return Limits(
        max_body_bytes=traffic.max_body_bytes,
        max_json_depth=traffic.max_json_depth,
        max_array_length=traffic.max_array_length,
    )


def read_body(request: GuardRequest, traffic: TrafficSpec) -> dict[str, Any]:
    """The request's JSON object: POST only, under the size limit, its content encoding
    undone, strict JSON."""
    limits = limits_of(traffic)
    if request.method != "POST":
        raise PayloadError("guarded routes accept POST only", code="method_not_allowed")
    if len(request.body) > limits.max_body_bytes:
        raise PayloadTooLarge(f"request body exceeds {limits.max_body_bytes} bytes")
    raw = decode_content(request.body, request.headers.get("content-encoding"), limits)
    return require_json_object(raw, request.headers.get("content-type"), limits)
