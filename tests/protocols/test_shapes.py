"""Each shape says what a structural value is: skipped only when proven not to be text."""

from __future__ import annotations

import base64

import pytest

from qorgan.protocols.shapes import (
    ID,
    MODEL,
    OPAQUE,
    Codec,
    Kind,
    binary,
    data_url,
    enum_of,
    media_type_of,
)

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
JPEG = bytes.fromhex("ffd8ffe000104a464946")
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3"
PROSE = "Client aigerim@mail.kz, IIN 901123300258"
JSON_DOC = b'{"a": 1}'


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(("url", "kind", "text"), [
    (f"data:image/png;base64,{b64(PNG)}", Kind.SKIP, ""),
    (f"data:image/jpg;base64,{b64(JPEG)}", Kind.SKIP, ""),
    (f"data:application/pdf;base64,{b64(PDF)}", Kind.SKIP, ""),
    (f"data:audio/wav;base64,{b64(WAV)}", Kind.SKIP, ""),
    (f"data:application/octet-stream;base64,{b64(PNG)}", Kind.SKIP, ""),
    # what the payload is, not what it says, decides
    (f"data:image/png;base64,{b64(PROSE.encode())}", Kind.DECODED, PROSE),
    (f"data:image/png;base64,{b64(JPEG)}", Kind.SKIP, ""),
    # an image declared as audio is not what it says, and not text either
    (f"data:audio/mpeg;base64,{b64(PNG)}", Kind.REFUSE, ""),
    (f"data:text/plain;base64,{b64(PROSE.encode())}", Kind.DECODED, PROSE),
    (f"data:;base64,{b64(PROSE.encode())}", Kind.DECODED, PROSE),
    (f"data:application/json;base64,{b64(JSON_DOC)}", Kind.DECODED, JSON_DOC.decode()),
    (f"data:image/png;base64,{b64(PROSE.encode('utf-16-le'))}", Kind.DECODED, PROSE),
    (f"data:text/plain;charset=windows-1251;base64,{b64('ИИН'.encode('cp1251'))}",
     Kind.DECODED, "ИИН"),
    (f"data:image/png;base64,{b64('ИИН 901123300258'.encode('cp1251'))}", Kind.REFUSE, ""),
    (f"data:text/plain;charset=nope;base64,{b64(b'x')}", Kind.REFUSE, ""),
])
def test_data_urls(url: str, kind: Kind, text: str) -> None:
    verdict = data_url(url)
    assert verdict is not None
    assert verdict.kind is kind
    if kind is Kind.DECODED:
        assert verdict.text == text
        assert verdict.codec is not None
        assert verdict.codec.encode(verdict.text) == url


@pytest.mark.parametrize("value", [
    "data:text/plain,Hello%20Aigerim",  # percent-encoded: scanned as text
    "data:image/png;base64,not base64!",
    "data:image/png;base64," + b64(PNG) + " trailing words",
    "see data:image/png;base64," + b64(PNG),
    "plain text",
])
def test_anything_but_a_whole_base64_data_url_is_text(value: str) -> None:
    assert data_url(value) is None


def test_a_decoded_payload_is_encoded_again_the_same_way() -> None:
    codec = Codec("data:text/plain;base64,", "utf-16-le", urlsafe=True, padded=False)
    out = codec.encode("Айгерим")
    assert out.startswith("data:text/plain;base64,")
    assert "=" not in out
    payload = out.partition(",")[2]
    assert base64.urlsafe_b64decode(payload + "==").decode("utf-16-le") == "Айгерим"


@pytest.mark.parametrize(("shape", "value", "kind"), [
    (enum_of("user", "assistant"), "user", Kind.SKIP),
    (enum_of("user", "assistant"), "Aigerim Serikova", Kind.TEXT),
    (ID, "call_abc123", Kind.IDENT),
    (ID, "toolu_01A09q90qw90lq917835lq9", Kind.IDENT),
    (ID, "aigerim@mail.kz", Kind.TEXT),
    (ID, "call 9", Kind.TEXT),
    (MODEL, "meta-llama/Llama-3.1-70B-Instruct", Kind.IDENT),
    (MODEL, "claude-3-5-sonnet@20240620", Kind.IDENT),
    (MODEL, "Aigerim Serikova", Kind.TEXT),
    # ciphertext: bytes that are not text are identifier-scanned, text is decoded
    (OPAQUE, b64(bytes(range(128, 200))), Kind.IDENT),
    (OPAQUE, "901123300258", Kind.IDENT),
    (OPAQUE, b64(PROSE.encode()), Kind.DECODED),
    (OPAQUE, "Aigerim Serikova", Kind.TEXT),
])
def test_shapes(shape: object, value: str, kind: Kind) -> None:
    assert callable(shape)
    assert shape(value, {}).kind is kind


@pytest.mark.parametrize(("holder", "value", "kind"), [
    ({"media_type": "image/png"}, b64(PNG), Kind.SKIP),
    ({"media_type": "image/png"}, b64(PROSE.encode()), Kind.DECODED),
    ({"media_type": "image/png"}, b64(bytes(range(128, 200))), Kind.REFUSE),
    ({"media_type": "image/png"}, PROSE, Kind.TEXT),
    ({"media_type": "application/pdf"}, b64(PDF), Kind.SKIP),
    ({}, b64(JPEG), Kind.SKIP),
])
def test_binary_fields_are_checked_against_their_media_type(
    holder: dict[str, str], value: str, kind: Kind
) -> None:
    assert binary(media_type_of)(value, holder).kind is kind
