"""`qorgan serve` (being written)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    sub.add_parser("serve", help="(not available yet)")
