"""``qorgan serve`` flags reach the settings the server runs with: --shutdown-grace,
--presidio-api and --ui, each with its QORGAN_* variable."""

from __future__ import annotations

import argparse

import pytest

from qorgan.cli.serve import add_parser, settings_from_args
from qorgan.errors import ConfigError


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["serve", *argv])


@pytest.mark.parametrize(
    ("argv", "env", "grace"),
    [
        ([], {}, 30),
        (["--shutdown-grace", "7"], {}, 7),
        ([], {"QORGAN_SHUTDOWN_GRACE": "55"}, 55),
        (["--shutdown-grace", "12"], {"QORGAN_SHUTDOWN_GRACE": "55"}, 12),  # the flag wins
    ],
)
def test_shutdown_grace_from_flag_or_environment(
    argv: list[str], env: dict[str, str], grace: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QORGAN_SHUTDOWN_GRACE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert settings_from_args(_parse(argv)).shutdown_grace == grace


def test_shutdown_grace_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QORGAN_SHUTDOWN_GRACE", raising=False)
    with pytest.raises(ConfigError, match="shutdown_grace must be positive"):
        settings_from_args(_parse(["--shutdown-grace", "0"]))


@pytest.mark.parametrize(
    ("argv", "env", "presidio", "ui"),
    [
        ([], {}, False, False),
        (["--presidio-api"], {}, True, False),
        (["--ui"], {}, False, True),
        (["--presidio-api", "--ui"], {}, True, True),
        ([], {"QORGAN_PRESIDIO_API": "true", "QORGAN_UI": "yes"}, True, True),
        (["--ui"], {"QORGAN_UI": "false"}, False, True),
    ],
)
def test_flags_and_variables(monkeypatch: pytest.MonkeyPatch, argv: list[str],
                             env: dict[str, str], presidio: bool, ui: bool) -> None:
    for name in ("QORGAN_PRESIDIO_API", "QORGAN_UI"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = settings_from_args(_parse(["--upstream", "http://127.0.0.1:9/v1", *argv]))
    assert (settings.presidio_api, settings.ui) == (presidio, ui)
