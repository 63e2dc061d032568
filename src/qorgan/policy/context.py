"""What the engine decides about: who, why, where to, which way."""

from __future__ import annotations

from dataclasses import dataclass

from qorgan.types import Direction, Principal


@dataclass(frozen=True, slots=True, kw_only=True)
class Destination:
    """The model endpoint a request goes to, as resolved from the policy's ``destinations``."""

    id: str
    region: str
    risk: str = "medium"
    model: str | None = None
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionContext:
    principal: Principal
    purpose: str | None
    destination: Destination
    direction: Direction = Direction.REQUEST
    route: str = ""
