"""Providers: one registered object per model API family.

    endpoint = REGISTRY.endpoint("chat/completions")   # -> Endpoint (adapter, stream, provider)

A new provider (Gemini, Mistral, ...) is one module here defining a :class:`Provider` —
its routes with their request/response adapter (``qorgan.protocols.base.JSONAdapter``) and
stream handler (``qorgan.streaming.Handler``), its GenAI name, its credential header and its
error envelope — and one entry in ``_PROVIDERS`` below. ``tests/providers`` checks every
registered provider against the shared contract.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from qorgan.providers.anthropic import ANTHROPIC
from qorgan.providers.base import Endpoint, ErrorEnvelope, Provider, qorgan_error_fields
from qorgan.providers.generic import GENERIC, GENERIC_PROVIDER
from qorgan.providers.openai import OPENAI


class Registry:
    """Routes to endpoints, each route owned by exactly one provider."""

    def __init__(self, providers: tuple[Provider, ...], *, default: Provider) -> None:
        self._providers = providers
        self.default = default
        self._routes: dict[str, Endpoint] = {}
        for provider in providers:
            if provider.name in {p.name for p in providers if p is not provider}:
                raise ValueError(f"two providers are named {provider.name!r}")
            for endpoint in provider.endpoints:
                if endpoint.route in self._routes:
                    raise ValueError(f"route {endpoint.route!r} is registered twice")
                self._routes[endpoint.route] = endpoint

    def __iter__(self) -> Iterator[Provider]:
        return iter(self._providers)

    def endpoints(self) -> list[Endpoint]:
        return list(self._routes.values())

    def endpoint(self, route: str, *, generic: bool = False) -> Endpoint | None:
        """The endpoint for ``route`` (``"chat/completions"``, ``"messages"``, ...).

        Leading/trailing slashes and a ``v1/`` prefix are ignored. An unknown route gets the
        generic endpoint when ``generic`` is true, else None (the caller refuses it).
        """
        key = route.strip("/")
        if key.startswith("v1/"):
            key = key[3:]
        found = self._routes.get(key)
        if found is None and generic:
            return GENERIC
        return found

    def provider_for(self, headers: Mapping[str, str]) -> Provider:
        """The provider whose clients send these headers (for routes no endpoint names)."""
        for provider in self._providers:
            if provider.claims(headers):
                return provider
        return self.default


#: every provider qorgan guards; add a new one here
_PROVIDERS: tuple[Provider, ...] = (OPENAI, ANTHROPIC)

REGISTRY = Registry(_PROVIDERS, default=OPENAI)

__all__ = [
    "ANTHROPIC",
    "GENERIC",
    "GENERIC_PROVIDER",
    "OPENAI",
    "REGISTRY",
    "Endpoint",
    "ErrorEnvelope",
    "Provider",
    "Registry",
    "qorgan_error_fields",
]
