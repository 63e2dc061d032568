"""Any JSON body: every string leaf is a slot (data URLs excepted).

Used for routes no specific adapter knows, when the guard is configured to inspect them
rather than refuse them. Nothing is structural because nothing is known about the shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qorgan.protocols.base import JSONAdapter
from qorgan.types import JSONPath


class GenericAdapter(JSONAdapter):
    name = "generic"
    provider = "generic"
    operation = "chat"

    def validate(self, body: Any) -> None:
        # any JSON document is acceptable: the root may be an array or a scalar
        return None

    def validate_response(self, body: Any) -> None:
        return None

    def request_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        return None
