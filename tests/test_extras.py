"""Heavy backends are extras: without one, the configuration that needs it names the extra.

A missing extra is simulated in a fresh interpreter by blocking its modules
(``sys.modules[name] = None`` makes every import of them fail as if not installed).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from qorgan.errors import ConfigError
from qorgan.extras import MODULES, is_missing, missing_extra, requires

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = "http://127.0.0.1:9/v1"
KEY = "00" * 32


def _run(
    blocked: tuple[str, ...], code: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    prelude = "import sys\n" + "".join(f"sys.modules[{m!r}] = None\n" for m in blocked)
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "QORGAN_MASTER_KEY": KEY, **env}, cwd=ROOT,
    )


SERVE = f"""
from qorgan.cli import main
sys.exit(main(["serve", "--upstream", "{UPSTREAM}", "--port", "18999"]))
"""


@pytest.mark.parametrize(
    ("extra", "env", "message"),
    [
        ("redis", {"QORGAN_VAULT_URL": "redis://:secret@127.0.0.1:6379/0"},
         "QORGAN_VAULT_URL is redis://... but the redis extra is not installed: "
         "pip install 'qorgan[redis]'"),
        ("postgres", {"QORGAN_CONSENT_URL": "postgresql://u:secret@127.0.0.1/db"},
         "QORGAN_CONSENT_URL is postgresql://... but the postgres extra is not installed: "
         "pip install 'qorgan[postgres]'"),
        ("otlp-grpc", {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
                       "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317"},
         "OTEL_EXPORTER_OTLP_PROTOCOL is grpc but the otlp-grpc extra is not installed: "
         "pip install 'qorgan[otlp-grpc]'"),
    ],
)
def test_serve_without_the_extra_names_it(extra: str, env: dict[str, str], message: str) -> None:
    result = _run(MODULES[extra], SERVE, env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"qorgan: error: {message}"
    assert "secret" not in result.stderr  # a URL's password is never printed
    assert "Traceback" not in result.stderr


def test_everything_else_runs_without_any_extra(tmp_path: Path) -> None:
    # memory vault, SQLite consent and OTLP over HTTP need none of the extras
    blocked = tuple(m for modules in MODULES.values() for m in modules)
    result = _run(blocked, f"""
        import anyio
        from qorgan.audit.otel import build_from_env
        from qorgan.edges.proxy import ProxyApp
        from qorgan.pipeline import Runtime
        from qorgan.settings import Settings

        telemetry = build_from_env()
        assert telemetry.tracer_provider is not None
        runtime = Runtime.from_settings(Settings.from_env(upstream="{UPSTREAM}"))
        app = ProxyApp(runtime, warm_up=False)
        print(sorted(anyio.run(runtime.readiness).items()))
        anyio.run(app.aclose)
        telemetry.shutdown()
        for module in {blocked!r}:
            assert sys.modules[module] is None, module
    """, {"QORGAN_CONSENT_URL": f"sqlite:///{tmp_path / 'consent.db'}",
          "OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[('consent', 'ok'), ('policy', 'ok'), ('vault', 'ok')]"


@pytest.mark.parametrize(
    ("missing", "extra", "is_the_extra"),
    [
        ("redis", "redis", True),
        ("redis.asyncio", "redis", True),
        ("psycopg_pool", "postgres", True),
        ("grpc", "otlp-grpc", True),
        ("opentelemetry.exporter.otlp.proto.grpc", "otlp-grpc", True),
        ("opentelemetry.exporter", "otlp-grpc", False),  # a core package: a broken install
        ("redisx", "redis", False),
        ("cryptography", "redis", False),
    ],
)
def test_only_the_extras_own_modules_count_as_the_extra(
    missing: str, extra: str, is_the_extra: bool
) -> None:
    exc = ModuleNotFoundError(f"No module named {missing!r}", name=missing)
    assert is_missing(exc, extra) is is_the_extra
    with pytest.raises(ConfigError if is_the_extra else ModuleNotFoundError), \
            requires(extra, "X is configured"):
        raise exc


def test_missing_extra_knows_only_declared_extras() -> None:
    with pytest.raises(ValueError, match="unknown extra"):
        missing_extra("kafka", "X")


def test_pyproject_declares_each_extra_and_all_of_them() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = project["optional-dependencies"]
    assert set(MODULES) <= set(optional)
    assert optional["all"] == [f"qorgan[{','.join(MODULES)}]"]
    assert "qorgan[all]" in optional["dev"]  # make test and make demo install everything
    core = " ".join(project["dependencies"]).lower()
    for name in ("redis", "psycopg", "grpc"):
        assert name not in core
