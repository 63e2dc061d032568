"""What a structural field may hold, and what happens to a value that does not fit.

A field is structural when the protocol gives it meaning (a role, an id, a model name, a
base64 payload) and rewriting it would break the request. Being structural never means
being unexamined: every structural rule carries a *shape*, and the shape says what a value
is:

- ``SKIP``: proven not to be text: a member of a closed set (``"user"``, ``"auto"``), or
  base64 that decodes to a file of its declared media type (magic bytes, ``filetype``);
- ``IDENT``: identifier-shaped (an id, a tool name, a model name, ciphertext and signatures
  that decode to bytes that are not UTF-8): not rewritten, but scanned by the pattern
  recognizers, also with ``_`` read as a space so ``call_901123300258`` cannot hide an
  IIN; a finding refuses the request (``personal_data_in_id``);
- ``TEXT``: anything else: scanned and transformed like any text (a ``role`` that is a
  sentence, an id holding an e-mail address);
- ``DECODED``: base64 (or a data URL) whose payload is text: the decoded text is scanned
  and transformed, then encoded again the same way;
- ``REFUSE``: base64 that declares a binary type, is not that type and is not UTF-8 text
  either (text in another encoding, or a format nothing here can verify): a request is
  refused with ``unverifiable_binary``.

Plain strings that are whole data URLs (``data:image/png;base64,...``) get the same
treatment wherever they are (:func:`data_url`): only a payload of the declared binary type
is skipped.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import filetype

__all__ = [
    "ID",
    "KEYWORD",
    "MIME",
    "MODEL",
    "NAME",
    "OPAQUE",
    "TOKEN",
    "Codec",
    "Kind",
    "Shape",
    "Verdict",
    "binary",
    "data_url",
    "enum_of",
    "ident",
    "plain",
]


class Kind(enum.Enum):
    SKIP = "skip"
    IDENT = "ident"
    TEXT = "text"
    DECODED = "decoded"
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class Codec:
    """How a decoded payload is written back: ``prefix`` (a data URL's header, or none),
    then the text in ``charset``, base64-encoded in the same alphabet and padding."""

    prefix: str = ""
    charset: str = "utf-8"
    urlsafe: bool = False
    padded: bool = True

    def encode(self, text: str) -> str:
        raw = text.encode(self.charset)
        encoded = base64.urlsafe_b64encode(raw) if self.urlsafe else base64.b64encode(raw)
        out = encoded.decode("ascii")
        return self.prefix + (out if self.padded else out.rstrip("="))


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: Kind
    #: for ``DECODED``: the payload as text, and how to encode it again
    text: str = ""
    codec: Codec | None = None


SKIP = Verdict(Kind.SKIP)
IDENT = Verdict(Kind.IDENT)
TEXT = Verdict(Kind.TEXT)
REFUSE = Verdict(Kind.REFUSE)

#: ``shape(value, holder)``: what ``value`` (held by the object ``holder``) is
Shape = Callable[[str, Any], Verdict]


def enum_of(*values: str) -> Shape:
    """A closed set: a member is skipped, anything else is text."""
    allowed = frozenset(values)

    def shape(value: str, holder: Any) -> Verdict:
        return SKIP if value in allowed else TEXT

    return shape


def ident(pattern: str) -> Shape:
    """Identifier-shaped values are scanned by the pattern recognizers; others are text."""
    compiled = re.compile(pattern, re.ASCII)

    def shape(value: str, holder: Any) -> Verdict:
        return IDENT if compiled.fullmatch(value) else TEXT

    return shape


#: provider and client ids: ``call_abc``, ``toolu_01A0…``, ``resp_…``, UUIDs, ``fn.get:0``
ID = ident(r"[A-Za-z0-9][A-Za-z0-9_\-.:]{0,255}")
#: tool, function, schema and server names (``get_weather``, ``crm.lookup``)
NAME = ident(r"[A-Za-z0-9_][A-Za-z0-9_\-.:]{0,127}")
#: model names: ``gpt-4o-2024-08-06``, ``ft:gpt-4o:org::id``, ``meta-llama/Llama-3``,
#: ``claude-sonnet@20250101``
MODEL = ident(r"[A-Za-z0-9][A-Za-z0-9_\-.:/@+]{0,255}")
#: lower-case keywords whose sets keep growing (item and block types, formats, TTLs)
KEYWORD = ident(r"[a-z0-9][a-z0-9_.\-]{0,63}")
#: the shape of a rule that names none: any identifier-like value
TOKEN = ident(r"[A-Za-z0-9_][A-Za-z0-9_\-.:/@+]{0,255}")
MIME = ident(r"[a-z]+/[a-z0-9.+\-]{1,127}")


# -- base64 and data URLs ----------------------------------------------------------------

_STD = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_URL = re.compile(r"[A-Za-z0-9_\-]*={0,2}")


def _b64(value: str) -> tuple[bytes, bool, bool] | None:
    """``(bytes, urlsafe, padded)`` when all of ``value`` is base64, else None."""
    body = value.rstrip("=")
    padded = len(body) != len(value)
    if _STD.fullmatch(value):
        urlsafe = False
    elif _URL.fullmatch(value):
        urlsafe = True
    else:
        return None
    if padded and len(value) % 4:
        return None
    padding = "=" * (-len(body) % 4)
    try:
        decoder = base64.urlsafe_b64decode if urlsafe else base64.b64decode
        raw = decoder(body + padding)
    except (binascii.Error, ValueError):
        return None
    if len(body) % 4 == 1:
        return None
    return raw, urlsafe, padded


#: wider encodings of text: their bytes are often valid UTF-8 too (``a\x00b\x00``), but
#: unreadable as such, which is how they would hide a value from the recognizers
_WIDE = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_PRINTABLE_SHARE = 0.9


def _printable(text: str) -> bool:
    shown = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return shown >= _PRINTABLE_SHARE * len(text)


def _text(raw: bytes) -> tuple[str, str] | None:
    """``(text, charset)`` when ``raw`` is text: UTF-8, or a UTF-16/32 text that UTF-8
    would read as control characters; None when it is neither."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # not UTF-8: neither is UTF-16 of Latin or Cyrillic text, whose bytes are all
        # ASCII; any byte string would "decode" as UTF-16 of CJK, so none is tried
        return None
    if _printable(text):
        return text, "utf-8"
    for charset in _WIDE:
        try:
            wide = raw.decode(charset)
        except UnicodeDecodeError:
            continue
        if _printable(wide):
            return wide, charset
    return text, "utf-8"


#: media types that are text whatever their top-level type says
_TEXT_SUBTYPES = frozenset({
    "json", "xml", "javascript", "ecmascript", "x-javascript", "yaml", "x-yaml", "csv",
    "x-www-form-urlencoded", "x-sh", "x-httpd-php", "sql", "graphql", "toml", "x-tex",
    "rtf", "x-ndjson", "jsonl", "x-subrip", "markdown",
})  # fmt: skip
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "audio/mp3": "audio/mpeg",
    "audio/x-mp3": "audio/mpeg",
    "audio/mpeg3": "audio/mpeg",
    "audio/wav": "audio/x-wav",
    "audio/wave": "audio/x-wav",
    "audio/vnd.wave": "audio/x-wav",
    "audio/flac": "audio/x-flac",
    "audio/m4a": "audio/mp4",
    "audio/x-m4a": "audio/mp4",
    "application/x-pdf": "application/pdf",
    "application/x-zip-compressed": "application/zip",
}
_MEDIA_FAMILIES = frozenset({"image", "audio", "video", "font"})
_ZIP_BASED = ("application/zip", "application/vnd.openxmlformats", "application/epub",
              "application/vnd.oasis", "application/java-archive")
