from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import anyio
import pytest
import redis.asyncio as aioredis

from qorgan.errors import CapacityError, TenantFull, VaultError
from qorgan.transform import Keyring, RedisVault, TokenRequest, VaultScope, redis_vault, restore
from qorgan.transform.placeholders import is_placeholder

pytestmark = [pytest.mark.redis, pytest.mark.anyio]

RING = Keyring(b"r" * 32)
A = VaultScope("acme", "conversation-aliya-42")
SECRET_VALUES = ("Aliya Omarova", "901123300258", "+7 701 234 5678")


@pytest.fixture
async def prefix(redis_url: str) -> AsyncIterator[str]:
    value = f"qorgan:test:{uuid.uuid4().hex}:"
    yield value
    client = aioredis.Redis.from_url(redis_url)
    try:
        keys = [k async for k in client.scan_iter(match=f"{value}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def vault(redis_url: str, prefix: str) -> AsyncIterator[RedisVault]:
    v = RedisVault(redis_url, RING, ttl=120, prefix=prefix)
    yield v
    await v.close()


def _b(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


async def _raw_dump(redis_url: str, prefix: str) -> tuple[list[bytes], list[bytes]]:
    """Every key name and every stored byte string under ``prefix``."""
    client = aioredis.Redis.from_url(redis_url)
    try:
        names = [k async for k in client.scan_iter(match=f"{prefix}*")]
        blobs: list[bytes] = []
        for name in names:
            kind = _b(await client.type(name))
            if kind == b"hash":
                for field, value in (await client.hgetall(name)).items():
                    blobs += [_b(field), _b(value)]
            elif kind == b"set":
                blobs += [_b(m) for m in await client.smembers(name)]
            elif kind == b"zset":
                blobs += [_b(m) for m in await client.zrange(name, 0, -1)]
        return [_b(n) for n in names], blobs
    finally:
        await client.aclose()


async def test_get_or_create_lookup_and_tokens(vault: RedisVault) -> None:
    first = await vault.pseudonym(A, "PHONE_NUMBER", "+7 701 234 5678")
    assert first == "<PHONE_NUMBER_1>"
    assert await vault.pseudonym(A, "PHONE_NUMBER", "87012345678") == first
    assert await vault.pseudonym(A, "PERSON", "Aliya Omarova") == "<PERSON_1>"
    fake = await vault.pseudonym(A, "KZ_IIN", "901123300258", synthesize=True)
    assert fake.isdigit()
    assert len(fake) == 12
    assert await vault.pseudonym(A, "KZ_IIN", "901123300258", synthesize=True) == fake
    assert await vault.lookup(A, first) == ("PHONE_NUMBER", "+7 701 234 5678")
    assert await vault.lookup(A, fake) == ("KZ_IIN", "901123300258")
    assert await vault.lookup(A, "<PERSON_9>") is None
    assert await vault.tokens(A) == {
        "<PHONE_NUMBER_1>": ("PHONE_NUMBER", "+7 701 234 5678"),
        "<PERSON_1>": ("PERSON", "Aliya Omarova"),
        fake: ("KZ_IIN", "901123300258"),
    }
    out = await restore(f"<PERSON_1> has IIN {fake}", vault, A)
    assert out == "Aliya Omarova has IIN 901123300258"


@pytest.mark.parametrize(
    "other", [VaultScope("globex", "conversation-aliya-42"), VaultScope("acme", "other")]
)
async def test_scopes_are_isolated(vault: RedisVault, other: VaultScope) -> None:
    token = await vault.pseudonym(A, "PERSON", "Aliya Omarova")
    assert await vault.lookup(other, token) is None
    assert await vault.tokens(other) == {}
    assert await vault.pseudonym(other, "PERSON", "Dana") == token
    assert await vault.lookup(other, token) == ("PERSON", "Dana")
    assert await vault.lookup(A, token) == ("PERSON", "Aliya Omarova")


async def test_nothing_personal_is_stored_in_clear_and_every_key_expires(
    vault: RedisVault, redis_url: str, prefix: str
) -> None:
    await vault.pseudonym(A, "PERSON", SECRET_VALUES[0])
    await vault.pseudonym(A, "KZ_IIN", SECRET_VALUES[1])
    fake = await vault.pseudonym(A, "PHONE_NUMBER", SECRET_VALUES[2], synthesize=True)
    await vault.reserve(A, ["<PERSON_7>"])
    names, blobs = await _raw_dump(redis_url, prefix)
    assert len(names) == 5  # the scope's four keys and its tenant's set of live scopes
    everything = b"\n".join([*names, *blobs])
    for needle in (*SECRET_VALUES, "87012345678", fake, A.conversation, A.tenant):
        assert needle.encode() not in everything
    client = aioredis.Redis.from_url(redis_url)
    try:
        for name in names:
            assert 0 < await client.pttl(name) <= 120_000
    finally:
        await client.aclose()


async def test_two_replicas_never_disagree(redis_url: str, prefix: str) -> None:
    one = RedisVault(redis_url, RING, prefix=prefix)
    two = RedisVault(redis_url, RING, prefix=prefix)
    results: list[tuple[str, str]] = []

    async def ask(v: RedisVault, value: str, synth: bool) -> None:
        token = await v.pseudonym(A, "PERSON", value, synthesize=synth)
        results.append((value if not synth else f"s:{value}", token))

    try:
        async with anyio.create_task_group() as tg:
            for n in range(80):
                tg.start_soon(ask, (one, two)[n % 2], f"Person {n % 8}", False)
                tg.start_soon(ask, (two, one)[n % 2], f"Person {n % 5}", True)
        by_value: dict[str, set[str]] = {}
        for value, token in results:
            by_value.setdefault(value, set()).add(token)
        assert all(len(tokens) == 1 for tokens in by_value.values())  # one token per value
        issued = [next(iter(t)) for t in by_value.values()]
        assert len(issued) == len(set(issued)) == 13  # one value per token
        table = await one.tokens(A)
        assert set(table) == set(issued)
        assert await two.tokens(A) == table
    finally:
        await one.close()
        await two.close()


async def test_reserved_literals_are_skipped(vault: RedisVault) -> None:
    await vault.reserve(A, ["<PERSON_1>", "<PERSON_2>", "<PERSON_2>", "plain"])
    assert await vault.pseudonym(A, "PERSON", "Aliya") == "<PERSON_3>"
    assert await vault.lookup(A, "<PERSON_1>") is None


async def test_records_do_not_open_under_another_key(
    vault: RedisVault, redis_url: str, prefix: str
) -> None:
    await vault.pseudonym(A, "PERSON", "Aliya")
    stranger = RedisVault(redis_url, Keyring(b"x" * 32), prefix=prefix)
    try:
        # another key derives another scope id: the scope is simply empty for it
        assert await stranger.tokens(A) == {}
    finally:
        await stranger.close()


async def test_tampered_record_fails_closed(vault: RedisVault, redis_url: str, prefix: str) -> None:
    await vault.pseudonym(A, "PERSON", "Aliya")
    client = aioredis.Redis.from_url(redis_url)
    try:
        (rev,) = [k async for k in client.scan_iter(match=f"{prefix}*:r")]
        sealed = _b(await client.hget(rev, "<PERSON_1>") or b"")
        await client.hset(rev, "<PERSON_1>", sealed[:-1] + bytes([sealed[-1] ^ 1]))
    finally:
        await client.aclose()
    with pytest.raises(VaultError, match="authentication"):
        await vault.lookup(A, "<PERSON_1>")
    with pytest.raises(VaultError, match="authentication"):
        await vault.tokens(A)


async def test_synthesized_fakes_fall_back_to_placeholders(vault: RedisVault) -> None:
    tokens = [await vault.pseudonym(A, "LOCATION", f"Town{n}", synthesize=True) for n in range(10)]
    assert len(set(tokens)) == 10
    assert any(is_placeholder(t) for t in tokens)
    for n, token in enumerate(tokens):
        assert await vault.lookup(A, token) == ("LOCATION", f"Town{n}")


async def test_redis_down_is_a_vault_error_without_content() -> None:
    down = RedisVault("redis://127.0.0.1:1/0", RING, connect_timeout=0.5)
    try:
        calls: list[Callable[[], Awaitable[object]]] = [
            lambda: down.pseudonym(A, "PERSON", "Aliya Omarova"),
            lambda: down.pseudonym(A, "PERSON", "Aliya Omarova", synthesize=True),
            lambda: down.pseudonyms(A, [TokenRequest("PERSON", "Aliya Omarova")]),
            lambda: down.lookup(A, "<PERSON_1>"),
            lambda: down.tokens(A),
            lambda: down.reserve(A, ["<PERSON_1>"]),
            down.ping,
        ]
        for call in calls:
            with pytest.raises(VaultError) as info:
                await call()
            assert info.value.status == 503
            assert "Aliya" not in str(info.value)
            assert info.value.__cause__ is not None
    finally:
        await down.close()


async def test_ping(vault: RedisVault) -> None:
    await vault.ping()


async def test_a_record_copied_into_another_scope_does_not_open(
    vault: RedisVault, redis_url: str, prefix: str
) -> None:
    other = VaultScope("acme", "another-conversation")
    await vault.pseudonym(A, "PERSON", "Aliya")
    await vault.pseudonym(other, "PERSON", "Dana")
    client = aioredis.Redis.from_url(redis_url)
    try:
        revs = [k async for k in client.scan_iter(match=f"{prefix}*:r")]
        assert len(revs) == 2
        sealed = {_b(r): _b(await client.hget(r, "<PERSON_1>") or b"") for r in revs}
        (first, second) = sealed
        await client.hset(first, "<PERSON_1>", sealed[second])
    finally:
        await client.aclose()
    outcomes = []
    for scope in (A, other):
        try:
            outcomes.append(await vault.lookup(scope, "<PERSON_1>"))
        except VaultError:
            outcomes.append(None)
    # the swapped-in record fails authentication in its new scope; the other is intact
    assert outcomes.count(None) == 1
    assert {("PERSON", "Aliya"), ("PERSON", "Dana")} & set(outcomes)


async def test_keys_expire(redis_url: str, prefix: str) -> None:
    short = RedisVault(redis_url, RING, ttl=30, prefix=prefix)
    client = aioredis.Redis.from_url(redis_url)
    try:
        await short.pseudonym(A, "PERSON", "Aliya")
        assert await short.tokens(A) != {}
        keys = [k async for k in client.scan_iter(match=f"{prefix}*")]
        assert keys
        # every key of the scope carries the vault's TTL: Redis itself expires the scope
        for key in keys:
            assert 0 < await client.pttl(key) <= 30_000
        # what the scope looks like once Redis has expired it: empty, numbering anew
        await client.delete(*keys)
        assert await short.tokens(A) == {}
        assert await short.pseudonym(A, "PERSON", "Dana") == "<PERSON_1>"
    finally:
        await client.aclose()
        await short.close()


async def test_reads_refresh_the_ttl(redis_url: str, prefix: str) -> None:
    vault = RedisVault(redis_url, RING, ttl=30, prefix=prefix)
    client = aioredis.Redis.from_url(redis_url)
    try:
        await vault.pseudonym(A, "PERSON", "Aliya")
        keys = [k async for k in client.scan_iter(match=f"{prefix}{{*")]
        for key in keys:
            await client.pexpire(key, 5_000)
        assert await vault.tokens(A) != {}
        for key in keys:
            assert await client.pttl(key) > 5_000
    finally:
        await client.aclose()
        await vault.close()


async def test_a_batch_is_one_round_trip_and_equals_one_by_one(
    vault: RedisVault, redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = [("PERSON", "Aliya Omarova"), ("KZ_IIN", "901123300258"),
              ("PERSON", "ALIYA  OMAROVA"), ("PERSON", "Dana Ospanova")] * 10
    sent: list[str] = []
    execute = aioredis.Redis.execute_command

    async def counted(self: aioredis.Redis, *args: object, **options: object) -> object:
        sent.append(str(args[0]))
        return await execute(self, *args, **options)

    await vault.reserve(A, ["<SECRET_900>"])  # the scope is counted among its tenant's
    monkeypatch.setattr(aioredis.Redis, "execute_command", counted)
    batch = await vault.pseudonyms(A, [TokenRequest(e, v) for e, v in values])
    assert sent == ["EVALSHA"]  # one round trip for the whole request
    sent.clear()
    await vault.pseudonyms(VaultScope("acme", "a-new-one"), [TokenRequest("PERSON", "Dana")])
    assert sent == ["EVALSHA", "EVALSHA"]  # a new scope's first write also counts it
    monkeypatch.undo()
    single = RedisVault(redis_url, RING, ttl=120, prefix=prefix + "single:")
    try:
        assert batch == [await single.pseudonym(A, e, v) for e, v in values]
    finally:
        await single.close()
    assert batch[:4] == ["<PERSON_1>", "<KZ_IIN_1>", "<PERSON_1>", "<PERSON_2>"]
    assert await vault.lookup(A, "<PERSON_2>") == ("PERSON", "Dana Ospanova")


async def test_a_batch_with_fakes_and_a_full_scope(
    vault: RedisVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, placeholder = await vault.pseudonyms(A, [
        TokenRequest("PERSON", "Aliya Omarova", synthesize=True),
        TokenRequest("PERSON", "Aliya Omarova"),
    ])
    assert not is_placeholder(fake)
    assert placeholder == "<PERSON_1>"
    assert await vault.lookup(A, fake) == ("PERSON", "Aliya Omarova")
    monkeypatch.setattr(redis_vault, "MAX_TOKENS_PER_SCOPE", 3)
    with pytest.raises(CapacityError, match="most values"):
        await vault.pseudonyms(A, [TokenRequest("PERSON", f"Person Number{i}") for i in range(5)])


async def test_a_full_tenant_refuses_new_conversations(redis_url: str, prefix: str) -> None:
    vault = RedisVault(redis_url, RING, ttl=60, prefix=prefix, max_scopes=2)
    try:
        scopes = [VaultScope("acme", f"tenant-bound-{n}") for n in range(3)]
        await vault.pseudonym(scopes[0], "PERSON", "Aliya")
        await vault.reserve(scopes[1], ["<PERSON_1>"])
        with pytest.raises(TenantFull):
            await vault.pseudonym(scopes[2], "PERSON", "Arman")
        # the conversations already there go on; another tenant is not affected
        assert await vault.pseudonym(scopes[0], "PERSON", "Dana") == "<PERSON_2>"
        assert await vault.pseudonym(VaultScope("other", "c"), "PERSON", "Arman") == "<PERSON_1>"
        # a forgotten conversation makes room
        await vault.forget(scopes[0])
        assert await vault.tokens(scopes[0]) == {}
        assert await vault.pseudonym(scopes[2], "PERSON", "Arman") == "<PERSON_1>"
    finally:
        await vault.close()


async def test_forget_leaves_no_key(redis_url: str, prefix: str, vault: RedisVault) -> None:
    await vault.pseudonym(A, "PERSON", "Aliya")
    await vault.reserve(A, ["<PERSON_9>"])
    await vault.forget(A)
    client = aioredis.Redis.from_url(redis_url)
    try:
        left = [k async for k in client.scan_iter(match=f"{prefix}{{*")]
    finally:
        await client.aclose()
    assert left == []
