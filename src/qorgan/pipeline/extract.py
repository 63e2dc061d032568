"""The third step: the texts the model would read, as slots of the body (the endpoint's
adapter says where they are), the object keys that are not schema, and the values of the
query string (scanned like the body: the upstream receives them too)."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qorgan.errors import PayloadError
from qorgan.providers import Endpoint
from qorgan.types import TextSlot

#: object keys shaped like identifiers are schema, not data
_IDENT_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.:\-]{0,127}")


#: a query parameter's name is schema (``api-version``), never data
_QUERY_NAME = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,64}")
#: the most query parameters a request may carry
MAX_QUERY_PARAMETERS = 64


@dataclass(frozen=True, slots=True)
class Extracted:
    body: Mapping[str, Any]
    slots: tuple[TextSlot, ...]
    #: object keys that are not identifier-shaped, one line each (empty: none)
    keys: str
    #: the query string's parameters in order (their values are texts after the slots')
    query: tuple[tuple[str, str], ...] = ()
    #: the query string as it came
    raw_query: str = ""

    @property
    def texts(self) -> list[str]:
        """Every text the upstream receives: the slots', then the query values."""
        return [slot.text for slot in self.slots] + [value for _, value in self.query]


def extract(endpoint: Endpoint, body: Mapping[str, Any], query: str = "") -> Extracted:
    slots = endpoint.adapter.request_slots(body)
    # keys go as one text, one line each: a body of many keys costs one analysis
    return Extracted(body, tuple(slots), "\n".join(free_form_keys(body)), parse_query(query),
                     query)


def parse_query(query: str) -> tuple[tuple[str, str], ...]:
    """The parameters of a query string; a parameter name that is not identifier-shaped
    is refused (a name cannot be rewritten the way a value can)."""
    if not query:
        return ()
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=True,
                                       max_num_fields=MAX_QUERY_PARAMETERS,
                                       errors="strict")
    except ValueError:
        raise PayloadError("the query string is malformed or too long",
                           code="invalid_query") from None
    for name, _ in pairs:
        if not _QUERY_NAME.fullmatch(name):
            raise PayloadError("a query parameter name is not identifier-shaped",
                               code="invalid_query")
    return tuple(pairs)


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


__all__ = ["MAX_QUERY_PARAMETERS", "Extracted", "extract", "free_form_keys", "parse_query"]