#: ``format`` values of audio fields, as media types
AUDIO_FORMATS = {
    "wav": "audio/x-wav", "mp3": "audio/mpeg", "flac": "audio/x-flac", "opus": "audio/ogg",
    "ogg": "audio/ogg", "aac": "audio/aac", "m4a": "audio/mp4", "webm": "audio/webm",
}  # fmt: skip


def _is_text_type(media: str) -> bool:
    top, _, sub = media.partition("/")
    return top == "text" or sub in _TEXT_SUBTYPES or sub.endswith(("+json", "+xml"))


def _same_kind(declared: str, sniffed: str) -> bool:
    declared = _ALIASES.get(declared, declared)
    sniffed = _ALIASES.get(sniffed, sniffed)
    if declared == sniffed or declared == "application/octet-stream":
        return True
    top, sniffed_top = declared.partition("/")[0], sniffed.partition("/")[0]
    if top in _MEDIA_FAMILIES and top == sniffed_top:
        return True
    # one container holds audio or video (mp4, webm, ogg)
    if {top, sniffed_top} == {"audio", "video"}:
        return True
    return declared.startswith(_ZIP_BASED) and sniffed.startswith(_ZIP_BASED)


def _payload(raw: bytes, media: str, charset: str | None, codec: Codec) -> Verdict:
    """What decoded bytes declared as ``media`` are."""
    if not raw:
        return SKIP
    if _is_text_type(media):
        try:
            text = raw.decode(charset or "utf-8")
        except (LookupError, UnicodeDecodeError):
            return REFUSE
        return Verdict(Kind.DECODED, text, codec)
    sniffed = filetype.guess(raw)
    if sniffed is not None and _same_kind(media, sniffed.mime):
        return SKIP
    # bytes that are not the declared binary type: text hidden as a file, or unverifiable
    found = _text(raw)
    if found is not None:
        return Verdict(Kind.DECODED, found[0], Codec(codec.prefix, found[1], codec.urlsafe,
                                                     codec.padded))
    return REFUSE


