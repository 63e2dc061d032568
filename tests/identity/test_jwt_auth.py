"""JWT: HS256 with a secret, RS256 with a JWKS file made here, and every rejection path."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from qorgan.errors import AuthError, ConfigError
from qorgan.identity import (
    ApiKeyAuthenticator,
    ApiKeyEntry,
    ChainAuthenticator,
    JwtAuthenticator,
    JwtConfig,
    hash_api_key,
    secret_from_env,
)

pytestmark = pytest.mark.anyio

ISSUER = "https://idp.example.kz"
AUDIENCE = "qorgan"
SECRET = b"0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    return (
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


@pytest.fixture
def jwks_file(tmp_path: Path, rsa_keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]) -> str:
    keys = []
    for kid, private in zip(("k1", "k2"), rsa_keys, strict=True):
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
        keys.append(jwk | {"kid": kid, "alg": "RS256", "use": "sig"})
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": keys}))
    return str(path)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-42",
        "iat": now,
        "exp": now + 300,
        "roles": ["admin", "support-agent"],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def hs_token(secret: bytes = SECRET, alg: str = "HS256", **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), secret, algorithm=alg)


def hs_auth(**overrides: Any) -> JwtAuthenticator:
    config: dict[str, Any] = {
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "algorithms": ("HS256",),
        "secret": SECRET,
    }
    return JwtAuthenticator(JwtConfig(**(config | overrides)))


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_hs256_valid_token() -> None:
    principal = await hs_auth().authenticate(bearer(hs_token()))
    assert principal is not None
    assert principal.id == "user-42"
    assert principal.roles == frozenset({"admin", "support-agent"})
    assert principal.tenant == "default"
    assert principal.attributes["auth"] == "jwt"


@pytest.mark.parametrize(
    ("roles_claim", "overrides", "expected"),
    [
        ("roles", {"roles": ["a", "b"]}, {"a", "b"}),
        ("roles", {"roles": "a b  c"}, {"a", "b", "c"}),
        ("roles", {"roles": None}, set()),
        ("scope", {"scope": "read write"}, {"read", "write"}),
        ("realm_access.roles", {"realm_access": {"roles": ["admin"]}}, {"admin"}),
        ("realm_access.roles", {"realm_access": "flat"}, set()),
    ],
)
async def test_roles_claim_forms(
    roles_claim: str, overrides: dict[str, Any], expected: set[str]
) -> None:
    auth = hs_auth(roles_claim=roles_claim)
    principal = await auth.authenticate(bearer(hs_token(**overrides)))
    assert principal is not None
    assert principal.roles == frozenset(expected)


@pytest.mark.parametrize("roles", [42, [1, 2], {"admin": True}])
async def test_malformed_roles_are_rejected(roles: object) -> None:
    with pytest.raises(AuthError, match="roles"):
        await hs_auth().authenticate(bearer(hs_token(roles=roles)))


async def test_tenant_subject_and_purpose_claims() -> None:
    auth = hs_auth(tenant_claim="org", subject_claim="data_subject", purpose_claim="purpose")
    token = hs_token(org="acme", data_subject="IIN-901123300258", purpose="support")
    principal = await auth.authenticate(bearer(token))
    assert principal is not None
    assert principal.tenant == "acme"
    assert principal.attributes["subject"] == "IIN-901123300258"
    assert principal.attributes["purpose"] == "support"
    # a configured tenant claim that is missing fails closed
    with pytest.raises(AuthError, match="tenant"):
        await auth.authenticate(bearer(hs_token()))


def _none_token() -> str:
    return jwt.encode(claims(), "", algorithm="none")


def _unsigned_twin() -> str:
    header, payload, _ = hs_token().split(".")
    return f"{header}.{payload}."


def _tampered() -> str:
    header, _, signature = hs_token().split(".")
    forged = hs_token(SECRET, roles=["superuser"]).split(".")[1]
    return f"{header}.{forged}.{signature[::-1]}"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (hs_token(exp=int(time.time()) - 3600), "expired"),
        (hs_token(nbf=int(time.time()) + 3600), "not valid yet"),
        (hs_token(aud="someone-else"), "audience"),
        (hs_token(iss="https://evil.example"), "issuer"),
        (hs_token(exp=None), "required claim"),
        (hs_token(sub=None), "required claim"),
        (hs_token(aud=None), "required claim"),
        (hs_token(secret=b"another-secret-another-secret-xx"), "invalid token"),
        (hs_token(alg="HS512", secret=SECRET * 2), "algorithm"),
        (_none_token(), "algorithm"),
        (_unsigned_twin(), "invalid token"),
        (_tampered(), "invalid token"),
        ("a.b.c", "invalid token"),
        (hs_token(sub=""), "subject"),
    ],
)
async def test_rejections_never_echo_the_token(token: str, message: str) -> None:
    with pytest.raises(AuthError, match=message) as info:
        await hs_auth().authenticate(bearer(token))
    for part in token.split("."):
        if len(part) > 3:
            assert part not in str(info.value)


async def test_leeway_accepts_slightly_expired_tokens() -> None:
    token = hs_token(exp=int(time.time()) - 10)
    assert await hs_auth(leeway=60).authenticate(bearer(token)) is not None
    with pytest.raises(AuthError, match="expired"):
        await hs_auth(leeway=0).authenticate(bearer(token))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "Basic dXNlcjpwYXNz"},
        {"authorization": "Bearer qk_opaque_api_key"},  # left to the API key authenticator
        {"x-other": "Bearer a.b.c"},
    ],
)
async def test_absent_or_foreign_credentials_give_none(headers: dict[str, str]) -> None:
    assert await hs_auth().authenticate(headers) is None


async def test_custom_header_accepts_raw_or_bearer_tokens() -> None:
    auth = hs_auth(header="X-Id-Token")
    for value in (hs_token(), f"Bearer {hs_token()}"):
        principal = await auth.authenticate({"x-id-token": value})
        assert principal is not None
    with pytest.raises(AuthError, match="malformed"):
        await auth.authenticate({"x-id-token": "opaque"})


async def test_rs256_with_jwks_file(
    jwks_file: str, rsa_keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]
) -> None:
    auth = JwtAuthenticator(JwtConfig(issuer=ISSUER, audience=AUDIENCE, jwks_file=jwks_file))
    for kid, private in zip(("k1", "k2"), rsa_keys, strict=True):
        token = jwt.encode(claims(sub=kid), private, algorithm="RS256", headers={"kid": kid})
        principal = await auth.authenticate(bearer(token))
        assert principal is not None
        assert principal.id == kid
    # signed by k1 but naming k2: the signature does not verify under k2
    wrong_kid = jwt.encode(claims(), rsa_keys[0], algorithm="RS256", headers={"kid": "k2"})
    with pytest.raises(AuthError, match="invalid token"):
        await auth.authenticate(bearer(wrong_kid))
    unknown = jwt.encode(claims(), rsa_keys[0], algorithm="RS256", headers={"kid": "k9"})
    with pytest.raises(AuthError, match="key id"):
        await auth.authenticate(bearer(unknown))
    no_kid = jwt.encode(claims(), rsa_keys[0], algorithm="RS256")
    with pytest.raises(AuthError, match="key id"):
        await auth.authenticate(bearer(no_kid))


async def test_rs256_config_refuses_hmac_tokens_signed_with_the_public_key(
    jwks_file: str, rsa_keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]
) -> None:
    auth = JwtAuthenticator(JwtConfig(issuer=ISSUER, audience=AUDIENCE, jwks_file=jwks_file))
    token = hs_token(secret=SECRET)
    with pytest.raises(AuthError, match="algorithm"):
        await auth.authenticate(bearer(token))


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (None, "cannot read"),
        ("not json", "not JSON"),
        ('{"nokeys": []}', "keys"),
        ('{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}', "no key"),
        ('{"keys": [{"kty": "RSA", "alg": "RS256", "n": "AQAB"}]}', "cannot be used"),
    ],
)
def test_bad_jwks_files(tmp_path: Path, content: str | None, error: str) -> None:
    path = tmp_path / "jwks.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=error):
        JwtAuthenticator(JwtConfig(issuer=ISSUER, audience=AUDIENCE, jwks_file=str(path)))


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"issuer": ""}, "issuer"),
        ({"audience": ""}, "audience"),
        ({"algorithms": ()}, "algorithms"),
        ({"algorithms": ("none",)}, "not accepted"),
        ({"algorithms": ("HS256", "RS256")}, "mix"),
        ({"secret": None}, "exactly one"),
        ({"secret": b"short"}, "at least 32"),
        ({"algorithms": ("HS512",)}, "at least 64"),
        ({"algorithms": ("RS256",)}, "jwks_file"),
        ({"leeway": -1}, "leeway"),
        ({"roles_claim": ""}, "roles_claim"),
    ],
)
def test_config_validation(overrides: dict[str, Any], match: str) -> None:
    config: dict[str, Any] = {
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "algorithms": ("HS256",),
        "secret": SECRET,
    }
    with pytest.raises(ValueError, match=match):
        JwtConfig(**(config | overrides))


def test_config_repr_hides_the_secret() -> None:
    config = JwtConfig(issuer=ISSUER, audience=["a", "b"], algorithms=["HS256"], secret=SECRET)  # type: ignore[arg-type]
    assert SECRET.decode() not in repr(config)
    assert config.audience == ("a", "b")
    assert config.algorithms == ("HS256",)


def test_secret_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QORGAN_TEST_JWT_SECRET", SECRET.decode())
    assert secret_from_env("QORGAN_TEST_JWT_SECRET") == SECRET
    monkeypatch.delenv("QORGAN_TEST_JWT_SECRET")
    with pytest.raises(ConfigError, match="QORGAN_TEST_JWT_SECRET"):
        secret_from_env("QORGAN_TEST_JWT_SECRET")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"authorization": "Bearer qk_key_one"}, "key-one"),
        ({"x-qorgan-key": "qk_key_one"}, "key-one"),
        ("jwt", "user-42"),
        ({}, None),
    ],
)
async def test_api_keys_and_jwt_share_the_authorization_header(
    headers: dict[str, str] | str, expected: str | None
) -> None:
    chain = ChainAuthenticator(
        [
            ApiKeyAuthenticator(
                [ApiKeyEntry(id="key-one", sha256=hash_api_key("qk_key_one"), roles=frozenset())]
            ),
            hs_auth(),
        ]
    )
    actual = bearer(hs_token()) if headers == "jwt" else headers
    assert isinstance(actual, dict)
    principal = await chain.authenticate(actual)
    assert (principal.id if principal else None) == expected
