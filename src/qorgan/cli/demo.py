"""``qorgan demo``: the guard in front of a demo model, shown side by side."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "demo",
        help="run the proxy in front of a demo model and show what each side saw",
        description="Starts a demo model and the guard on loopback ports, sends requests with "
        "personal data in English, Russian and Kazakh, and prints what the client sent, what "
        "the model received and what the client got back.",
    )
    p.add_argument("--policy", default="builtin:default",
                   help="policy file or builtin:NAME (default builtin:default)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import logging

    from qorgan.demo.runner import run_demo

    logging.basicConfig(level=logging.WARNING)
    return run_demo(policy=args.policy)