_MIME_CHARS = r"[A-Za-z0-9!#$&^_.+\-]+"
_DATA_URL = re.compile(
    rf"data:(?P<media>{_MIME_CHARS}/{_MIME_CHARS})?(?P<params>(?:;{_MIME_CHARS}=(?:{_MIME_CHARS}|\"[^\"]*\"))*)"
    r"(?P<base64>;base64)?,",
    re.ASCII | re.IGNORECASE,
)
_CHARSET = re.compile(r";charset=\"?([A-Za-z0-9_.:\-]+)\"?", re.IGNORECASE)


def data_url(value: str) -> Verdict | None:
    """What a data URL is, or None when ``value`` is not one (then it is plain text).

    Only a whole, well-formed base64 data URL is considered: anything else (percent-encoded
    payloads, broken base64, text after the payload) is scanned as text, where encoded runs
    are decoded by the detector.
    """
    if value[:5].lower() != "data:":
        return None
    head = _DATA_URL.match(value)
    if head is None or head.group("base64") is None:
        return None
    decoded = _b64(value[head.end():])
    if decoded is None:
        return None
    raw, urlsafe, padded = decoded
    # RFC 2397: without a media type the payload is text/plain
    media = (head.group("media") or "text/plain").lower()
    charset = _CHARSET.search(head.group("params") or "")
    name = charset.group(1) if charset else None
    if name is not None:
        try:
            name = codecs.lookup(name).name
        except LookupError:
            return REFUSE
    return _payload(raw, media, name, Codec(head.group(0), name or "utf-8", urlsafe, padded))


def plain(value: str, holder: Any) -> Verdict:
    """Any string that no structural rule covers: text, unless it is a binary data URL."""
    verdict = data_url(value)
    return TEXT if verdict is None else verdict


def binary(media_of: Callable[[Mapping[str, Any]], str | None] | None = None) -> Shape:
    """Base64 (or a data URL) of a file whose media type ``media_of(holder)`` gives
    (any binary type when it gives none)."""

    def shape(value: str, holder: Any) -> Verdict:
        verdict = data_url(value)
        if verdict is not None:
            return verdict
        decoded = _b64(value)
        if decoded is None:
            return TEXT
        raw, urlsafe, padded = decoded
        media = media_of(holder) if media_of is not None and isinstance(holder, Mapping) \
            else None
        return _payload(raw, (media or "application/octet-stream").lower(), None,
                        Codec("", "utf-8", urlsafe, padded))

    return shape


def _opaque(value: str, holder: Any) -> Verdict:
    """Ciphertext and signatures: base64 of bytes that are not UTF-8. Such a value is still
    scanned by the pattern recognizers: digits and words are base64 letters too, so
    ``901123300258`` is "base64" that decodes to bytes that are not UTF-8."""
    decoded = _b64(value)
    if decoded is None:
        return TEXT
    raw, urlsafe, padded = decoded
    found = _text(raw) if raw else None
    if found is None:
        return IDENT
    return Verdict(Kind.DECODED, found[0], Codec("", found[1], urlsafe, padded))


OPAQUE: Shape = _opaque


def media_type_of(holder: Mapping[str, Any]) -> str | None:
    value = holder.get("media_type")
    return value if isinstance(value, str) else None


def audio_format_of(holder: Mapping[str, Any]) -> str | None:
    value = holder.get("format")
    return AUDIO_FORMATS.get(value.lower()) if isinstance(value, str) else None
