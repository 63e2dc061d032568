"""Protocol adapters: where the text is in each API's request and response bodies.

``get_adapter(route)`` picks the adapter for a route (the path after the API prefix);
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

# adapters are stateless after construction: one instance each serves every request
_ROUTES: dict[str, Adapter] = {
    "chat/completions": ChatAdapter(),
    "completions": CompletionsAdapter(),
    "embeddings": EmbeddingsAdapter(),
    "responses": ResponsesAdapter(),
    "messages": MessagesAdapter(),
}
_GENERIC: Adapter = GenericAdapter()


def get_adapter(route: str, *, generic: bool = False) -> Adapter | None:
    """The adapter for ``route`` (``"chat/completions"``, ``"messages"``, ...).

    Leading/trailing slashes and a ``v1/`` prefix are ignored. An unknown route gets the
    generic adapter when ``generic`` is true, else None (the caller decides to refuse).
    """
    key = route.strip("/")
    if key.startswith("v1/"):
        key = key[3:]
    adapter = _ROUTES.get(key)
    if adapter is None and generic:
        return _GENERIC
    return adapter


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
    "get_adapter",
]
