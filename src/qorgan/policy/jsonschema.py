"""The policy file's JSON Schema, generated from the pydantic models in ``schema.py``.

Editors use it for completion and inline errors (the YAML language server:
``# yaml-language-server: $schema=...``). The loader stays the authority: checks that need
the whole document (a rule naming an undeclared category, duplicate ids, CEL that does not
compile) are not expressible here and are reported by ``qorgan policy validate``.
"""

from __future__ import annotations

from typing import Any

from qorgan.policy.schema import Policy

SCHEMA_ID = "urn:qorgan:policy:1"


def policy_json_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(mode="validation")
    props = schema["properties"]
    # a purpose may be written as its bare name (Policy._purpose_names)
    props["purposes"] = {
        **props["purposes"],
        "items": {"anyOf": [props["purposes"]["items"],
                            {"type": "string", "description": "a purpose id"}]},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "qorgan policy",
        "description": "A qorgan policy file (docs/policy.md).",
        **{k: v for k, v in schema.items() if k != "title"},
    }
