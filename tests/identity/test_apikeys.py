"""API keys: digests only, both headers, constant-time scan, JWT-shaped values left alone."""

from __future__ import annotations

import hmac

import pytest

from qorgan.errors import AuthError
from qorgan.identity import ApiKeyAuthenticator, ApiKeyEntry, Authenticator, hash_api_key

pytestmark = pytest.mark.anyio

ADMIN_KEY = "qk_admin_0123456789abcdef"
AGENT_KEY = "qk_agent_fedcba9876543210"


@pytest.fixture
def auth() -> ApiKeyAuthenticator:
    return ApiKeyAuthenticator(
        [
            ApiKeyEntry(id="ops", sha256=hash_api_key(ADMIN_KEY), roles=frozenset({"admin"})),
            ApiKeyEntry(
                id="support-bot",
                sha256=hash_api_key(AGENT_KEY).upper(),  # digests are case-insensitive
                roles=frozenset({"support-agent"}),
                tenant="acme",
            ),
        ]
    )


def test_is_an_authenticator(auth: ApiKeyAuthenticator) -> None:
    assert isinstance(auth, Authenticator)


def test_hash_api_key_is_hex_sha256() -> None:
    assert hash_api_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    with pytest.raises(ValueError, match="empty"):
        hash_api_key("")


@pytest.mark.parametrize(
    ("headers", "expected_id", "roles", "tenant"),
    [
        ({"x-qorgan-key": ADMIN_KEY}, "ops", {"admin"}, "default"),
        ({"authorization": f"Bearer {ADMIN_KEY}"}, "ops", {"admin"}, "default"),
        ({"authorization": f"bearer  {AGENT_KEY} "}, "support-bot", {"support-agent"}, "acme"),
        ({"x-qorgan-key": f" {AGENT_KEY}\t"}, "support-bot", {"support-agent"}, "acme"),
    ],
)
async def test_valid_keys(
    auth: ApiKeyAuthenticator,
    headers: dict[str, str],
    expected_id: str,
    roles: set[str],
    tenant: str,
) -> None:
    principal = await auth.authenticate(headers)
    assert principal is not None
    assert principal.id == expected_id
    assert principal.roles == frozenset(roles)
    assert principal.tenant == tenant
    assert principal.attributes == {"auth": "api_key"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "Basic dXNlcjpwYXNz"},  # another scheme: not ours
        {"authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"},  # a JWT
        {"x-other": ADMIN_KEY},
    ],
)
async def test_absent_credentials_give_none(
    auth: ApiKeyAuthenticator, headers: dict[str, str]
) -> None:
    assert await auth.authenticate(headers) is None


@pytest.mark.parametrize(
    "headers",
    [
        {"x-qorgan-key": "qk_wrong"},
        {"x-qorgan-key": ""},
        {"x-qorgan-key": ADMIN_KEY + "x"},
        {"authorization": "Bearer qk_wrong"},
        {"authorization": "Bearer "},
        {"x-qorgan-key": "k" * 10_000},
        # the first configured header decides; a valid key elsewhere does not rescue it
        {"x-qorgan-key": "qk_wrong", "authorization": f"Bearer {ADMIN_KEY}"},
    ],
)
async def test_invalid_keys_raise_without_echoing(
    auth: ApiKeyAuthenticator, headers: dict[str, str]
) -> None:
    with pytest.raises(AuthError) as info:
        await auth.authenticate(headers)
    for value in headers.values():
        token = value.removeprefix("Bearer ").strip()
        if token:
            assert token not in str(info.value)
            assert token not in repr(info.value.to_dict())


async def test_custom_header_list() -> None:
    auth = ApiKeyAuthenticator(
        [ApiKeyEntry(id="a", sha256=hash_api_key(ADMIN_KEY), roles=frozenset())],
        headers=("X-Api-Key",),
    )
    principal = await auth.authenticate({"x-api-key": ADMIN_KEY})
    assert principal is not None
    assert principal.id == "a"
    assert await auth.authenticate({"authorization": f"Bearer {ADMIN_KEY}"}) is None


async def test_every_entry_is_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append(b)
        return bool(real(a, b))

    keys = [f"qk_{i:04d}" for i in range(5)]
    auth = ApiKeyAuthenticator(
        [
            ApiKeyEntry(id=str(i), sha256=hash_api_key(k), roles=frozenset())
            for i, k in enumerate(keys)
        ]
    )
    monkeypatch.setattr(hmac, "compare_digest", spy)
    principal = await auth.authenticate({"x-qorgan-key": keys[0]})  # matches the first entry
    assert principal is not None
    assert principal.id == "0"
    assert len(calls) == len(keys)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"id": "", "sha256": "0" * 64, "roles": frozenset()}, "id"),
        ({"id": "a", "sha256": "abc", "roles": frozenset()}, "sha256"),
        ({"id": "a", "sha256": "g" * 64, "roles": frozenset()}, "sha256"),
        ({"id": "a", "sha256": "0" * 64, "roles": "admin"}, "roles"),
        ({"id": "a", "sha256": "0" * 64, "roles": frozenset(), "tenant": ""}, "tenant"),
    ],
)
def test_entry_validation(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ApiKeyEntry(**kwargs)  # type: ignore[arg-type]


def test_entry_accepts_role_lists_from_a_policy() -> None:
    entry = ApiKeyEntry(id="a", sha256="A" * 64, roles=["x", "y"])  # type: ignore[arg-type]
    assert entry.roles == frozenset({"x", "y"})
    assert entry.sha256 == "a" * 64


@pytest.mark.parametrize(
    "entries",
    [
        [("a", "k1"), ("a", "k2")],  # duplicate id
        [("a", "k1"), ("b", "k1")],  # same key twice
    ],
)
def test_authenticator_rejects_ambiguous_entries(entries: list[tuple[str, str]]) -> None:
    with pytest.raises(ValueError, match="api key"):
        ApiKeyAuthenticator(
            [ApiKeyEntry(id=i, sha256=hash_api_key(k), roles=frozenset()) for i, k in entries]
        )
