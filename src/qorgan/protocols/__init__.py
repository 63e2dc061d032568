"""Protocol adapters: where the text is in each API's request and response bodies.

Adapters are stateless: one instance each serves every request. Which adapter serves which
route is the provider registry's to say (``qorgan.providers``).
``adapter.request_slots(body)`` lists every text the model would read, and
``apply_slots(body, slots, texts)`` writes transformed texts back into a new document.
"""

from __future__ import annotations

from qorgan.protocols.anthropic import MessagesAdapter
from qorgan.protocols.base import Adapter, JSONAdapter, Rule, apply_slots
from qorgan.protocols.generic import GenericAdapter
from qorgan.protocols.jsonpath import format_path
from qorgan.protocols.openai import ChatAdapter, CompletionsAdapter, EmbeddingsAdapter
from qorgan.protocols.openai_responses import ResponsesAdapter

__all__ = [
    "Adapter",
    "ChatAdapter",
    "CompletionsAdapter",
    "EmbeddingsAdapter",
    "GenericAdapter",
    "JSONAdapter",
    "MessagesAdapter",
    "ResponsesAdapter",
    "Rule",
    "apply_slots",
    "format_path",
]
