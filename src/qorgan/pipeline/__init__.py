"""The request path, one module per step, in the order a request walks it:

    payload.py    read       the body under the policy's limits, as strict JSON
    (identity/)   identify   who is calling (``Identity.identify``)
    context.py    context    purpose, subject, conversation scope, destination, consent
                             -> ``RequestContext``, frozen
    extract.py    extract    the texts the model reads (the endpoint's adapter) and free keys
    detect.py     detect     personal data in each text, in keys, across joints
    decide.py     decide     the policy per finding; a block stops the request
    transform.py  transform  the texts rewritten; the scope's tokens for the answer
    forward.py    forward    what the upstream receives: body and allowed headers
    respond.py    respond    the answer restored and scanned, whole or streamed
    audit.py      audit      one span, metrics, one chained log record (``Trail``)

``guard.py`` runs the steps; ``runtime.py`` holds what outlives a request; ``messages.py``
is what crosses the boundary with an HTTP edge (``qorgan.edges``).
"""

from __future__ import annotations

from qorgan.pipeline.guard import Guard
from qorgan.pipeline.messages import (
    GuardRequest,
    GuardResponse,
    Upstream,
    UpstreamRequest,
    UpstreamResponse,
    error_response,
)
from qorgan.pipeline.runtime import Runtime

__all__ = [
    "Guard",
    "GuardRequest",
    "GuardResponse",
    "Runtime",
    "Upstream",
    "UpstreamRequest",
    "UpstreamResponse",
    "error_response",
]
