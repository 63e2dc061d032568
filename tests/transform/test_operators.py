from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest

from qorgan.decision import FindingDecision
from qorgan.errors import VaultError
from qorgan.transform import (
    Keyring,
    MemoryVault,
    Transformer,
    VaultScope,
    decrypt_token,
    encrypt_token,
    hash_token,
    mask,
    restore,
)
from qorgan.types import Action, Finding

RING = Keyring(b"m" * 32)
SCOPE = VaultScope("acme", "conv-1")
TEXT = "Call Aliya Omarova at +7 701 234 5678 today"
NAME = (5, 18, "PERSON")
PHONE = (22, 37, "PHONE_NUMBER")


def _fd(span: tuple[int, int, str], action: Action, **params: Any) -> FindingDecision:
    start, end, entity = span
    return FindingDecision(Finding(entity, start, end, 0.9), 0, action, "r1", params=params)


def _transformer() -> Transformer:
    return Transformer(MemoryVault(), RING)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("action", "params", "expected"),
    [
        (Action.ALLOW, {}, TEXT),
        (Action.REDACT, {}, "Call <PERSON> at <PHONE_NUMBER> today"),
        (Action.MASK, {}, "Call ***** ***rova at +* *** *** 5678 today"),
        (Action.MASK, {"keep": 0, "char": "#"}, "Call ##### ####### at +# ### ### #### today"),
        (Action.MASK, {"keep": 100}, TEXT),
        (Action.PSEUDONYMIZE, {}, "Call <PERSON_1> at <PHONE_NUMBER_1> today"),
    ],
)
async def test_operator_table(action: Action, params: Mapping[str, Any], expected: str) -> None:
    decisions = [_fd(NAME, action, **params), _fd(PHONE, action, **params)]
    assert await _transformer().apply(TEXT, decisions, SCOPE) == expected


@pytest.mark.anyio
async def test_hash_is_keyed_per_tenant_and_stable_over_spellings() -> None:
    t = _transformer()
    out = await t.apply(TEXT, [_fd(PHONE, Action.HASH)], SCOPE)
    token = hash_token(RING, "acme", "PHONE_NUMBER", "87012345678")
    assert out == f"Call Aliya Omarova at {token} today"
    assert re.fullmatch(r"<PHONE_NUMBER:h:[0-9a-f]{12}>", token)
    assert hash_token(RING, "globex", "PHONE_NUMBER", "87012345678") != token
    assert hash_token(RING, "acme", "PHONE_NUMBER", "87012345679") != token


@pytest.mark.anyio
async def test_encrypt_round_trips_only_for_its_tenant() -> None:
    out = await _transformer().apply(TEXT, [_fd(NAME, Action.ENCRYPT)], SCOPE)
    token = out.split(" at ")[0].removeprefix("Call ")
    assert re.fullmatch(r"<ENC:PERSON:[A-Za-z0-9_-]+>", token)
    assert "Aliya" not in out
    assert decrypt_token(RING, "acme", token) == ("PERSON", "Aliya Omarova")
    with pytest.raises(VaultError):
        decrypt_token(RING, "globex", token)
    with pytest.raises(VaultError):
        decrypt_token(RING, "acme", token.replace("<ENC:PERSON:", "<ENC:LOCATION:"))
    with pytest.raises(VaultError):
        decrypt_token(RING, "acme", "<PERSON_1>")
    assert encrypt_token(RING, "acme", "PERSON", "x") != encrypt_token(RING, "acme", "PERSON", "x")


@pytest.mark.anyio
async def test_synthesize_is_reversible() -> None:
    vault = MemoryVault()
    t = Transformer(vault, RING)
    out = await t.apply(TEXT, [_fd(NAME, Action.SYNTHESIZE), _fd(PHONE, Action.SYNTHESIZE)], SCOPE)
    assert "Aliya" not in out
    assert "234 5678" not in out
    assert re.fullmatch(r"Call \w+ \w+ at \+7 701 \d{3} \d{4} today", out)
    assert await restore(out, vault, SCOPE) == TEXT


@pytest.mark.anyio
async def test_placeholders_are_numbered_in_reading_order() -> None:
    text = "Aliya met Dana and Aliya"
    fds = [
        _fd((19, 24, "PERSON"), Action.PSEUDONYMIZE),
        _fd((10, 14, "PERSON"), Action.PSEUDONYMIZE),
    ]
    fds.append(_fd((0, 5, "PERSON"), Action.PSEUDONYMIZE))
    out = await _transformer().apply(text, fds, SCOPE)
    assert out == "<PERSON_1> met <PERSON_2> and <PERSON_1>"


@pytest.mark.anyio
async def test_overlapping_decisions_are_resolved_defensively() -> None:
    fds = [_fd((5, 10, "PERSON"), Action.REDACT), _fd(NAME, Action.REDACT)]
    fds.append(_fd((11, 18, "PERSON"), Action.MASK))
    assert await _transformer().apply(TEXT, fds, SCOPE) == "Call <PERSON> at +7 701 234 5678 today"


@pytest.mark.anyio
async def test_literal_placeholders_in_text_are_never_issued() -> None:
    text = "I typed <PERSON_1> and <PERSON_2>; my name is Aliya"
    vault = MemoryVault()
    out = await Transformer(vault, RING).apply(
        text, [_fd((46, 51, "PERSON"), Action.PSEUDONYMIZE)], SCOPE
    )
    assert out == "I typed <PERSON_1> and <PERSON_2>; my name is <PERSON_3>"
    # the user's literal text restores to itself, never to someone's value
    assert await restore(out, vault, SCOPE) == text


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (_fd(NAME, Action.BLOCK), "verdict"),
        (_fd((40, 50, "PERSON"), Action.REDACT), "outside the text"),
        (_fd(NAME, Action.MASK, keep=-1), "keep"),
        (_fd(NAME, Action.MASK, char="**"), "char"),
        (_fd((0, 4, "person"), Action.REDACT), "upper-case"),
    ],
)
async def test_invalid_requests_raise_value_error(decision: FindingDecision, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        await _transformer().apply(TEXT, [decision], SCOPE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("901123300258", "********0258"),
        ("aliya@mail.kz", "*****@**il.kz"),
        ("KZ86 125K ZT50 0410 0100", "**** **** **** **** 0100"),
        ("ab", "ab"),
    ],
)
def test_mask_keeps_separators(value: str, expected: str) -> None:
    assert mask(value, {}) == expected


@pytest.mark.anyio
async def test_apply_many_reserves_literals_of_texts_without_findings() -> None:
    vault = MemoryVault()
    t = Transformer(vault, RING)
    texts = ["earlier I wrote <PERSON_1>", "my name is Aliya"]
    out = await t.apply_many(texts, [[], [_fd((11, 16, "PERSON"), Action.PSEUDONYMIZE)]], SCOPE)
    assert out == ["earlier I wrote <PERSON_1>", "my name is <PERSON_2>"]
    with pytest.raises(ValueError, match="one decision list per text"):
        await t.apply_many(texts, [[]], SCOPE)
