"""Any JSON API qorgan has no adapter for, when a policy sets ``traffic.unknown_routes:
generic``: every string leaf of the body is guarded; such routes cannot be streamed.

Its adapter also reads error bodies of known routes, whose shape no provider fixes.
"""

from __future__ import annotations

from qorgan.protocols.generic import GenericAdapter
from qorgan.providers.base import Endpoint, Provider
from qorgan.providers.openai import openai_error

GENERIC_PROVIDER = Provider(
    name="generic",
    genai_name="generic",
    errors=openai_error,
    routes=(("*", GenericAdapter(), None),),
)
GENERIC: Endpoint = GENERIC_PROVIDER.endpoints[0]

__all__ = ["GENERIC", "GENERIC_PROVIDER"]
