"""The sixth step: the request's texts rewritten as the decision says (pseudonyms issued in
the conversation's scope), and the scope's tokens loaded for restoring the answer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qorgan.decision import Decision, FindingDecision
from qorgan.pipeline.extract import Extracted
from qorgan.protocols import apply_slots
from qorgan.transform import TokenTable, Transformer, Vault, VaultScope


@dataclass(frozen=True, slots=True)
class Tokens:
    """The scope's placeholders and their values: as text, and escaped for JSON strings
    (tool-call arguments)."""

    text: TokenTable
    json: TokenTable


async def transform_request(
    transformer: Transformer, extracted: Extracted, decision: Decision, scope: VaultScope
) -> Mapping[str, Any]:
    """The body with every slot's text transformed; the same object when nothing changed."""
    slots = extracted.slots
    per_slot: list[list[FindingDecision]] = [[] for _ in slots]
    for fd in decision.findings:
        per_slot[fd.slot].append(fd)
    # every slot goes through the transformer, findings or not: placeholder-shaped text the
    # caller wrote anywhere is reserved so the vault never issues it
    texts = await transformer.apply_many([slot.text for slot in slots], per_slot, scope)
    if all(new == slot.text for new, slot in zip(texts, slots, strict=True)):
        return extracted.body
    rewritten: Mapping[str, Any] = apply_slots(extracted.body, slots, texts)
    return rewritten


async def load_tokens(vault: Vault, scope: VaultScope) -> Tokens:
    table = await vault.tokens(scope)
    return Tokens(
        TokenTable(table),
        TokenTable({tok: (etype, json.dumps(value, ensure_ascii=False)[1:-1])
                    for tok, (etype, value) in table.items()}),
    )


__all__ = ["Tokens", "load_tokens", "transform_request"]
