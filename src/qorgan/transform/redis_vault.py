"""The pseudonym vault in Redis: shared by replicas, encrypted at rest, expiring.

Per scope four keys share one hash tag (so a cluster keeps them on one slot)::

    <prefix>{<scope id>}:f   hash  keyed hash of (mode, type, normalized value) -> token field
    <prefix>{<scope id>}:r   hash  token field -> AES-GCM(record)
    <prefix>{<scope id>}:c   hash  entity type -> last placeholder number
    <prefix>{<scope id>}:x   set   reserved placeholder-shaped literals of callers' text

The scope id and forward fields are keyed hashes, and records are sealed under the tenant's
vault key with the scope id as associated data, so Redis holds no value, no conversation id
and no record that would decrypt in another scope. Token fields are placeholders
(``<PERSON_1>``, not personal) or, for fakes, a keyed hash of the fake.

Get-or-create is a Lua script, run once for all the placeholders of a request (one round
trip), so two replicas can never give one value two tokens, nor one token two values. Every
call refreshes the TTL of all four keys.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from qorgan.errors import CapacityError, TenantFull, VaultError
from qorgan.extras import is_missing, missing_extra
from qorgan.transform.keyring import Keyring
from qorgan.transform.placeholders import check_entity_type, is_placeholder, normalize_value
from qorgan.transform.redis_scripts import ADMIT, CLAIM, ISSUE
from qorgan.transform.synth import synthesize as make_fake
from qorgan.transform.vault import (
    FAKE,
    MAX_RESERVED_PER_SCOPE,
    MAX_TOKENS_PER_SCOPE,
    PSEUDONYM,
    SYNTH_ATTEMPTS,
    TokenRequest,
    VaultScope,
    fake_is_acceptable,
)

try:
    import redis.asyncio as aioredis
    from redis.exceptions import RedisError, ResponseError
except ModuleNotFoundError as exc:  # the module imports without the extra; RedisVault() says so
    if not is_missing(exc, "redis"):
        raise
    _REDIS_INSTALLED = False
else:
    _REDIS_INSTALLED = True

_NONCE = 12
_SCOPE_MEMO = 4096

class RedisVault:
    """A vault in Redis at ``url``; values sealed under ``keyring``'s per-tenant vault key.

    One tenant holds at most ``max_scopes`` live scopes: a new one beyond that is refused
    (``TenantFull``). The count is kept in a sorted set per tenant, renewed when a process
    first writes to a scope and then every half TTL, so it can lag a scope kept alive by
    reads alone: the bound may be passed by the scopes admitted in that lag, never more.
    """

    def __init__(
        self,
        url: str,
        keyring: Keyring,
        ttl: float = 3600,
        prefix: str = "qorgan:vault:",
        *,
        rng: random.Random | None = None,
        connect_timeout: float = 2.0,
        timeout: float = 5.0,
        max_scopes: int = 100_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not _REDIS_INSTALLED:
            raise missing_extra("redis", "QORGAN_VAULT_URL is redis://...")
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        if max_scopes < 1:
            raise ValueError("max_scopes must be at least 1")
        self._max_scopes = max_scopes
        self._clock = clock
        self._admitted: dict[VaultScope, float] = {}
        self._keyring = keyring
        self._ttl_ms = max(1, int(ttl * 1000))
        self._prefix = prefix
        self._rng = rng or secrets.SystemRandom()
        self._client: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_connect_timeout=connect_timeout, socket_timeout=timeout
        )
        self._issue = self._client.register_script(ISSUE)
        self._scope_keys: dict[VaultScope, list[str]] = {}
        self._claim = self._client.register_script(CLAIM)
        self._admit_script = self._client.register_script(ADMIT)

    def __repr__(self) -> str:
        return f"RedisVault(prefix={self._prefix!r})"

    # -- naming and sealing ---------------------------------------------------------------

    def _mac(self, tenant: str, *parts: str) -> str:
        key = self._keyring.key("vault-index", tenant)
        msg = "\x00".join(parts).encode()
        return hmac.new(key, msg, hashlib.sha256).hexdigest()[:32]

    def _keys(self, scope: VaultScope) -> list[str]:
        # asked for on every seal and open: remembered per scope (a bounded memo)
        keys = self._scope_keys.get(scope)
        if keys is None:
            sid = self._mac(scope.tenant, "scope", scope.tenant, scope.conversation)
            base = f"{self._prefix}{{{sid}}}"
            keys = [f"{base}:f", f"{base}:r", f"{base}:c", f"{base}:x"]
            if len(self._scope_keys) >= _SCOPE_MEMO:
                self._scope_keys.clear()
            self._scope_keys[scope] = keys
        return list(keys)

    def _tenant_entry(self, scope: VaultScope) -> tuple[str, str]:
        """The key of the tenant's set of live scopes, and this scope's member in it."""
        tenant_key = f"{self._prefix}tenant:{self._mac(scope.tenant, 'tenant', scope.tenant)}"
        return tenant_key, self._keys(scope)[0].rsplit(":", 1)[0]

    async def _admit(self, scope: VaultScope) -> None:
        """Count ``scope`` among its tenant's live scopes before writing to it."""
        now = self._clock()
        if self._admitted.get(scope, 0.0) > now:
            return
        now_ms = int(now * 1000)
        tenant_key, sid = self._tenant_entry(scope)
        with _backend_errors():
            admitted = await self._admit_script(
                keys=[tenant_key],
                args=[now_ms, now_ms + self._ttl_ms, self._max_scopes, sid, self._ttl_ms],
            )
        if not admitted:
            raise TenantFull("the tenant holds the most conversations it may; retry when "
                             "some have expired")
        if len(self._admitted) >= _SCOPE_MEMO:
            self._admitted.clear()
        self._admitted[scope] = now + self._ttl_ms / 2000

    def _forward(self, scope: VaultScope, mode: str, entity_type: str, value: str) -> str:
        return self._mac(scope.tenant, "fwd", mode, entity_type, value)

    def _fake_field(self, scope: VaultScope, token: str) -> str:
        return "s:" + self._mac(scope.tenant, "fake", token)

    def _field(self, scope: VaultScope, token: str) -> str:
        return token if is_placeholder(token) else self._fake_field(scope, token)

    def _aad(self, scope: VaultScope) -> bytes:
        return b"qorgan-vault\x00" + self._keys(scope)[0].encode()

    def _seal(self, scope: VaultScope, record: Mapping[str, str]) -> bytes:
        nonce = os.urandom(_NONCE)
        aead = AESGCM(self._keyring.key("vault", scope.tenant))
        blob = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
        return nonce + aead.encrypt(nonce, blob, self._aad(scope))

    def _open(self, scope: VaultScope, sealed: Any) -> dict[str, str]:
        if not isinstance(sealed, bytes) or len(sealed) <= _NONCE:
            raise VaultError("vault record is missing or malformed")
        aead = AESGCM(self._keyring.key("vault", scope.tenant))
        try:
            plain = aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], self._aad(scope))
            record = json.loads(plain)
        except (InvalidTag, ValueError) as exc:
            raise VaultError("vault record failed authentication") from exc
        if not isinstance(record, dict) or not all(isinstance(v, str) for v in record.values()):
            raise VaultError("vault record is malformed")
        return record

    def _token_of(self, scope: VaultScope, field: str, record: Mapping[str, str]) -> str:
        return field if is_placeholder(field) else record.get("k", "")

    # -- the Vault protocol ---------------------------------------------------------------

    async def pseudonym(
        self, scope: VaultScope, entity_type: str, value: str, *, synthesize: bool = False
    ) -> str:
        return (await self.pseudonyms(scope, [TokenRequest(entity_type, value, synthesize)]))[0]

    async def pseudonyms(
        self, scope: VaultScope, requests: Sequence[TokenRequest]
    ) -> list[str]:
        """Placeholders in one script run (numbers follow the requests, a value asked for
        twice gets one token, and the scope's capacity is checked before anything is
        written); fakes one by one, since a drawn fake may be taken and is drawn again."""
        out: list[str] = [""] * len(requests)
        if requests:
            await self._admit(scope)
        keys = self._keys(scope)
        plain: list[int] = []
        items: list[tuple[str, str, str]] = []
        for i, request in enumerate(requests):
            entity_type = check_entity_type(request.entity_type)
            if request.synthesize:
                out[i] = await self._synthesize(scope, keys, entity_type, request.value)
            else:
                norm = normalize_value(entity_type, request.value)
                items.append((self._forward(scope, PSEUDONYM, entity_type, norm), entity_type,
                              request.value))
                plain.append(i)
        for i, token in zip(plain, await self._issue_all(scope, keys, items), strict=True):
            out[i] = token
        return out

    async def _issue_all(
        self, scope: VaultScope, keys: list[str], items: Sequence[tuple[str, str, str]]
    ) -> list[str]:
        """Placeholders for ``(forward field, entity type, value)`` items, one round trip."""
        if not items:
            return []
        args: list[str | bytes | int] = [self._ttl_ms, MAX_TOKENS_PER_SCOPE]
        for fwd, entity_type, value in items:
            args += [fwd, entity_type, self._seal(scope, {"e": entity_type, "v": value})]
        with _backend_errors():
            reply = await self._issue(keys=keys, args=args)
        if not isinstance(reply, list) or len(reply) != 2 * len(items):
            raise VaultError("vault backend returned an unexpected reply")
        tokens = []
        for k in range(len(items)):
            field, sealed = _pair(reply[2 * k: 2 * k + 2])
            self._open(scope, sealed)  # a record this key cannot open is an integrity failure
            tokens.append(field)
        return tokens

    async def _synthesize(
        self, scope: VaultScope, keys: list[str], entity_type: str, value: str
    ) -> str:
        fwd = self._forward(scope, FAKE, entity_type, normalize_value(entity_type, value))
        for _ in range(SYNTH_ATTEMPTS):
            fake = make_fake(entity_type, value, self._rng)
            if not fake_is_acceptable(fake, value, entity_type):
                continue
            fake_norm = normalize_value(entity_type, fake)
            record = {"e": entity_type, "v": value, "k": fake}
            with _backend_errors():
                reply = await self._claim(
                    keys=keys,
                    args=[
                        fwd,
                        self._fake_field(scope, fake),
                        self._seal(scope, record),
                        self._ttl_ms,
                        MAX_TOKENS_PER_SCOPE,
                        self._forward(scope, PSEUDONYM, entity_type, fake_norm),
                        self._forward(scope, FAKE, entity_type, fake_norm),
                    ],
                )
            if reply:
                field, sealed = _pair(reply)
                return self._token_of(scope, field, self._open(scope, sealed))
        # no fake was free: a placeholder stands in, under the fake's forward field
        return (await self._issue_all(scope, keys, [(fwd, entity_type, value)]))[0]

    async def lookup(self, scope: VaultScope, token: str) -> tuple[str, str] | None:
        keys = self._keys(scope)
        with _backend_errors():
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.hget(keys[1], self._field(scope, token))
                for key in keys:
                    pipe.pexpire(key, self._ttl_ms)
                sealed = (await pipe.execute())[0]
        if sealed is None:
            return None
        record = self._open(scope, sealed)
        return record["e"], record["v"]

    async def tokens(self, scope: VaultScope) -> Mapping[str, tuple[str, str]]:
        keys = self._keys(scope)
        with _backend_errors():
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.hgetall(keys[1])
                for key in keys:
                    pipe.pexpire(key, self._ttl_ms)
                results = await pipe.execute()
        out: dict[str, tuple[str, str]] = {}
        for raw_field, sealed in dict(results[0]).items():
            field = raw_field.decode() if isinstance(raw_field, bytes) else str(raw_field)
            record = self._open(scope, sealed)
            token = self._token_of(scope, field, record)
            if token:
                out[token] = (record["e"], record["v"])
        return out

    async def reserve(self, scope: VaultScope, literals: Iterable[str]) -> None:
        wanted = [t for t in dict.fromkeys(literals) if is_placeholder(t)]
        if not wanted:
            return
        await self._admit(scope)
        keys = self._keys(scope)
        with _backend_errors():
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.sadd(keys[3], *wanted)
                pipe.scard(keys[3])
                for key in keys:
                    pipe.pexpire(key, self._ttl_ms)
                results = await pipe.execute()
        if int(results[1]) > MAX_RESERVED_PER_SCOPE:
            raise CapacityError(
                "the conversation holds the most placeholder-shaped literals it may")

    async def forget(self, scope: VaultScope) -> None:
        keys = self._keys(scope)
        tenant_key, sid = self._tenant_entry(scope)
        self._admitted.pop(scope, None)
        with _backend_errors():
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.delete(*keys)
                pipe.zrem(tenant_key, sid)
                await pipe.execute()

    async def ping(self) -> None:
        with _backend_errors():
            await self._client.ping()

    async def close(self) -> None:
        try:
            await self._client.aclose()
        except (RedisError, OSError) as exc:
            raise VaultError("vault backend did not close cleanly") from exc


@contextlib.contextmanager
def _backend_errors() -> Iterator[None]:
    try:
        yield
    except ResponseError as exc:
        if "QORGAN_SCOPE_FULL" in str(exc):
            raise CapacityError(
                "the conversation holds the most values it may; start a new one") from exc
        raise VaultError("vault backend unavailable") from exc
    except (RedisError, OSError) as exc:
        raise VaultError("vault backend unavailable") from exc


def _pair(reply: Any) -> tuple[str, bytes]:
    if not isinstance(reply, list | tuple) or len(reply) != 2:
        raise VaultError("vault backend returned an unexpected reply")
    field, sealed = reply
    if isinstance(field, bytes):
        field = field.decode()
    if not isinstance(field, str) or not isinstance(sealed, bytes):
        raise VaultError("vault record is missing or malformed")
    return field, sealed
