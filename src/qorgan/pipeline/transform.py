"""The sixth step: the request's texts rewritten as the decision says (pseudonyms issued in
the conversation's scope), and the scope's tokens loaded for restoring the answer."""

from __future__ import annotations

import json
import urllib.parse
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
) -> tuple[Mapping[str, Any], str]:
    """The body and the query string with every text transformed; each the same as it came
    when nothing in it changed."""
    texts = extracted.texts
    per_text: list[list[FindingDecision]] = [[] for _ in texts]
    for fd in decision.findings:
        per_text[fd.slot].append(fd)
    # every text goes through the transformer, findings or not: placeholder-shaped text the
    # caller wrote anywhere is reserved so the vault never issues it
    new = await transformer.apply_many(texts, per_text, scope)
    slots = extracted.slots
    n = len(slots)
    body = extracted.body
    if new[:n] != texts[:n]:
        body = apply_slots(extracted.body, slots, new[:n])
    query = extracted.raw_query
    if new[n:] != texts[n:]:
        query = urllib.parse.urlencode(
            [(name, value) for (name, _), value in zip(extracted.query, new[n:], strict=True)])
    return body, query


async def load_tokens(vault: Vault, scope: VaultScope) -> Tokens:
    table = await vault.tokens(scope)
    return Tokens(
        TokenTable(table),
        TokenTable({tok: (etype, json.dumps(value, ensure_ascii=False)[1:-1])
                    for tok, (etype, value) in table.items()}),
    )


__all__ = ["Tokens", "load_tokens", "transform_request"]
