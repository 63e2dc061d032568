"""Credentials pasted into prompts: cloud keys, API tokens, private keys, JWTs, passwords
in connection URLs and passwords after their label ("password: ...", "my password is ...").

All report the entity ``SECRET``. Prefix-shaped tokens are matched case-sensitively (an
``akia…`` word is not an AWS key id); shapes that are only secrets in context (a 40-char
AWS secret, a bearer token) carry the context in a look-behind so they are never reported
bare. Stripe's publishable keys (``pk_live_``, ``pk_test_``) are meant to be embedded in web
pages and are not reported; its secret, restricted and webhook keys are, test mode too.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer

from qorgan.detection.recognizers.scan import Hit, ScanRecognizer

_FLAGS = re.DOTALL | re.MULTILINE
_START = r"(?<![A-Za-z0-9_\-])"
_END = r"(?![A-Za-z0-9_\-])"

_PREFIX = re.compile(
    r"^(?:sk-(?:ant-|proj-|svcacct-|admin-)?|gh[pousr]_|github_pat_|xox[abprs]-|AIza|"
    r"AKIA|ASIA|ABIA|ACCA|[sr]k_(?:live|test)_|whsec_|gl(?:pat|dt|rt|ptt|cbt|ft|soat)-|hf_|\d{8,10}:AA)"
)
#: what the trigger of :class:`ApiKeyRecognizer` needs to see
API_KEY_PREFIXES = (
    r"AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|xox[abprs]-|sk-|AIza|[sr]k_(?:live|test)_|"
    r"whsec_|gl(?:pat|dt|rt|ptt|cbt|ft|soat)-|hf_|\d:AA"
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
            ("Stripe secret or restricted key", r"[sr]k_(?:live|test)_[0-9A-Za-z]{24,247}", 0.95),
            ("Stripe webhook secret", r"whsec_[0-9A-Za-z]{32,}", 0.95),
            ("GitLab token", r"gl(?:pat|dt|rt|ptt|cbt|ft|soat)-[0-9A-Za-z_\-]{20,}", 0.95),
            ("Hugging Face token", r"hf_[A-Za-z0-9]{30,40}", 0.95),
        )
    ] + [
        # a Telegram bot token, alone or inside its API URL (".../bot<token>/getMe")
        Pattern("Telegram bot token",
                r"(?:(?<=/bot)|(?<![A-Za-z0-9_\-]))\d{8,10}:AA[0-9A-Za-z_\-]{33}" + _END, 0.95),
    ]
    CONTEXT: ClassVar[list[str]] = _SECRET_CONTEXT

    def __init__(self) -> None:
        _secret_recognizer_init(self, "ApiKeyRecognizer", self.PATTERNS)

    def validate_result(self, pattern_text: str) -> bool | None:
        body = _PREFIX.sub("", pattern_text)
        # A run of one repeated character is a placeholder ("sk-xxxx…"), not a key.
        if len(set(body)) < 6:
            return False
        # "hf_" starts identifiers too ("hf_AutoModelForCausalLM"); a token is random
        # letters and digits
        if pattern_text.startswith("hf_") and not (
            any(c.isdigit() for c in body) and any(c.islower() for c in body)
        ):
            return False
        return None


class AwsSecretKeyRecognizer(ScanRecognizer):
    """A 40-character AWS secret access key, only right after an AWS secret label
    (``aws_secret_access_key = ...``) or right after its access key id, as in a credentials
    CSV (``AKIA...,wJalr...``)."""

    ENTITY = "SECRET"
    CONTEXT = tuple(_SECRET_CONTEXT)

    def scan(self, text: str) -> Iterator[Hit]:
        for pattern, reason in _AWS_SECRETS:
            for match in pattern.finditer(text):
                value = match.group("secret")
                has_mix = any(c.isdigit() or c in "/+" for c in value)
                if has_mix and any(c.isupper() for c in value):
                    yield Hit(match.start("secret"), match.end("secret"), 0.9, reason)


_AWS_SECRET = r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"  # noqa: S105 - a pattern
_AWS_SECRETS = (
    (
        re.compile(
            r"(?i:aws)[A-Za-z0-9_ \-]{0,30}(?i:secret|key)[A-Za-z_ ]{0,20}[\"']?\s*[:=]\s*[\"']?"
            + _AWS_SECRET
        ),
        "AWS secret access key after its label",
    ),
    (
        re.compile(
            r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}[\"']?[\s,;:|=]{1,3}[\"']?" + _AWS_SECRET
        ),
        "AWS secret access key after its key id",
    ),
)


class PrivateKeyRecognizer(PatternRecognizer):
    """A PEM private key block, headers included; also as a JSON string value, its line
    breaks written ``\\n`` (a service-account file), and cut off before its last line."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "PEM private key",
            r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----[A-Za-z0-9+/=\s:,\-\\]{16,}?"
            r"-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----",
            1.0,
        ),
        Pattern(
            "PEM private key without its end line",
            r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----(?:\\[nr]|[A-Za-z0-9+/=\s])"
            r"{64,}(?![A-Za-z0-9+/=\\-])",
            0.9,
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


class UrlPasswordRecognizer(ScanRecognizer):
    """The password of ``scheme://user:password@host`` (postgres, mysql, redis, amqp,
    mongodb+srv, https...): only the password is the secret, the rest stays readable.
    Placeholders ("password", ``${DB_PASSWORD}``, ``<password>``, ``****``, a name such as
    ``secret_access_key``) are not reported."""

    ENTITY = "SECRET"
    CONTEXT = tuple(_SECRET_CONTEXT)

    def scan(self, text: str) -> Iterator[Hit]:
        for match in _URL_CREDENTIALS.finditer(text):
            password = match.group("password")
            if _placeholder(password):
                continue
            yield Hit(match.start("password"), match.end("password"), 0.9, "password in a URL")


_URL_CREDENTIALS = re.compile(
    r"(?i)\b[a-z][a-z0-9+.\-]{1,30}://[^\s:/?#@\[\]]{0,128}:"
    r"(?P<password>[^\s/?@]{1,256})@(?=[\w\[])"
)
_PLACEHOLDERS = frozenset(
    {"password", "passwd", "pass", "pwd", "secret", "changeme", "yourpassword", "mypassword",
     "your_password", "your-password", "db_password", "p@ssw0rd"}
)


_NAMED_PLACEHOLDER = re.compile(
    r"(?i)[a-z]*(?:_[a-z]+)+|[a-z_\-]*(?:pass|secret|pwd|key|token)[a-z_\-]*"
)


def _placeholder(value: str) -> bool:
    if value[0] in "$%<{[(" or value.lower() in _PLACEHOLDERS:
        return True
    # a name standing for a password in documentation ("secret_access_key", "your-pass")
    if _NAMED_PLACEHOLDER.fullmatch(value):
        return True
    # "****", "xxxx", "...": a masked or elided password
    return len(set(value.lower())) == 1


class LabelledPasswordRecognizer(ScanRecognizer):
    """A password or PIN right after its label: a key (``password: ...``, ``DB_PASSWORD=``,
    ``"pwd": "..."``, ``пароль: ...``) or a sentence ("my password is ...", "password
    P@ss1234", "PIN is 4821").

    Only the value is the secret. Placeholders, ``null``/``required``-style schema words,
    paths (``PWD=/home/app``) and code (``password = os.environ[...]``) are not reported;
    after "password is" in prose a plain English word is not either ("the password is
    incorrect", "password hashing"): only a value with a digit, a symbol or a capital
    inside counts there."""

    ENTITY = "SECRET"
    CONTEXT = tuple(_SECRET_CONTEXT)

    def scan(self, text: str) -> Iterator[Hit]:
        for match in _KEYED_PASSWORD.finditer(text):
            start, end = _value_span(match)
            value = text[start:end]
            if _password_value(value):
                yield Hit(start, end, 0.9, "value after a password label")
        for match in _PROSE_PASSWORD.finditer(text):
            start, end = _value_span(match)
            value = text[start:end]
            if _password_value(value) and _not_a_word(value):
                yield Hit(start, end, 0.85, "value after 'password (is)'")
        for match in _PIN.finditer(text):
            yield Hit(match.start("value"), match.end("value"), 0.85, "digits after 'PIN'")


_LABEL_WORDS = (
    r"(?:pass(?:word|wd|phrase|code)|pwd|парол[ьяюе]|құпия[ \t]?сөз(?:і|ім|іңіз)?)"
)
_KEYED_PASSWORD = re.compile(
    r"(?i)(?<![\w\-.])[\"']?(?:[a-z0-9]+[_\-.])*" + _LABEL_WORDS + r"[\"']?[ \t]*"
    r"(?::|=>?)[ \t]*(?P<q>[\"'`]?)(?P<value>[^\s\"'`]{3,128})"
)
_COPULA = r"(?:is|was|will[ \t]+be|это|—|–)"
_PROSE_PASSWORD = re.compile(
    r"(?i)(?<!\w)" + _LABEL_WORDS + r"(?:"
    # "the password for the office wifi is X": what it opens, then the verb
    r"[ \t]+(?:for|to|of|on)(?:[ \t]+[\w'’\-]+){1,4}?[ \t]+" + _COPULA + r"|"
    r"(?:[ \t]+" + _COPULA + r")?)[ \t]+"
    r"(?P<q>[\"'`«]?)(?P<value>[^\s\"'`»]{3,128})"
)
_PIN = re.compile(
    r"(?i)(?<!\w)(?:pin(?:[ \t\-]?code)?|пин(?:[ \t\-]?код)?)[ \t]*(?:is|was|:|=|—|–|это)?"
    r"[ \t]*(?P<value>\d{4,8})(?!\d)"
)
_TRAILING = ".,;:)]}»"
_NOT_PASSWORDS = frozenset(
    {"none", "null", "nil", "true", "false", "string", "str", "required", "optional",
     "undefined", "empty", "hidden", "redacted", "masked", "removed", "omitted", "yes", "no",
     "n/a", "text", "bytes", "secretstr", "varchar", "invalid", "incorrect", "wrong", "reset",
     "expired", "changed", "set", "unset", "same", "blank", "protected", "encrypted"}
)
_CODE_VALUE = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+|[\w.]*[(\[{].*|getenv.*")


def _value_span(match: re.Match[str]) -> tuple[int, int]:
    start, end = match.span("value")
    if not match.group("q"):
        # unquoted: the sentence's own punctuation is not part of the value
        while end - start > 3 and match.string[end - 1] in _TRAILING:
            end -= 1
    return start, end


def _password_value(value: str) -> bool:
    low = value.lower()
    return not (
        _placeholder(value)
        or low in _NOT_PASSWORDS
        or value[0] in "/~\\.*"
        or _CODE_VALUE.fullmatch(value) is not None
    )


def _not_a_word(value: str) -> bool:
    """In prose, a value reads as a password only with a digit, a symbol or an inner
    capital: a plain word after "the password is" is usually the sentence going on, also
    where the sentence's question or exclamation mark ends it ("a password manager?")."""
    word = value.rstrip("?!")
    return not word.isalpha() or any(c.isupper() for c in word[1:])


SECRET_RECOGNIZERS: tuple[type[EntityRecognizer], ...] = (
    ApiKeyRecognizer,
    AwsSecretKeyRecognizer,
    PrivateKeyRecognizer,
    JwtRecognizer,
    BearerTokenRecognizer,
    UrlPasswordRecognizer,
    LabelledPasswordRecognizer,
)
