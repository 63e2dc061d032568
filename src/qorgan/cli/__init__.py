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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with ``only`` just that command's part: each command
    module imports what it runs, and ``qorgan scan`` need not import the policy engine."""
    parser = argparse.ArgumentParser(
        prog="qorgan",
        description="Personal-data usage guard for AI model endpoints.",
    )
    parser.add_argument("--version", action="version", version=f"qorgan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS if only is None else (only,):
        module = importlib.import_module(f"qorgan.cli.{name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words and words[0] in _COMMANDS else None)
    args = parser.parse_args(words)
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
