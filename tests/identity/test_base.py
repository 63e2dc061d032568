"""Resolver callables and chains."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from qorgan.errors import AuthError, ForbiddenError
from qorgan.identity import Authenticator, ChainAuthenticator, ResolverAuthenticator
from qorgan.types import Principal

pytestmark = pytest.mark.anyio

ALICE = Principal(id="alice", roles=frozenset({"admin"}))
BOB = Principal(id="bob")


def sync_resolver(headers: Mapping[str, str]) -> Principal | None:
    return ALICE if headers.get("x-user") == "alice" else None


async def async_resolver(headers: Mapping[str, str]) -> Principal | None:
    return BOB if headers.get("x-user") == "bob" else None


def broken_resolver(headers: Mapping[str, str]) -> Principal | None:
    raise RuntimeError("database down: user alice")


def forbidding_resolver(headers: Mapping[str, str]) -> Principal | None:
    raise ForbiddenError("not allowed")


def wrong_type_resolver(headers: Mapping[str, str]) -> Principal | None:
    return "alice"  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("resolver", "headers", "expected"),
    [
        (sync_resolver, {"x-user": "alice"}, ALICE),
        (sync_resolver, {}, None),
        (async_resolver, {"x-user": "bob"}, BOB),
        (async_resolver, {"x-user": "alice"}, None),
    ],
)
async def test_resolver_sync_and_async(
    resolver: object, headers: dict[str, str], expected: Principal | None
) -> None:
    auth = ResolverAuthenticator(resolver)  # type: ignore[arg-type]
    assert isinstance(auth, Authenticator)
    assert await auth.authenticate(headers) == expected


@pytest.mark.parametrize(
    ("resolver", "error"),
    [
        (broken_resolver, AuthError),
        (forbidding_resolver, ForbiddenError),
        (wrong_type_resolver, AuthError),
    ],
)
async def test_resolver_failures_fail_closed(resolver: object, error: type[AuthError]) -> None:
    auth = ResolverAuthenticator(resolver)  # type: ignore[arg-type]
    with pytest.raises(error) as info:
        await auth.authenticate({"x-user": "alice"})
    assert type(info.value) is error
    assert "alice" not in info.value.message


class Fixed:
    def __init__(self, result: Principal | AuthError | None) -> None:
        self.result = result
        self.calls = 0

    async def authenticate(self, headers: Mapping[str, str]) -> Principal | None:
        self.calls += 1
        if isinstance(self.result, AuthError):
            raise self.result
        return self.result


@pytest.mark.parametrize(
    ("results", "expected", "calls"),
    [
        ([None, ALICE, BOB], ALICE, [1, 1, 0]),
        ([BOB, ALICE], BOB, [1, 0]),
        ([None, None], None, [1, 1]),
        ([None, AuthError("invalid API key"), ALICE], AuthError, [1, 1, 0]),
    ],
)
async def test_chain(
    results: list[Principal | AuthError | None],
    expected: Principal | type[AuthError] | None,
    calls: list[int],
) -> None:
    members = [Fixed(r) for r in results]
    chain = ChainAuthenticator(members)
    if expected is AuthError:
        with pytest.raises(AuthError):
            await chain.authenticate({})
    else:
        assert await chain.authenticate({}) == expected
    assert [m.calls for m in members] == calls


def test_chain_needs_members_and_resolver_must_be_callable() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ChainAuthenticator([])
    with pytest.raises(ValueError, match="callable"):
        ResolverAuthenticator("nope")  # type: ignore[arg-type]
