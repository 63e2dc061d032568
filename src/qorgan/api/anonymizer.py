"""The anonymizer of Presidio's REST contract: operators over given spans of a text.

Semantics follow presidio-anonymizer so answers match a Presidio server's:

- spans are sorted; spans of one entity type that overlap are merged into one (the highest
  score kept); a span contained in another, or equal to one with a higher score, is
  dropped; other partial overlaps are both kept, and the later one is written first, so
  the earlier one's operator sees its original text;
- neighbouring spans of one type with only spaces between them become one;
- the operator of a span is the one named for its entity type, else ``DEFAULT``, else
  ``replace``; the answer's ``items`` say where each replacement sits in the new text, last
  first;
- ``encrypt`` is AES-CBC with PKCS#7 padding, a random 16-byte IV in front of the cipher
  text, URL-safe base64 of both; the key is the UTF-8 bytes of a 16, 24 or 32 character
  string. ``decrypt`` reverses it, so values round-trip with Presidio's own servers;
- ``hash`` is SHA-256 or SHA-512 of the value's UTF-8 bytes followed by a salt: the one
  given (16 bytes at least) or 32 random bytes per value.

Operators raise :class:`~qorgan.errors.PayloadError` naming the parameter, never a value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from qorgan.errors import PayloadError

ANONYMIZERS = ("hash", "mask", "redact", "replace", "encrypt", "keep")
DEANONYMIZERS = ("decrypt", "deanonymize_keep")
DEFAULT_KEY = "DEFAULT"

_SPACES = re.compile(r" +")


@dataclass(slots=True)
class Span:
    start: int
    end: int
    entity_type: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Item:
    start: int
    end: int
    entity_type: str
    text: str
    operator: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "entity_type": self.entity_type,
                "text": self.text, "operator": self.operator}


def _bad(param: str, why: str) -> PayloadError:
    return PayloadError(f"operator parameter {param} {why}", code="invalid_operator",
                        field="anonymizers")


def _key(params: Mapping[str, Any]) -> bytes:
    key = params.get("key")
    if not isinstance(key, str) or not key:
        raise _bad("key", "is required and must be a string")
    raw = key.encode("utf-8")
    if len(raw) * 8 not in (128, 192, 256):
        raise _bad("key", "must be of length 128, 192 or 256 bits")
    return raw


def encrypt(key: bytes, text: str) -> str:
    padder = padding.PKCS7(algorithms.AES.block_size).padder()
    padded = padder.update(text.encode("utf-8")) + padder.finalize()
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.urlsafe_b64encode(iv + encryptor.update(padded) + encryptor.finalize()).decode()


def decrypt(key: bytes, token: str) -> str:
    try:
        # both alphabets: Presidio's own answers are URL-safe, hand-written ones often not
        raw = base64.b64decode(token.replace("-", "+").replace("_", "/"))
        if len(raw) < 32 or len(raw) % 16:
            raise ValueError("not an IV and whole blocks")
        decryptor = Cipher(algorithms.AES(key), modes.CBC(raw[:16])).decryptor()
        padded = decryptor.update(raw[16:]) + decryptor.finalize()
        unpadder = padding.PKCS7(algorithms.AES.block_size).unpadder()
        return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise PayloadError("a value could not be decrypted with the given key",
                           code="decrypt_failed", field="deanonymizers") from None


def _replace(text: str, params: Mapping[str, Any], entity: str) -> str:
    new = params.get("new_value")
    if new is not None and not isinstance(new, str):
        raise _bad("new_value", "must be a string")
    return new or f"<{entity}>"


def _mask(text: str, params: Mapping[str, Any], entity: str) -> str:
    char = params.get("masking_char")
    count = params.get("chars_to_mask")
    from_end = params.get("from_end")
    if not isinstance(char, str) or len(char) > 1:
        raise _bad("masking_char", "must be one character")
    if not isinstance(count, int) or isinstance(count, bool):
        raise _bad("chars_to_mask", "must be an integer")
    if not isinstance(from_end, bool):
        raise _bad("from_end", "must be true or false")
    n = min(len(text), count) if count > 0 else 0
    if from_end:
        return text[: len(text) - n] + char * n
    return char * n + text[n:]


def _hash(text: str, params: Mapping[str, Any], entity: str) -> str:
    kind = params.get("hash_type", "sha256")
    if kind not in ("sha256", "sha512"):
        raise _bad("hash_type", "must be sha256 or sha512")
    salt: bytes
    if "salt" in params:
        given = params["salt"]
        if not isinstance(given, str):
            raise _bad("salt", "must be a string")
        salt = given.encode("utf-8")
        if len(salt) < 16:
            raise _bad("salt", "must be at least 16 bytes")
    else:
        salt = os.urandom(32)
    return hashlib.new(kind, text.encode("utf-8") + salt).hexdigest()


def _encrypt(text: str, params: Mapping[str, Any], entity: str) -> str:
    return encrypt(_key(params), text)


def _decrypt(text: str, params: Mapping[str, Any], entity: str) -> str:
    return decrypt(_key(params), text)


def _keep(text: str, params: Mapping[str, Any], entity: str) -> str:
    return text


def _redact(text: str, params: Mapping[str, Any], entity: str) -> str:
    return ""


Operator = Callable[[str, Mapping[str, Any], str], str]

_ANONYMIZE: dict[str, Operator] = {
    "replace": _replace, "redact": _redact, "mask": _mask, "hash": _hash,
    "encrypt": _encrypt, "keep": _keep,
}
_DEANONYMIZE: dict[str, Operator] = {"decrypt": _decrypt, "deanonymize_keep": _keep}


@dataclass(frozen=True, slots=True)
class OperatorConfig:
    name: str
    params: Mapping[str, Any]


def operator_configs(
    raw: Mapping[str, Mapping[str, Any]] | None, *, deanonymize: bool = False
) -> dict[str, OperatorConfig]:
    """``{"PHONE_NUMBER": {"type": "mask", ...}}`` -> configs, each checked once."""
    known = _DEANONYMIZE if deanonymize else _ANONYMIZE
    out: dict[str, OperatorConfig] = {}
    for entity, spec in (raw or {}).items():
        name = spec.get("type")
        if name == "custom":
            raise PayloadError("the custom anonymizer is not supported",
                               code="unsupported_operator", field="anonymizers")
        if not isinstance(name, str) or name not in known:
            valid = ", ".join(known)
            raise PayloadError(f"unknown operator type; valid: {valid}",
                               code="unsupported_operator",
                               field="deanonymizers" if deanonymize else "anonymizers")
        params = {k: v for k, v in spec.items() if k != "type"}
        # checked now, on an empty value: a bad parameter fails before any text is touched
        if name in ("encrypt", "decrypt"):
            _key(params)
        else:
            known[name]("", params, entity)
        out[entity] = OperatorConfig(name, params)
    return out


def resolve(spans: Sequence[Span]) -> list[Span]:
    """Merge and drop overlapping spans the way presidio-anonymizer does (module docstring)."""
    ordered = sorted((Span(s.start, s.end, s.entity_type, s.score) for s in spans),
                     key=lambda s: (s.start, s.end))
    merged: list[Span] = []
    pending = list(ordered)
    for span in ordered:
        pending.remove(span)
        target = next((o for o in pending if o.entity_type == span.entity_type
                       and min(o.end, span.end) - max(o.start, span.start) > 0), None)
        if target is None:
            pending.append(span)
            merged.append(span)
            continue
        target.start = min(target.start, span.start)
        target.end = max(target.end, span.end)
        target.score = max(target.score, span.score)
    kept: list[Span] = []
    others = list(merged)
    for span in merged:
        others.remove(span)
        if any(_conflicts(span, o) for o in others):
            continue
        others.append(span)
        kept.append(span)
    return kept


def _conflicts(span: Span, other: Span) -> bool:
    if span.start == other.start and span.end == other.end:
        return span.score <= other.score
    return other.start <= span.start and other.end >= span.end


def merge_spaced(text: str, spans: Sequence[Span]) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        prev = out[-1] if out else None
        if (prev is not None and prev.entity_type == span.entity_type
                and prev.end <= span.start and _SPACES.fullmatch(text[prev.end:span.start])):
            out.pop()
            span = Span(prev.start, span.end, span.entity_type, span.score)
        out.append(span)
    return out


def operate(
    text: str,
    spans: Sequence[Span],
    configs: Mapping[str, OperatorConfig],
    *,
    deanonymize: bool = False,
) -> tuple[str, list[Item]]:
    """Apply each span's operator, last span first; items in that order, offsets in the
    new text."""
    table = _DEANONYMIZE if deanonymize else _ANONYMIZE
    for span in spans:
        if span.start < 0 or span.end < span.start or span.end > len(text):
            raise PayloadError("a result's start and end do not fit the text",
                               code="invalid_value",
                               field="anonymizer_results" if deanonymize else "analyzer_results")
    output = text
    last = len(text)
    from_end: list[tuple[int, str, str, str]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end), reverse=True):
        config = configs.get(span.entity_type) or configs.get(DEFAULT_KEY)
        if config is None:
            raise PayloadError("no deanonymizer for an entity type and no DEFAULT",
                               code="invalid_value", field="deanonymizers")
        new = table[config.name](text[span.start:span.end], config.params, span.entity_type)
        # a span overlapping one already written keeps only what lies before it
        after = output[min(span.end, last):]
        output = output[:span.start] + new + after
        last = span.start
        from_end.append((len(after) + len(new), new, span.entity_type, config.name))
    items = []
    for back, new, entity, name in from_end:
        start = len(output) - back
        items.append(Item(start, start + len(new), entity, new, name))
    return output, items


def anonymize(
    text: str, spans: Sequence[Span], configs: Mapping[str, OperatorConfig]
) -> tuple[str, list[Item]]:
    resolved = merge_spaced(text, resolve(spans))
    chosen = dict(configs)
    chosen.setdefault(DEFAULT_KEY, OperatorConfig("replace", {}))
    return operate(text, resolved, chosen)
