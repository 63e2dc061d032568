"""The CEL environment rule conditions are checked against: the types, and the variables
the engine provides (``policy/engine.py: activation``) with their fields and types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class T:
    name: str  #: bool, int, uint, double, string, bytes, null, list, map, object, dyn
    elem: T | None = None  #: list element / map value
    key: T | None = None  #: map key
    fields: Mapping[str, T] = field(default_factory=dict)
    label: str = ""  #: an object's name in messages
    nullable: bool = False

    def __str__(self) -> str:
        if self.name == "list":
            return f"list({self.elem})"
        if self.name == "map":
            return f"map({self.key}, {self.elem})"
        if self.name == "object":
            return self.label
        return self.name


BOOL, INT, UINT, DOUBLE = T("bool"), T("int"), T("uint"), T("double")
STRING, BYTES, NULL, DYN = T("string"), T("bytes"), T("null"), T("dyn")
NSTRING = T("string", nullable=True)
NUMERIC = {"int", "uint", "double"}


def _obj(label: str, **fields: T) -> T:
    return T("object", fields=fields, label=label)


#: the variables a condition can use, with their fields and types (policy/engine.py fills them)
ENVIRONMENT: dict[str, T] = {
    "principal": _obj("principal", id=STRING, roles=T("list", elem=STRING), tenant=STRING),
    "purpose": NSTRING,
    "destination": _obj("destination", id=STRING, region=STRING, risk=STRING, model=NSTRING,
                        provider=NSTRING),
    "finding": _obj("finding", entity_type=STRING, category=NSTRING, score=DOUBLE),
    "consent": STRING,
    "direction": STRING,
    "cross_border": BOOL,
    "request": _obj("request", route=STRING, direction=STRING, cross_border=BOOL),
}


__all__ = ["BOOL", "BYTES", "DOUBLE", "DYN", "ENVIRONMENT", "INT", "NSTRING", "NULL", "NUMERIC",
           "STRING", "UINT", "T"]
