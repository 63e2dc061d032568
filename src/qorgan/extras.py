"""Optional dependencies: the backends a deployment may not need are extras of the package.

``qorgan[redis]`` (the shared vault), ``qorgan[postgres]`` (the shared consent registry) and
``qorgan[otlp-grpc]`` (OTLP over gRPC) are installed only where they are used; ``qorgan[all]``
brings all three. A configuration that asks for one that is not installed fails with a
:class:`~qorgan.errors.ConfigError` naming the extra, not with an ``ImportError`` from deep
inside a library.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from qorgan.errors import ConfigError

#: the modules each extra installs (an import of one of them failing means the extra is missing)
MODULES: dict[str, tuple[str, ...]] = {
    "redis": ("redis", "hiredis"),
    "postgres": ("psycopg", "psycopg_pool", "psycopg_binary"),
    "otlp-grpc": ("grpc", "opentelemetry.exporter.otlp.proto.grpc"),
}


def missing_extra(extra: str, configured: str) -> ConfigError:
    """The error for ``configured`` (what the configuration asks for) without ``extra``."""
    if extra not in MODULES:
        raise ValueError(f"unknown extra {extra!r}")
    return ConfigError(
        f"{configured} but the {extra} extra is not installed: pip install 'qorgan[{extra}]'"
    )


def is_missing(exc: ModuleNotFoundError, extra: str) -> bool:
    """Whether ``exc`` is one of ``extra``'s own modules being absent.

    Any other missing module is a broken installation and keeps its own error.
    """
    name = exc.name or ""
    return any(name == module or name.startswith(module + ".") for module in MODULES[extra])


@contextmanager
def requires(extra: str, configured: str) -> Iterator[None]:
    """Turn the absence of ``extra``'s modules inside the block into :func:`missing_extra`."""
    try:
        yield
    except ModuleNotFoundError as exc:
        if is_missing(exc, extra):
            raise missing_extra(extra, configured) from exc
        raise
