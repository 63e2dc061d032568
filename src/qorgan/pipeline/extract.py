"""The third step: the texts the model would read, as slots of the body (the endpoint's
adapter says where they are), the identifier-shaped structural values (ids, names, the
model), and the object keys."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qorgan.providers import Endpoint
from qorgan.types import TextSlot

#: object keys shaped like identifiers: scanned by the pattern recognizers only (a key that
#: is an IBAN or a token is identifier-shaped too); other keys are scanned like text
_IDENT_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.:\-]{0,127}")


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

    @property
    def texts(self) -> list[str]:
        return [slot.text for slot in self.slots]


def extract(endpoint: Endpoint, body: Mapping[str, Any]) -> Extracted:
    fields = endpoint.adapter.request_fields(body)
    free_form, names = object_keys(body)
    # keys go as one text, one line each: a body of many keys costs one analysis
    return Extracted(body, tuple(fields.slots), "\n".join(free_form), tuple(names),
                     tuple(dict.fromkeys(fields.identifiers)))


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
        elif isinstance(node, list):
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


__all__ = ["Extracted", "extract", "free_form_keys", "object_keys"]
