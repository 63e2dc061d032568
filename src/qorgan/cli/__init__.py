"""The ``qorgan`` command.

Each command group lives in its own module exposing ``add_parser(subparsers)``; the parser
it adds sets ``func`` (``(argparse.Namespace) -> int``) as its default.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from qorgan._version import __version__
from qorgan.errors import QorganError

_COMMANDS = ("scan", "policy", "consent", "audit", "serve", "demo")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qorgan",
        description="Personal-data usage guard for AI model endpoints.",
    )
    parser.add_argument("--version", action="version", version=f"qorgan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        module = importlib.import_module(f"qorgan.cli.{name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except QorganError as exc:
        print(f"qorgan: error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
