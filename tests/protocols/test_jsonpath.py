from __future__ import annotations

from typing import Any

import pytest

from qorgan.protocols.jsonpath import (
    CopyOnWrite,
    format_path,
    get_at,
    iter_strings,
    match,
    only_scalars,
    only_token_ids,
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), "$"),
        (("messages",), "messages"),
        (("messages", 2, "content"), "messages[2].content"),
        ((0, "a"), "[0].a"),
    ],
)
def test_format_path(path: tuple[str | int, ...], expected: str) -> None:
    assert format_path(path) == expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        (("messages", "*", "role"), ("messages", 3, "role"), True),
        (("messages", "*", "role"), ("messages", 3, "content"), False),
        (("messages", "*", "role"), ("messages", 3, "x", "role"), False),
        (("a", "**", "type"), ("a", "type"), True),
        (("a", "**", "type"), ("a", "b", 1, "c", "type"), True),
        (("a", "**", "type"), ("b", "type"), False),
        (("a", "**"), ("a", 1, 2), True),
        (("a", "*"), ("a",), False),
        # a literal key never matches a list index
        (("a", "0"), ("a", 0), False),
    ],
)
def test_match(pattern: tuple[str, ...], path: tuple[str | int, ...], expected: bool) -> None:
    assert match(pattern, path) is expected


def test_iter_strings_lists_every_string_leaf_not_keys() -> None:
    doc = {"k": ["x", 1, {"y": "z", "n": None}], "t": True}
    assert list(iter_strings(doc)) == [(("k", 0), "x"), (("k", 2, "y"), "z")]


@pytest.mark.parametrize("path", [("missing",), ("alpha", 5), ("alpha", "beta"), ("secret", 0)])
def test_get_at_missing_raises_value_error_without_content(path: tuple[str | int, ...]) -> None:
    doc: dict[str, Any] = {"alpha": [1], "secret": "secret-value"}
    with pytest.raises(ValueError, match="no value at") as info:
        get_at(doc, path)
    assert "secret-value" not in str(info.value)
    assert all(str(part) not in str(info.value) for part in path)


def test_copy_on_write_never_mutates_input_and_shares_untouched_branches() -> None:
    doc = {"a": {"b": ["x", "y"]}, "c": {"d": "e"}}
    writer = CopyOnWrite(doc)
    writer.set(("a", "b", 1), "Y")
    writer.set(("a", "b", 0), "X")
    assert doc == {"a": {"b": ["x", "y"]}, "c": {"d": "e"}}
    assert writer.root == {"a": {"b": ["X", "Y"]}, "c": {"d": "e"}}
    assert writer.root["c"] is doc["c"]


def test_copy_on_write_root_replacement() -> None:
    writer = CopyOnWrite("old")
    writer.set((), "new")
    assert writer.root == "new"


class _Int(int):
    pass


@pytest.mark.parametrize(
    ("items", "scalars", "token_ids"),
    [
        ([], True, True),
        ([1, 2, 3], True, True),
        ([0.5, -1e3, 7], True, False),
        ([1, True], True, False),  # a boolean is no token id
        ([None, False], True, False),
        ([1, "2"], False, False),
        ([1, [2]], False, False),
        ([{"a": 1}], False, False),
        ([_Int(3)], False, False),  # a subclass is looked at item by item, not waved through
    ],
)
def test_scalar_arrays_are_told_in_one_pass(items: list[Any], scalars: bool,
                                            token_ids: bool) -> None:
    assert only_scalars(items) is scalars
    assert only_token_ids(items) is token_ids
