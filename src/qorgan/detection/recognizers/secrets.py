"""Credentials pasted into prompts: cloud keys, API tokens, private keys, JWTs.

All report the entity ``SECRET``. Prefix-shaped tokens are matched case-sensitively (an
``akia…`` word is not an AWS key id); shapes that are only secrets in context (a 40-char
AWS secret, a bearer token) carry the context in a look-behind so they are never reported
bare.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

_FLAGS = re.DOTALL | re.MULTILINE
_START = r"(?<![A-Za-z0-9_\-])"
_END = r"(?![A-Za-z0-9_\-])"

_PREFIX = re.compile(
    r"^(?:sk-(?:ant-|proj-|svcacct-|admin-)?|gh[pousr]_|github_pat_|xox[abprs]-|AIza|"
    r"AKIA|ASIA|ABIA|ACCA)"
)

_SECRET_CONTEXT = [
    "key", "token", "secret", "password", "api", "credential", "auth", "ключ", "токен",
    "пароль", "кілт", "құпия",
]  # fmt: skip


def _secret_recognizer_init(self: PatternRecognizer, name: str, patterns: list[Pattern]) -> None:
    PatternRecognizer.__init__(
        self,
        supported_entity="SECRET",
        name=name,
        patterns=list(patterns),
        context=list(_SECRET_CONTEXT),
        global_regex_flags=_FLAGS,
    )


class ApiKeyRecognizer(PatternRecognizer):
    """Tokens whose vendor prefix makes them unambiguous."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(name, _START + regex + _END, score)
        for name, regex, score in (
            ("AWS access key id", r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", 0.95),
            ("GitHub token", r"gh[pousr]_[A-Za-z0-9]{36,255}", 0.95),
            ("GitHub fine-grained token", r"github_pat_[A-Za-z0-9_]{22,255}", 0.95),
            ("Slack token", r"xox[abprs]-(?:[A-Za-z0-9]+-){1,4}[A-Za-z0-9]{6,}", 0.95),
            ("Anthropic key", r"sk-ant-[A-Za-z0-9_\-]{32,}", 0.95),
            ("OpenAI project key", r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{32,}", 0.95),
            ("OpenAI-style key", r"sk-(?!ant-|proj-|svcacct-|admin-)[A-Za-z0-9]{32,}", 0.9),
            ("Google API key", r"AIza[0-9A-Za-z_\-]{35}", 0.95),
        )
    ]
    CONTEXT: ClassVar[list[str]] = _SECRET_CONTEXT

    def __init__(self) -> None:
        _secret_recognizer_init(self, "ApiKeyRecognizer", self.PATTERNS)

    def validate_result(self, pattern_text: str) -> bool | None:
        body = _PREFIX.sub("", pattern_text)
        # A run of one repeated character is a placeholder ("sk-xxxx…"), not a key.
        return False if len(set(body)) < 6 else None


class AwsSecretKeyRecognizer(PatternRecognizer):
    """A 40-character AWS secret access key, only right after an AWS secret label."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "AWS secret access key",
            r"(?<=(?i:aws)[A-Za-z0-9_ \-]{0,30}(?i:secret|key)[A-Za-z_ ]{0,20}"
            r"[\"']?\s*[:=]\s*[\"']?)"
            r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
            0.9,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = _SECRET_CONTEXT

    def __init__(self) -> None:
        _secret_recognizer_init(self, "AwsSecretKeyRecognizer", self.PATTERNS)

    def validate_result(self, pattern_text: str) -> bool | None:
        has_mix = any(c.isdigit() for c in pattern_text) or any(c in "/+" for c in pattern_text)
        return None if has_mix and any(c.isupper() for c in pattern_text) else False


class PrivateKeyRecognizer(PatternRecognizer):
    """A PEM private key block, headers included."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "PEM private key",
            r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----[A-Za-z0-9+/=\s:,\-]{16,}?"
            r"-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----",
            1.0,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = _SECRET_CONTEXT

    def __init__(self) -> None:
        _secret_recognizer_init(self, "PrivateKeyRecognizer", self.PATTERNS)


class JwtRecognizer(PatternRecognizer):
    """A JSON Web Token: three base64url parts, the first decoding to a header with ``alg``."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "JWT",
            _START + r"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]*" + _END,
            0.6,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = _SECRET_CONTEXT

    def __init__(self) -> None:
        _secret_recognizer_init(self, "JwtRecognizer", self.PATTERNS)

    def validate_result(self, pattern_text: str) -> bool:
        header = pattern_text.split(".", 1)[0]
        try:
            raw = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
            decoded = json.loads(raw)
        except (binascii.Error, ValueError):
            return False
        return isinstance(decoded, dict) and "alg" in decoded


class BearerTokenRecognizer(PatternRecognizer):
    """An opaque token right after ``Authorization:`` / ``Bearer``."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Bearer token",
            r"(?<=(?i:\bbearer|\bauthorization\s*[:=]\s*(?i:bearer|token|basic)?)\s{1,4})"
            r"[A-Za-z0-9\-._~+/]{16,}=*(?![A-Za-z0-9\-._~+/=])",
            0.85,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = _SECRET_CONTEXT

    def __init__(self) -> None:
        _secret_recognizer_init(self, "BearerTokenRecognizer", self.PATTERNS)

    def validate_result(self, pattern_text: str) -> bool | None:
        # Prose after the word "bearer" is letters only; a token mixes in digits or symbols.
        return None if re.search(r"[0-9\-._~+/]", pattern_text) else False


SECRET_RECOGNIZERS: tuple[type[PatternRecognizer], ...] = (
    ApiKeyRecognizer,
    AwsSecretKeyRecognizer,
    PrivateKeyRecognizer,
    JwtRecognizer,
    BearerTokenRecognizer,
)
