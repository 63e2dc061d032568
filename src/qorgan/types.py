"""Small value types shared by every step of the request path.

Findings are offsets, never the matched text: the text stays where it came from and only
the step that transforms it ever looks at the value.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: A location inside a JSON document: keys and list indexes from the root.
JSONPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected personal-data span in one text.

    ``start``/``end`` are offsets in Python code points of the *original* text (before any
    normalization). ``recognizer`` names what found it, for explanations; never the value.
    """

    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str = ""

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")


class Direction(enum.StrEnum):
    REQUEST = "request"
    RESPONSE = "response"


@dataclass(frozen=True, slots=True)
class TextSlot:
    """A text the model reads (request) or wrote (response), and where it lives.

    ``path`` points into the JSON body. When ``embedded`` is set, the string at ``path`` is
    itself a JSON document (tool-call arguments) and ``embedded`` is the path inside it.
    """

    path: JSONPath
    text: str
    embedded: JSONPath | None = None
    role: str | None = None


class Action(enum.StrEnum):
    ALLOW = "allow"
    REDACT = "redact"
    MASK = "mask"
    HASH = "hash"
    PSEUDONYMIZE = "pseudonymize"
    SYNTHESIZE = "synthesize"
    ENCRYPT = "encrypt"
    BLOCK = "block"


class ConsentStatus(enum.StrEnum):
    NOT_REQUIRED = "not_required"
    GRANTED = "granted"
    MISSING_SUBJECT = "missing_subject"
    NONE = "none"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    NO_CROSS_BORDER = "no_cross_border"
    UNAVAILABLE = "unavailable"
    #: the finding is not one of the data subject's identifiers: a third person's data,
    #: which no consent of the subject's covers
    THIRD_PARTY = "third_party"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling. ``id`` is a stable identifier, never a credential.

    ``namespace`` says who vouches for ``id`` — ``api-key``, ``jwt:<issuer>``, ``app`` (the
    application's own resolver), ``anonymous`` — so an API key and a token subject that
    happen to share an id are two callers, never one.
    """

    id: str
    roles: frozenset[str] = frozenset()
    tenant: str = "default"
    attributes: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    namespace: str = "app"

    @classmethod
    def anonymous(cls, tenant: str = "default") -> Principal:
        return cls(id="anonymous", roles=frozenset(), tenant=tenant, namespace="anonymous")

    @property
    def authenticated(self) -> bool:
        return self.namespace != "anonymous"
