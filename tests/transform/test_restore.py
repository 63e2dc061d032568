from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.transform import (
    MAX_PLACEHOLDER_LEN,
    MemoryVault,
    TokenTable,
    VaultScope,
    max_token_len,
    partial_token_suffix,
    restore,
)

A = VaultScope("acme", "conv-1")
TABLE = {
    "<PERSON_1>": ("PERSON", "Aliya Omarova"),
    "<KZ_IIN_1>": ("KZ_IIN", "901123300258"),
    "Dana": ("PERSON", "Zhanna"),
    "Dana Seitova": ("PERSON", "Aigul Bekova"),
    "+7 701 555 0101": ("PHONE_NUMBER", "+7 701 234 5678"),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello <PERSON_1>, IIN <KZ_IIN_1>", "Hello Aliya Omarova, IIN 901123300258"),
        ("<PERSON_2> and <PERSON_1>", "<PERSON_2> and Aliya Omarova"),
        ("Dana called", "Zhanna called"),
        ("Dana Seitova called", "Aigul Bekova called"),
        ("Danara and Dana_x and xDana", "Danara and Dana_x and xDana"),
        ("call +7 701 555 0101.", "call +7 701 234 5678."),
        ("", ""),
    ],
)
def test_token_table_restore(text: str, expected: str) -> None:
    assert TokenTable(TABLE).restore(text) == expected


def test_allowed_filter_keeps_disallowed_types_as_tokens() -> None:
    text = "<PERSON_1> / <KZ_IIN_1> / Dana"
    out = TokenTable(TABLE).restore(text, lambda entity: entity != "KZ_IIN")
    assert out == "Aliya Omarova / <KZ_IIN_1> / Zhanna"


@pytest.mark.anyio
async def test_restore_reads_only_this_scope() -> None:
    vault = MemoryVault()
    token = await vault.pseudonym(A, "PERSON", "Aliya")
    other = VaultScope("globex", "conv-1")
    assert await restore(f"{token}!", vault, A) == "Aliya!"
    assert await restore(f"{token}!", vault, other) == f"{token}!"
    assert await restore(f"{token}!", vault, A, allowed=lambda e: False) == f"{token}!"
    assert await restore("", vault, A) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", 0),
        ("Hello <", 1),
        ("Hello <PER", 4),
        ("Hello <PERSON_1", 9),
        ("Hello <PERSON_1>", 0),
        ("Hello <person", 0),
        ("x <A <B", 2),
        ("call +7 701 5", 8),  # proper prefix of an issued fake
        ("call +7 701 555 0101", 15),  # word-final fake: the next char decides
        ("met Da", 2),
        ("met xDa", 0),  # cannot start a whole-word token after a word character
        ("met Dana", 4),
        ("met Dana S", 6),
    ],
)
def test_partial_token_suffix(text: str, expected: int) -> None:
    assert partial_token_suffix(text, TABLE) == expected
    assert TokenTable(TABLE).partial_suffix(text) == expected


def test_partial_suffix_is_bounded_by_the_grammar() -> None:
    text = "<" + "A" * 200
    assert partial_token_suffix(text, []) == 0
    assert partial_token_suffix("<" + "A" * 50, []) == 51


def test_max_token_len() -> None:
    assert max_token_len([]) == MAX_PLACEHOLDER_LEN
    assert max_token_len(["x" * 100]) == 100


@pytest.mark.parametrize(
    ("before", "text", "expected"),
    [
        ("", "Dana!", "Zhanna!"),
        (" ", "Dana!", "Zhanna!"),
        ("x", "Dana!", "Dana!"),
        ("hello x", "Dana <PERSON_1>", "Dana Aliya Omarova"),
    ],
)
def test_restore_with_preceding_context(before: str, text: str, expected: str) -> None:
    assert TokenTable(TABLE).restore(text, before=before) == expected


_PIECES = [*TABLE, "Dan", "Danara", "<PERSON_", "<", ">", " ", "x", "_", ".", "+7 701 ", "Seitova"]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=14),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=8),
)
def test_holding_back_the_partial_suffix_makes_chunked_restore_equal_one_shot(
    pieces: list[str], cuts: list[int]
) -> None:
    """The contract a stream relies on: emit all but ``partial_suffix`` of the buffer."""
    text = "".join(pieces)
    table = TokenTable(TABLE)
    bounds = sorted({min(c, len(text)) for c in cuts} | {len(text)})
    emitted: list[str] = []
    raw_emitted = ""
    buffer = ""
    start = 0
    for bound in bounds:
        buffer += text[start:bound]
        start = bound
        keep = table.partial_suffix(buffer)
        ready, buffer = buffer[: len(buffer) - keep], buffer[len(buffer) - keep :]
        emitted.append(table.restore(ready, before=raw_emitted))
        raw_emitted += ready
    emitted.append(table.restore(buffer, before=raw_emitted))
    assert "".join(emitted) == table.restore(text)
