"""Health probe for containers: ``python -m qorgan.cli.probe [/healthz|/readyz]``.

Exits 0 when the server on this host answers the path with 200, else 1. The port is
``QORGAN_PORT`` (default 8080) and the host ``QORGAN_HOST`` (a wildcard address such as
``0.0.0.0`` is probed on loopback), so the image's ``HEALTHCHECK`` and a sidecar's exec
probes follow the configuration. Only the standard library is imported: the full
``qorgan`` command builds every subcommand's parser, which costs a probe half a second of
CPU each time it runs.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence

PATHS = ("/healthz", "/readyz")
_WILDCARDS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1", "[::]": "::1"}  # noqa: S104


def probe_url(path: str, env: Mapping[str, str]) -> str:
    if path not in PATHS:
        raise ValueError(f"path must be one of {', '.join(PATHS)}")
    host = env.get("QORGAN_HOST", "127.0.0.1").strip()
    host = _WILDCARDS.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = int(env.get("QORGAN_PORT", "8080"))
    if not 0 < port < 65536:
        raise ValueError("QORGAN_PORT must be between 1 and 65535")
    return f"http://{host}:{port}{path}"


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        url = probe_url(args[0] if args else "/healthz", os.environ if env is None else env)
    except ValueError as exc:
        print(f"qorgan probe: {exc}", file=sys.stderr)
        return 2
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - http to self
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
