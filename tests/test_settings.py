"""Settings: CLI flags over QORGAN_* variables over defaults, validated at construction."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from qorgan.errors import ConfigError
from qorgan.settings import Settings, parse_key

KEY = bytes(range(32))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(KEY.hex(), KEY), (base64.b64encode(KEY).decode(), KEY), (f"  {KEY.hex()}\n", KEY)],
    ids=["hex", "base64", "whitespace"],
)
def test_parse_key(raw: str, expected: bytes) -> None:
    assert parse_key(raw, name="K") == expected


@pytest.mark.parametrize("raw", ["", "abcd", "not a key!", base64.b64encode(b"short").decode()])
def test_parse_key_refuses_short_or_garbled_keys(raw: str) -> None:
    with pytest.raises(ConfigError, match="K must be at least 16 bytes") as info:
        parse_key(raw, name="K")
    assert raw.strip() == "" or raw not in str(info.value)


@pytest.mark.parametrize(
    ("env", "field", "expected"),
    [
        ({"QORGAN_PORT": "9000"}, "port", 9000),
        ({"QORGAN_UPSTREAM_TIMEOUT": "2.5"}, "upstream_timeout", 2.5),
        ({"QORGAN_METRICS": "yes"}, "metrics", True),
        ({"QORGAN_METRICS": "off"}, "metrics", False),
        ({"QORGAN_PRESIDIO_API": "true"}, "presidio_api", True),
        ({"QORGAN_UI": "1"}, "ui", True),
        ({}, "ui", False),
        ({"QORGAN_UPSTREAM": "http://127.0.0.1:1/v1"}, "upstream", "http://127.0.0.1:1/v1"),
        ({"QORGAN_MASTER_KEY": KEY.hex()}, "master_key", KEY),
        ({"QORGAN_VAULT_URL": "redis://127.0.0.1:6379/15"}, "vault_url",
         "redis://127.0.0.1:6379/15"),
        ({"QORGAN_POLICY": "builtin:kz-pdl"}, "policy", "builtin:kz-pdl"),
        ({"QORGAN_SHUTDOWN_GRACE": "45"}, "shutdown_grace", 45),
        ({}, "shutdown_grace", 30),
    ],
)
def test_from_env(env: dict[str, str], field: str, expected: Any) -> None:
    assert getattr(Settings.from_env(env), field) == expected


def test_flags_win_over_env_and_none_flags_do_not() -> None:
    env = {"QORGAN_PORT": "9000", "QORGAN_HOST": "::1"}
    settings = Settings.from_env(env, port=9100, host=None)
    assert (settings.port, settings.host) == (9100, "::1")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"QORGAN_PORT": "eighty"}, "QORGAN_PORT must be an integer"),
        ({"QORGAN_UPSTREAM_TIMEOUT": "soon"}, "QORGAN_UPSTREAM_TIMEOUT must be a number"),
        ({"QORGAN_METRICS": "maybe"}, "QORGAN_METRICS must be true or false"),
        ({"QORGAN_SHUTDOWN_GRACE": "later"}, "QORGAN_SHUTDOWN_GRACE must be an integer"),
        ({"QORGAN_MASTER_KEY": "short"}, "QORGAN_MASTER_KEY must be at least 16 bytes"),
    ],
)
def test_from_env_errors_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"upstream": "ftp://example"}, "upstream must be an absolute http"),
        ({"upstream": "/v1"}, "upstream must be an absolute http"),
        ({"port": 0}, "port must be between"),
        ({"port": 70000}, "port must be between"),
        ({"workers": 0}, "workers must be at least 1"),
        ({"api_prefix": "v1"}, "api_prefix must start with"),
        ({"upstream_timeout": 0}, "upstream_timeout must be positive"),
        ({"vault_ttl": -1}, "vault_ttl must be positive"),
        ({"shutdown_grace": 0}, "shutdown_grace must be positive"),
        ({"vault_url": "postgres://x"}, "vault_url must be"),
    ],
)
def test_invalid_values(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings(**values)


def test_with_keys_fills_an_ephemeral_key_for_one_process() -> None:
    settings = Settings().with_keys()
    assert settings.master_key is not None
    assert len(settings.master_key) == 32
    assert settings.subject_key == settings.master_key
    assert Settings().with_keys().master_key != settings.master_key


def test_with_keys_keeps_configured_keys() -> None:
    subject = bytes(reversed(KEY))
    settings = Settings(master_key=KEY, subject_key=subject).with_keys()
    assert (settings.master_key, settings.subject_key) == (KEY, subject)


@pytest.mark.parametrize("values", [{"workers": 2}, {"vault_url": "redis://127.0.0.1:6379/15"}])
def test_shared_deployments_require_a_master_key(values: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="QORGAN_MASTER_KEY is required"):
        Settings(**values).with_keys()


def test_keys_are_not_in_repr() -> None:
    text = repr(Settings(master_key=KEY, upstream_api_key="sk-upstream-secret"))
    assert KEY.hex() not in text
    assert repr(KEY) not in text
    assert "sk-upstream-secret" not in text


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"QORGAN_LOG_FORMAT": "xml"}, "QORGAN_LOG_FORMAT must be text or json"),
        ({"QORGAN_LOG_LEVEL": "loud"}, "QORGAN_LOG_LEVEL must be one of"),
    ],
)
def test_log_settings_are_checked(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_log_format_from_the_environment(fmt: str) -> None:
    assert Settings.from_env({"QORGAN_LOG_FORMAT": fmt}).log_format == fmt
