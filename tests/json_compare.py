"""Comparing JSON answers whose lists carry no order (findings, anonymizer items)."""

from __future__ import annotations

import json
from typing import Any


def canonical(value: Any) -> Any:
    """Order-free form of a JSON answer: lists compared as sorted lists."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, float):
        return round(value, 6)
    return value
