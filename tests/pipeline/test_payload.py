"""Request bodies under limits: content decoding, strict JSON, shape limits.
Every refusal is a PayloadError with a stable code and a message that never quotes the body."""

from __future__ import annotations

import gzip
import zlib

import pytest

from qorgan.errors import PayloadError, PayloadTooLarge, UnsupportedMediaType
from qorgan.pipeline.payload import (
    Limits,
    decode_content,
    media_type,
    parse_json,
    require_json_object,
)

SECRET_TEXT = "Aigerim Serikova 901123300258"
LIMITS = Limits()


BODY = ('{"text": "' + SECRET_TEXT + '"}').encode()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (BODY, None),
        (BODY, "identity"),
        (gzip.compress(BODY), "gzip"),
        (gzip.compress(BODY), "X-GZIP"),
        (zlib.compress(BODY), "deflate"),
        (zlib.compress(BODY)[2:-4], "deflate"),  # raw DEFLATE without the zlib wrapper
    ],
)
def test_decode_content(data: bytes, encoding: str | None) -> None:
    assert decode_content(data, encoding, LIMITS) == BODY


@pytest.mark.parametrize(
    ("data", "encoding", "error", "code"),
    [
        (b"xx", "gzip, gzip", UnsupportedMediaType, "unsupported_encoding"),
        (b"xx", "compress", UnsupportedMediaType, "unsupported_encoding"),
        (b"not gzip", "gzip", PayloadError, "invalid_encoding"),
        (gzip.compress(BODY)[:-12], "gzip", PayloadError, "invalid_encoding"),
        (gzip.compress(b"{" + b" " * 200_000 + b"}"), "gzip", PayloadTooLarge,
         "decompressed_too_large"),
    ],
    ids=["stacked", "unknown", "garbled", "truncated", "bomb"],
)
def test_decode_content_refusals(data: bytes, encoding: str, error: type[PayloadError],
                                 code: str) -> None:
    with pytest.raises(error) as info:
        decode_content(data, encoding, Limits(max_body_bytes=100_000))
    assert info.value.code == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"a": 1, "a": 2}', "duplicate_key"),
        (b'{"a": NaN}', "invalid_json"),
        (b'{"a": Infinity}', "invalid_json"),
        (b"{\"a\": \"" + SECRET_TEXT.encode() + b"\"", "invalid_json"),
        (b"\xff\xfe{}", "invalid_utf8"),
        (b"[" * 70 + b"]" * 70, "too_deep"),
        (b"[" + b"1," * 20 + b"1]", "array_too_long"),
    ],
)
def test_parse_json_refusals(raw: bytes, code: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_json(raw, Limits(max_array_length=10))
    assert info.value.code == code
    assert SECRET_TEXT not in str(info.value)
    assert "Serikova" not in str(info.value.to_dict())


def test_parse_json_accepts_a_bom_and_unicode() -> None:
    assert parse_json("\ufeff{\"имя\": \"Айгерим\"}".encode(), LIMITS) == {"имя": "Айгерим"}


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [(None, ""), ("", ""), ("application/json", "application/json"),
     ("Application/JSON; charset=utf-8", "application/json"),
     ("text/event-stream;charset=utf-8", "text/event-stream")],
)
def test_media_type(content_type: str | None, expected: str) -> None:
    assert media_type(content_type) == expected


@pytest.mark.parametrize(
    ("raw", "content_type", "error", "code"),
    [
        (b"{}", "text/plain", UnsupportedMediaType, "unsupported_media_type"),
        (b"{}", None, UnsupportedMediaType, "unsupported_media_type"),
        (b"[1]", "application/json", PayloadError, "not_an_object"),
        (b'"s"', "application/json", PayloadError, "not_an_object"),
    ],
)
def test_require_json_object_refusals(raw: bytes, content_type: str | None,
                                      error: type[PayloadError], code: str) -> None:
    with pytest.raises(error) as info:
        require_json_object(raw, content_type, LIMITS)
    assert info.value.code == code


@pytest.mark.parametrize("content_type", ["application/json", "application/vnd.api+json"])
def test_require_json_object(content_type: str) -> None:
    assert require_json_object(b'{"a": [1]}', content_type, LIMITS) == {"a": [1]}


@pytest.mark.parametrize("field", ["max_body_bytes", "max_json_depth", "max_array_length",
                                   "max_inflate_ratio"])
def test_limits_must_be_positive(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        Limits(**{field: 0})  # type: ignore[arg-type]
