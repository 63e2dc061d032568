"""The pseudonym vault: which token stands for which value, per tenant and conversation.

Why a token can never hand one caller another caller's value, and never turns a user's
own text into someone's value:

* Every entry lives in a ``VaultScope(tenant, conversation)``; lookups and restore read only
  the scope of the current request, so a token issued elsewhere is just text here.
* A placeholder-shaped string that appears in the caller's own text (``<PERSON_1>`` typed by
  the user) is *reserved* in the scope before anything is issued: numbering skips it, so the
  vault never issues a token equal to a literal the caller wrote. A literal the caller types
  after the vault issued that very token maps back to a value of the same scope: the caller's
  own conversation, nobody else's.
* Restore replaces only tokens issued in the scope; other placeholder-shaped text stays.

Values are keyed by their normalized form (``placeholders.normalize_value``), so spellings
of one value share one token across turns. Synthesized fakes are tokens too: unique within
the scope, never placeholder-shaped, never equal to a real value already seen there.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from qorgan.errors import CapacityError, TenantFull
from qorgan.transform.placeholders import (
    PLACEHOLDER_RE,
    check_entity_type,
    format_placeholder,
    is_placeholder,
    normalize_value,
)
from qorgan.transform.synth import synthesize as make_fake

#: fakes drawn before a scope falls back to a placeholder for one value
SYNTH_ATTEMPTS = 12
#: bounds that keep one conversation from growing the vault without limit
MAX_TOKENS_PER_SCOPE = 10_000
MAX_RESERVED_PER_SCOPE = 1_000

PSEUDONYM = "p"
FAKE = "s"


@dataclass(frozen=True, slots=True)
class VaultScope:
    """Where tokens are valid: one tenant's one conversation."""

    tenant: str
    conversation: str

    def __post_init__(self) -> None:
        if not self.tenant or not self.conversation:
            raise ValueError("a vault scope needs a tenant and a conversation")


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """One value to stand in for: a placeholder, or a fake of the same kind (``synthesize``)."""

    entity_type: str
    value: str
    synthesize: bool = False


class Vault(Protocol):
    async def pseudonym(
        self, scope: VaultScope, entity_type: str, value: str, *, synthesize: bool = False
    ) -> str:
        """The token for ``value`` in ``scope``, created on first use (atomically)."""
        ...

    async def pseudonyms(
        self, scope: VaultScope, requests: Sequence[TokenRequest]
    ) -> list[str]:
        """``pseudonym`` for each request, in order (placeholder numbers follow it), in as
        few round trips as the backend allows: one request's values go together."""
        ...

    async def lookup(self, scope: VaultScope, token: str) -> tuple[str, str] | None:
        """``(entity_type, value)`` for a token issued in ``scope``, else None."""
        ...

    async def tokens(self, scope: VaultScope) -> Mapping[str, tuple[str, str]]:
        """Every token issued in ``scope`` -> ``(entity_type, value)``: what restore needs."""
        ...

    async def reserve(self, scope: VaultScope, literals: Iterable[str]) -> None:
        """Mark placeholder-shaped literals of the caller's text as never to be issued."""
        ...

    async def forget(self, scope: VaultScope) -> None:
        """Drop a scope and everything in it (a one-shot request's, once it has answered)."""
        ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def fake_is_acceptable(candidate: str, value: str, entity_type: str) -> bool:
    """A fake must differ from its value and never look like a placeholder."""
    return (
        bool(candidate)
        and PLACEHOLDER_RE.search(candidate) is None
        and normalize_value(entity_type, candidate) != normalize_value(entity_type, value)
    )


