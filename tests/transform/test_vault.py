from __future__ import annotations

import random

import anyio
import pytest

from qorgan.errors import CapacityError, TenantFull
from qorgan.transform import MemoryVault, TokenRequest, VaultScope, restore
from qorgan.transform.placeholders import is_placeholder
from qorgan.transform.vault import MAX_RESERVED_PER_SCOPE

A = VaultScope("acme", "conv-1")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.anyio
async def test_same_value_same_token_across_calls_and_spellings() -> None:
    vault = MemoryVault()
    first = await vault.pseudonym(A, "PHONE_NUMBER", "+7 701 234 5678")
    again = await vault.pseudonym(A, "PHONE_NUMBER", "87012345678")
    other = await vault.pseudonym(A, "PHONE_NUMBER", "+7 701 234 5679")
    person = await vault.pseudonym(A, "PERSON", "Aliya")
    assert (first, again, other, person) == (
        "<PHONE_NUMBER_1>",
        "<PHONE_NUMBER_1>",
        "<PHONE_NUMBER_2>",
        "<PERSON_1>",
    )
    assert await vault.lookup(A, first) == ("PHONE_NUMBER", "+7 701 234 5678")
    assert await vault.tokens(A) == {
        "<PHONE_NUMBER_1>": ("PHONE_NUMBER", "+7 701 234 5678"),
        "<PHONE_NUMBER_2>": ("PHONE_NUMBER", "+7 701 234 5679"),
        "<PERSON_1>": ("PERSON", "Aliya"),
    }


@pytest.mark.anyio
@pytest.mark.parametrize(
    "other",
    [VaultScope("globex", "conv-1"), VaultScope("acme", "conv-2")],
)
async def test_tenants_and_conversations_are_isolated(other: VaultScope) -> None:
    vault = MemoryVault()
    token = await vault.pseudonym(A, "PERSON", "Aliya")
    assert await vault.lookup(other, token) is None
    assert await vault.tokens(other) == {}
    assert await restore(f"hi {token}", vault, other) == f"hi {token}"
    # the other scope numbers independently and gets its own value back
    theirs = await vault.pseudonym(other, "PERSON", "Dana")
    assert theirs == token
    assert await restore(f"hi {token}", vault, other) == "hi Dana"
    assert await restore(f"hi {token}", vault, A) == "hi Aliya"


@pytest.mark.anyio
async def test_reserved_literals_are_skipped_and_persist_across_turns() -> None:
    vault = MemoryVault()
    await vault.reserve(A, ["<PERSON_1>", "<PERSON_3>", "not a token"])
    assert await vault.pseudonym(A, "PERSON", "Aliya") == "<PERSON_2>"
    assert await vault.pseudonym(A, "PERSON", "Dana") == "<PERSON_4>"
    assert await vault.lookup(A, "<PERSON_1>") is None
    # reserving an issued token changes nothing
    await vault.reserve(A, ["<PERSON_2>"])
    assert await vault.lookup(A, "<PERSON_2>") == ("PERSON", "Aliya")


@pytest.mark.anyio
async def test_reservations_are_bounded() -> None:
    vault = MemoryVault()
    with pytest.raises(CapacityError, match="most placeholder-shaped literals"):
        await vault.reserve(A, [f"<X_{n}>" for n in range(1, MAX_RESERVED_PER_SCOPE + 2)])


@pytest.mark.anyio
async def test_ttl_expires_scopes_and_use_refreshes_them() -> None:
    clock = Clock()
    vault = MemoryVault(ttl=60, clock=clock)
    await vault.pseudonym(A, "PERSON", "Aliya")
    clock.now += 50
    assert await vault.lookup(A, "<PERSON_1>") == ("PERSON", "Aliya")  # refreshes
    clock.now += 50
    assert await vault.tokens(A) == {"<PERSON_1>": ("PERSON", "Aliya")}
    clock.now += 61
    assert await vault.tokens(A) == {}
    assert len(vault) == 0
    assert await vault.pseudonym(A, "PERSON", "Dana") == "<PERSON_1>"


@pytest.mark.anyio
async def test_a_full_tenant_refuses_new_conversations_and_keeps_its_own() -> None:
    clock = Clock()
    vault = MemoryVault(ttl=60, max_scopes=2, clock=clock)
    scopes = [VaultScope("acme", f"c{n}") for n in range(3)]
    await vault.pseudonym(scopes[0], "PERSON", "Aliya")
    await vault.pseudonym(scopes[1], "PERSON", "Dana")
    with pytest.raises(TenantFull):
        await vault.pseudonym(scopes[2], "PERSON", "Arman")
    # nobody's conversation was dropped to make room, and other tenants are not affected
    assert await vault.tokens(scopes[0]) == {"<PERSON_1>": ("PERSON", "Aliya")}
    assert await vault.tokens(scopes[1]) == {"<PERSON_1>": ("PERSON", "Dana")}
    assert await vault.pseudonym(VaultScope("other", "c0"), "PERSON", "Arman") == "<PERSON_1>"
    # a forgotten or expired conversation makes room again
    await vault.forget(scopes[0])
    assert await vault.tokens(scopes[0]) == {}
    assert await vault.pseudonym(scopes[2], "PERSON", "Arman") == "<PERSON_1>"
    clock.now += 61
    assert await vault.pseudonym(VaultScope("acme", "c3"), "PERSON", "Bota") == "<PERSON_1>"
    assert len(vault) == 1


