"""The third step: the texts the model would read, as slots of the body (the endpoint's
adapter says where they are), the identifier-shaped structural values (ids, names, the
model), the object keys, and the values of the query string (scanned like the body: the
upstream receives them too)."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qorgan.errors import PayloadError
from qorgan.protocols.jsonpath import only_scalars
from qorgan.providers import Endpoint
from qorgan.types import TextSlot

#: object keys shaped like identifiers: scanned by the pattern recognizers only (a key that
#: is an IBAN or a token is identifier-shaped too); other keys are scanned like text
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
    #: identifier-shaped object keys
    key_names: tuple[str, ...] = ()
    #: identifier-shaped structural values (ids, tool names, the model, ciphertext)
    identifiers: tuple[str, ...] = ()
    #: the query string's parameters in order (their values are texts after the slots')
    query: tuple[tuple[str, str], ...] = ()
    #: the query string as it came
    raw_query: str = ""

    @property
    def texts(self) -> list[str]:
        """Every text the upstream receives: the slots', then the query values."""
        return [slot.text for slot in self.slots] + [value for _, value in self.query]


def extract(endpoint: Endpoint, body: Mapping[str, Any], query: str = "") -> Extracted:
    fields = endpoint.adapter.request_fields(body)
    free_form, names = object_keys(body)
    # keys go as one text, one line each: a body of many keys costs one analysis
    return Extracted(body, tuple(fields.slots), "\n".join(free_form), tuple(names),
                     tuple(dict.fromkeys(fields.identifiers)), parse_query(query), query)


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


def object_keys(body: Any) -> tuple[list[str], list[str]]:
    """Every object key of ``body`` (and of JSON documents inside its strings, such as
    tool-call arguments), once each: the free-form ones (``"a@b.kz": ...``,
    ``"901123300258": ...``) and the identifier-shaped ones (``"customer_id"``,
    ``"KZ86125KZT5004100100"``). The slots hold values only, so keys are scanned on their
    own."""
    keys: dict[str, None] = {}
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                keys[key] = None
                stack.append(value)
        elif isinstance(node, list) and not only_scalars(node):
            stack.extend(v for v in node if isinstance(v, (dict, list, str)))
        elif isinstance(node, str) and node[:1] in ("{", "["):
            # JSON inside a string (tool-call arguments): its leaves are slots, its keys
            # are not
            try:
                stack.append(json.loads(node))
            except (ValueError, RecursionError):
                continue
    free_form = [key for key in keys if key.strip() and not _IDENT_KEY.fullmatch(key)]
    names = [key for key in keys if _IDENT_KEY.fullmatch(key)]
    return free_form, names


def free_form_keys(body: Any) -> list[str]:
    """Object keys that are not identifier-shaped (see :func:`object_keys`)."""
    return object_keys(body)[0]


__all__ = ["MAX_QUERY_PARAMETERS", "Extracted", "extract", "free_form_keys", "object_keys",
           "parse_query"]