@dataclass(slots=True)
class _Scope:
    expires: float
    forward: dict[tuple[str, str, str], str] = field(default_factory=dict)
    reverse: dict[str, tuple[str, str]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    reserved: set[str] = field(default_factory=set)


class MemoryVault:
    """An in-process vault: for one replica, tests and the demo.

    A scope expires ``ttl`` seconds after its last use. One tenant holds at most
    ``max_scopes`` scopes at once: a new one beyond that is refused (``TenantFull``), never
    made room for by dropping another caller's conversation. ``clock`` is injectable for
    tests.
    """

    def __init__(
        self,
        ttl: float = 3600,
        max_scopes: int = 100_000,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        if max_scopes < 1:
            raise ValueError("max_scopes must be at least 1")
        self._ttl = ttl
        self._max_scopes = max_scopes
        self._per_tenant: dict[str, int] = {}
        self._clock = clock
        self._rng = rng or secrets.SystemRandom()
        self._scopes: OrderedDict[VaultScope, _Scope] = OrderedDict()
        # a lock rather than the event loop's atomicity: the sync transport may call
        # from several threads
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._scopes)

    def _expire(self) -> float:
        now = self._clock()
        while self._scopes:
            oldest_key, oldest = next(iter(self._scopes.items()))
            if oldest.expires > now:
                break
            self._drop(oldest_key)
        return now

    def _drop(self, scope: VaultScope) -> None:
        if self._scopes.pop(scope, None) is not None:
            left = self._per_tenant.get(scope.tenant, 1) - 1
            if left:
                self._per_tenant[scope.tenant] = left
            else:
                self._per_tenant.pop(scope.tenant, None)

    def _get(self, scope: VaultScope) -> _Scope | None:
        now = self._expire()
        state = self._scopes.get(scope)
        if state is not None:
            state.expires = now + self._ttl
            self._scopes.move_to_end(scope)
        return state

    def _get_or_create(self, scope: VaultScope) -> _Scope:
        state = self._get(scope)
        if state is None:
            if self._per_tenant.get(scope.tenant, 0) >= self._max_scopes:
                raise TenantFull("the tenant holds the most conversations it may; retry "
                                 "when some have expired")
            state = _Scope(expires=self._clock() + self._ttl)
            self._scopes[scope] = state
            self._per_tenant[scope.tenant] = self._per_tenant.get(scope.tenant, 0) + 1
        return state

    async def pseudonym(
        self, scope: VaultScope, entity_type: str, value: str, *, synthesize: bool = False
    ) -> str:
        return (await self.pseudonyms(scope, [TokenRequest(entity_type, value, synthesize)]))[0]

    async def pseudonyms(
        self, scope: VaultScope, requests: Sequence[TokenRequest]
    ) -> list[str]:
        if not requests:
            return []
        for request in requests:
            check_entity_type(request.entity_type)
        with self._lock:
            state = self._get_or_create(scope)
            return [self._token(state, request) for request in requests]

    def _token(self, state: _Scope, request: TokenRequest) -> str:
        entity_type, value = request.entity_type, request.value
        mode = FAKE if request.synthesize else PSEUDONYM
        key = (mode, entity_type, normalize_value(entity_type, value))
        found = state.forward.get(key)
        if found is not None:
            return found
        if len(state.reverse) >= MAX_TOKENS_PER_SCOPE:
            raise CapacityError("the conversation holds the most values it may; start a new one")
        token = self._fake(state, entity_type, value) if request.synthesize else None
        if token is None:
            token = self._next_placeholder(state, entity_type)
        state.forward[key] = token
        state.reverse[token] = (entity_type, value)
        return token

    def _next_placeholder(self, state: _Scope, entity_type: str) -> str:
        number = state.counters.get(entity_type, 0)
        while True:
            number += 1
            token = format_placeholder(entity_type, number)
            if token not in state.reverse and token not in state.reserved:
                state.counters[entity_type] = number
                return token

    def _fake(self, state: _Scope, entity_type: str, value: str) -> str | None:
        for _ in range(SYNTH_ATTEMPTS):
            candidate = make_fake(entity_type, value, self._rng)
            if not fake_is_acceptable(candidate, value, entity_type):
                continue
            if candidate in state.reverse:
                continue
            norm = normalize_value(entity_type, candidate)
            if (PSEUDONYM, entity_type, norm) in state.forward or (
                FAKE,
                entity_type,
                norm,
            ) in state.forward:
                continue
            return candidate
        return None

    async def lookup(self, scope: VaultScope, token: str) -> tuple[str, str] | None:
        with self._lock:
            state = self._get(scope)
            return None if state is None else state.reverse.get(token)

    async def tokens(self, scope: VaultScope) -> Mapping[str, tuple[str, str]]:
        with self._lock:
            state = self._get(scope)
            return {} if state is None else dict(state.reverse)

    async def reserve(self, scope: VaultScope, literals: Iterable[str]) -> None:
        wanted = [t for t in literals if is_placeholder(t)]
        if not wanted:
            return
        with self._lock:
            state = self._get_or_create(scope)
            for token in wanted:
                if token in state.reverse or token in state.reserved:
                    continue
                if len(state.reserved) >= MAX_RESERVED_PER_SCOPE:
                    raise CapacityError(
                        "the conversation holds the most placeholder-shaped literals it may")
                state.reserved.add(token)

    async def forget(self, scope: VaultScope) -> None:
        with self._lock:
            self._drop(scope)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        with self._lock:
            self._scopes.clear()
            self._per_tenant.clear()
