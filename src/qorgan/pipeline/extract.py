"""The third step: the texts the model would read, as slots of the body (the endpoint's
adapter says where they are), and the object keys that are not schema."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qorgan.providers import Endpoint
from qorgan.types import TextSlot

#: object keys shaped like identifiers are schema, not data
_IDENT_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.:\-]{0,127}")


@dataclass(frozen=True, slots=True)
class Extracted:
    body: Mapping[str, Any]
    slots: tuple[TextSlot, ...]
    #: object keys that are not identifier-shaped, one line each (empty: none)
    keys: str

    @property
    def texts(self) -> list[str]:
        return [slot.text for slot in self.slots]


def extract(endpoint: Endpoint, body: Mapping[str, Any]) -> Extracted:
    slots = endpoint.adapter.request_slots(body)
    # keys go as one text, one line each: a body of many keys costs one analysis
    return Extracted(body, tuple(slots), "\n".join(free_form_keys(body)))


def free_form_keys(body: Any) -> list[str]:
    """Object keys that are not identifier-shaped (``"a@b.kz": ...``, ``"901123300258": ...``):
    the slots hold values only, so these are scanned on their own."""
    keys: dict[str, None] = {}
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not _IDENT_KEY.fullmatch(key):
                    keys[key] = None
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list, str)))
        elif isinstance(node, str) and node[:1] in ("{", "["):
            # JSON inside a string (tool-call arguments): its leaves are slots, its keys
            # are not
            try:
                stack.append(json.loads(node))
            except (ValueError, RecursionError):
                continue
    return [key for key in keys if key.strip()]


__all__ = ["Extracted", "extract", "free_form_keys"]
