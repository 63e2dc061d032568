"""What every vault does, run over each vault ``open_vault`` can open: a new vault adds its
URL to ``VAULTS`` and passes the same contract."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from qorgan.transform import Keyring, TokenRequest, Vault, VaultScope
from qorgan.transform.backends import open_vault

pytestmark = pytest.mark.anyio

VAULTS = ["memory", pytest.param("redis", marks=pytest.mark.redis)]
RING = Keyring(b"v" * 32)


@pytest.fixture(params=VAULTS)
async def vault(request: pytest.FixtureRequest) -> AsyncIterator[Vault]:
    url = "memory" if request.param == "memory" else request.getfixturevalue("redis_url")
    opened = open_vault(url, RING, ttl=60)
    yield opened
    await opened.close()


@pytest.fixture
def scope() -> VaultScope:
    # a fresh scope per test: a shared Redis holds other tests' scopes too
    return VaultScope("acme", f"contract-{uuid.uuid4().hex}")


async def test_one_value_one_token_and_back(vault: Vault, scope: VaultScope) -> None:
    first = await vault.pseudonym(scope, "EMAIL_ADDRESS", "a.b@mail.kz")
    again = await vault.pseudonym(scope, "EMAIL_ADDRESS", "a.b@mail.kz")
    other = await vault.pseudonym(scope, "EMAIL_ADDRESS", "c.d@mail.kz")
    assert first == again == "<EMAIL_ADDRESS_1>"
    assert other == "<EMAIL_ADDRESS_2>"
    assert await vault.lookup(scope, first) == ("EMAIL_ADDRESS", "a.b@mail.kz")
    assert dict(await vault.tokens(scope)) == {
        "<EMAIL_ADDRESS_1>": ("EMAIL_ADDRESS", "a.b@mail.kz"),
        "<EMAIL_ADDRESS_2>": ("EMAIL_ADDRESS", "c.d@mail.kz"),
    }


async def test_scopes_never_share_values(vault: Vault, scope: VaultScope) -> None:
    token = await vault.pseudonym(scope, "PERSON", "Aliya")
    for other in (VaultScope("other-tenant", scope.conversation),
                  VaultScope(scope.tenant, scope.conversation + "-other")):
        assert await vault.lookup(other, token) is None
        assert dict(await vault.tokens(other)) == {}


async def test_reserved_literals_are_never_issued(vault: Vault, scope: VaultScope) -> None:
    await vault.reserve(scope, ["<PERSON_1>"])
    assert await vault.pseudonym(scope, "PERSON", "Aliya") == "<PERSON_2>"


async def test_a_batch_equals_one_by_one(vault: Vault, scope: VaultScope) -> None:
    requests = [TokenRequest("PERSON", "Aliya"), TokenRequest("PERSON", "Dana"),
                TokenRequest("PERSON", "Aliya")]
    assert await vault.pseudonyms(scope, requests) == ["<PERSON_1>", "<PERSON_2>", "<PERSON_1>"]


async def test_ping(vault: Vault) -> None:
    await vault.ping()