@pytest.mark.anyio
async def test_concurrent_get_or_create_gives_one_token_per_value() -> None:
    vault = MemoryVault()
    results: list[str] = []

    async def one(value: str) -> None:
        results.append(await vault.pseudonym(A, "PERSON", value))

    async with anyio.create_task_group() as tg:
        for n in range(60):
            tg.start_soon(one, f"Person {n % 6}")
    table = await vault.tokens(A)
    assert len(table) == 6
    assert set(results) == set(table)


@pytest.mark.anyio
async def test_fakes_are_unique_and_fall_back_to_placeholders_when_exhausted() -> None:
    vault = MemoryVault(rng=random.Random(7))
    values = [f"Town{n}" for n in range(10)]
    tokens = [await vault.pseudonym(A, "LOCATION", v, synthesize=True) for v in values]
    assert len(set(tokens)) == len(values)
    assert any(is_placeholder(t) for t in tokens)  # only 7 Latin city names exist
    assert all(
        t in {"Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Taraz", "Pavlodar"}
        or is_placeholder(t)
        for t in tokens
    )
    again = [await vault.pseudonym(A, "LOCATION", v, synthesize=True) for v in values]
    assert again == tokens
    for value, token in zip(values, tokens, strict=True):
        assert await vault.lookup(A, token) == ("LOCATION", value)


@pytest.mark.anyio
@pytest.mark.parametrize("seed", range(10))
async def test_a_fake_never_equals_a_real_value_of_the_scope(seed: int) -> None:
    vault = MemoryVault(rng=random.Random(seed))
    real = ["Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Taraz"]
    for city in real:
        await vault.pseudonym(A, "LOCATION", city)
    fake = await vault.pseudonym(A, "LOCATION", "Oral", synthesize=True)
    assert fake == "Pavlodar" or is_placeholder(fake)


@pytest.mark.anyio
async def test_pseudonym_and_fake_of_one_value_are_distinct_tokens() -> None:
    vault = MemoryVault()
    p = await vault.pseudonym(A, "KZ_IIN", "901123300258")
    s = await vault.pseudonym(A, "KZ_IIN", "901123300258", synthesize=True)
    assert p == "<KZ_IIN_1>"
    assert s != p
    assert s.isdigit()
    assert await vault.lookup(A, s) == ("KZ_IIN", "901123300258")


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"ttl": 0}, "ttl"), ({"max_scopes": 0}, "max_scopes")]
)
def test_bad_configuration(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MemoryVault(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("tenant", "conversation"), [("", "c"), ("t", "")])
def test_scope_needs_both_parts(tenant: str, conversation: str) -> None:
    with pytest.raises(ValueError, match="tenant and a conversation"):
        VaultScope(tenant, conversation)


@pytest.mark.anyio
async def test_ping_and_close() -> None:
    vault = MemoryVault()
    await vault.pseudonym(A, "PERSON", "Aliya")
    await vault.ping()
    await vault.close()
    assert await vault.tokens(A) == {}


@pytest.mark.anyio
async def test_a_batch_equals_one_by_one_in_order() -> None:
    values = [("PERSON", "Aliya Omarova"), ("KZ_IIN", "901123300258"),
              ("PERSON", "ALIYA  OMAROVA"), ("PERSON", "Dana Ospanova")]
    batch = await MemoryVault().pseudonyms(A, [TokenRequest(e, v) for e, v in values])
    single = MemoryVault()
    assert batch == [await single.pseudonym(A, e, v) for e, v in values]
    assert batch == ["<PERSON_1>", "<KZ_IIN_1>", "<PERSON_1>", "<PERSON_2>"]
    assert await MemoryVault().pseudonyms(A, []) == []


@pytest.mark.anyio
async def test_a_batch_mixes_fakes_and_placeholders() -> None:
    vault = MemoryVault(rng=random.Random(3))
    fake, placeholder, again = await vault.pseudonyms(A, [
        TokenRequest("PERSON", "Aliya Omarova", synthesize=True),
        TokenRequest("PERSON", "Aliya Omarova"),
        TokenRequest("PERSON", "Aliya Omarova", synthesize=True),
    ])
    assert not is_placeholder(fake)
    assert fake != "Aliya Omarova"
    assert placeholder == "<PERSON_1>"
    assert again == fake
    assert await vault.lookup(A, fake) == ("PERSON", "Aliya Omarova")
