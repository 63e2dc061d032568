"""Checking a body's shape field by field: every refusal names the field's JSON path,
never its value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qorgan.errors import PayloadError
from qorgan.protocols.jsonpath import format_path
from qorgan.types import JSONPath

#: roles by the names the APIs give them
ROLES = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
    "function": "tool",
}


def fail(path: JSONPath, expected: str) -> PayloadError:
    where = format_path(path)
    return PayloadError(f"{where}: expected {expected}", field=where)


def expect_object(value: Any, path: JSONPath) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise fail(path, "an object")
    return value


def expect_list(value: Any, path: JSONPath) -> list[Any]:
    if not isinstance(value, list):
        raise fail(path, "an array")
    return value


def optional(
    holder: Mapping[str, Any], key: str, path: JSONPath, *kinds: type, expected: str
) -> Any:
    """``holder[key]`` if present and of one of ``kinds`` (None passes), else PayloadError."""
    value = holder.get(key)
    if value is None:
        return None
    if isinstance(value, bool) and bool not in kinds:
        raise fail((*path, key), expected)
    if not isinstance(value, kinds):
        raise fail((*path, key), expected)
    return value


def role_at(body: Mapping[str, Any], container: str, index: Any) -> str | None:
    """The normalized role of ``body[container][index]`` when it names one we know."""
    items = body.get(container)
    if not isinstance(items, list) or not isinstance(index, int) or index >= len(items):
        return None
    item = items[index]
    role = item.get("role") if isinstance(item, Mapping) else None
    return ROLES.get(role) if isinstance(role, str) else None


__all__ = ["ROLES", "expect_list", "expect_object", "fail", "optional", "role_at"]
