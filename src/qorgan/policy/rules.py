"""Rules compiled for matching: matcher lists become sets, ``when`` becomes a CEL program.

Matching is split in two halves so the engine can do the request half once per request:
``request_mismatch`` (roles, purposes, destinations, regions, risk, directions) and
``finding_mismatch`` (categories, entities). Both return why a rule does not match, or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from qorgan.policy.cel import Condition, compile_condition
from qorgan.policy.context import DecisionContext
from qorgan.policy.schema import RuleSpec


def _set(values: tuple[str, ...] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


def _listed(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


@dataclass(frozen=True, slots=True)
class CompiledRule:
    spec: RuleSpec
    index: int
    condition: Condition | None
    categories: frozenset[str] | None
    entities: frozenset[str] | None
    roles: frozenset[str] | None
    purposes: frozenset[str] | None
    destinations: frozenset[str] | None
    regions: frozenset[str] | None
    risk: frozenset[str] | None
    directions: frozenset[str] | None

    @property
    def id(self) -> str:
        return self.spec.id

    @classmethod
    def build(cls, index: int, spec: RuleSpec) -> CompiledRule:
        """Compile ``spec``; a bad ``when`` raises ``ValueError``."""
        condition = compile_condition(spec.when) if spec.when is not None else None
        return cls(
            spec=spec,
            index=index,
            condition=condition,
            categories=_set(spec.categories),
            entities=_set(spec.entities),
            roles=_set(spec.roles),
            purposes=_set(spec.purposes),
            destinations=_set(spec.destinations),
            regions=_set(spec.regions),
            risk=_set(spec.risk),
            directions=_set(tuple(d.value for d in spec.directions or ()))
            if spec.directions is not None
            else None,
        )

    def request_mismatch(self, ctx: DecisionContext, purpose: str | None) -> str | None:
        if self.directions is not None and ctx.direction.value not in self.directions:
            return f"direction is {ctx.direction.value}, rule wants {_listed(self.directions)}"
        if self.roles is not None and not (self.roles & ctx.principal.roles):
            return f"principal has none of the roles {_listed(self.roles)}"
        if self.purposes is not None and (purpose is None or purpose not in self.purposes):
            return f"purpose is not one of {_listed(self.purposes)}"
        dest = ctx.destination
        if self.destinations is not None and dest.id not in self.destinations:
            return f"destination '{dest.id}' is not one of {_listed(self.destinations)}"
        if self.regions is not None and dest.region not in self.regions:
            return f"region '{dest.region}' is not one of {_listed(self.regions)}"
        if self.risk is not None and dest.risk not in self.risk:
            return f"destination risk '{dest.risk}' is not one of {_listed(self.risk)}"
        return None

    def finding_mismatch(self, entity_type: str, category: str | None) -> str | None:
        if self.categories is not None and (category is None or category not in self.categories):
            return f"category '{category or 'none'}' is not one of {_listed(self.categories)}"
        if self.entities is not None and entity_type not in self.entities:
            return f"entity {entity_type} is not one of {_listed(self.entities)}"
        return None
