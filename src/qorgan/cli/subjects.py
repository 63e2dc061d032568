"""Subject ids (an IIN, an e-mail) for the CLI: read from standard input or a file, one per
line, never from the command line, where they would stay in the shell history and the
process list; at a terminal they are asked for without echo."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from qorgan.errors import ConfigError

MAX_SUBJECTS = 10_000


class _RefuseSubject(argparse.Action):
    """``--subject VALUE`` is refused without repeating the value."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        parser.error("subject ids are read from standard input or --subject-file, never "
                     "from the command line (it keeps them in the shell history)")


def add_subject_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--subject-file", metavar="PATH",
        help="read subject ids from this file, one per line ('-' or none: standard input)")
    parser.add_argument("--subject", nargs="?", action=_RefuseSubject, help=argparse.SUPPRESS)


def read_subjects(args: argparse.Namespace) -> list[str]:
    """Subject ids, one per line, from ``--subject-file`` (``-``: standard input) or
    standard input; asked for without echo at a terminal."""
    path = args.subject_file
    if path in (None, "-") and sys.stdin.isatty():
        subject = getpass.getpass("subject id: ").strip()
        subjects = [subject] if subject else []
    else:
        try:
            if path in (None, "-"):
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError("cannot read the subject ids") from exc
        subjects = [line.strip() for line in text.splitlines() if line.strip()]
    if not subjects:
        raise ConfigError("no subject id given: write one per line to standard input or "
                          "to the --subject-file")
    if len(subjects) > MAX_SUBJECTS:
        raise ConfigError(f"at most {MAX_SUBJECTS} subject ids at a time")
    return subjects



__all__ = ["MAX_SUBJECTS", "add_subject_arguments", "read_subjects"]
