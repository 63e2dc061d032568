"""Paths into JSON documents: formatting, glob matching and copy-on-write updates.

A pattern is a tuple of path elements where ``"*"`` matches exactly one key or index and
``"**"`` matches any run of them (including none). Adapters describe their structural
fields with patterns so the lists stay data, not code paths.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from qorgan.types import JSONPath

Pattern = tuple[str, ...]

ANY = "*"
ANY_RUN = "**"
#: the JSON types that hold no text and nest nothing (as ``json.loads`` builds them)
_SCALARS = frozenset({int, float, bool, type(None)})
_TOKEN_ID = frozenset({int})


def only_scalars(items: list[Any]) -> bool:
    """Whether a JSON array holds numbers, booleans and nulls only (token ids, embedding
    vectors): nothing to walk into. Checked on the exact types in one C-level pass; a
    subclass answers False and is looked at item by item."""
    return _SCALARS.issuperset(map(type, items))


def only_token_ids(items: list[Any]) -> bool:
    """Whether a JSON array holds integers only (``True`` is not a token id)."""
    return _TOKEN_ID.issuperset(map(type, items))


def format_path(path: Sequence[str | int]) -> str:
    """``("messages", 2, "content")`` -> ``messages[2].content`` (``$`` for the root)."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out) or "$"


def match(pattern: Pattern, path: JSONPath) -> bool:
    """Whether ``path`` matches ``pattern`` exactly (anchored at both ends)."""
    return _match(pattern, 0, path, 0)


def _match(pattern: Pattern, pi: int, path: JSONPath, qi: int) -> bool:
    while pi < len(pattern):
        head = pattern[pi]
        if head == ANY_RUN:
            if pi == len(pattern) - 1:
                return True
            return any(_match(pattern, pi + 1, path, k) for k in range(qi, len(path) + 1))
        if qi >= len(path):
            return False
        part = path[qi]
        if head != ANY and (isinstance(part, int) or part != head):
            return False
        pi += 1
        qi += 1
    return qi == len(path)


def iter_strings(node: Any, path: JSONPath = ()) -> Iterator[tuple[JSONPath, str]]:
    """Every string leaf under ``node`` with its path (object keys are not leaves)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from iter_strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_strings(value, (*path, index))


def iter_paths(node: Any, path: JSONPath = (), *, depth: int = 8) -> Iterator[tuple[JSONPath, Any]]:
    """Every value under ``node`` (containers too) with its path, down to ``depth`` levels."""
    if path:
        yield path, node
    if len(path) >= depth:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            yield from iter_paths(value, (*path, key), depth=depth)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, dict | list):
                yield from iter_paths(value, (*path, index), depth=depth)


def get_at(doc: Any, path: JSONPath) -> Any:
    """The value at ``path``; ``ValueError`` if absent.

    The message does not name the path: object keys are request content too.
    """
    node = doc
    for part in path:
        try:
            if isinstance(part, int):
                if not isinstance(node, list):
                    raise TypeError
                node = node[part]
            else:
                if not isinstance(node, dict):
                    raise TypeError
                node = node[part]
        except (KeyError, IndexError, TypeError) as exc:
            raise ValueError("no value at the given path") from exc
    return node


class CopyOnWrite:
    """Sets values in a copy of a document, copying only the containers on changed paths.

    The input document is never mutated: each container on a written path is shallow-copied
    once, and unchanged branches are shared with the input.
    """

    def __init__(self, doc: Any) -> None:
        self.root = doc
        self._owned: set[int] = set()

    def _own(self, node: Any) -> Any:
        if id(node) in self._owned:
            return node
        if isinstance(node, dict):
            copy: Any = dict(node)
        elif isinstance(node, list):
            copy = list(node)
        else:
            return node
        self._owned.add(id(copy))
        return copy

    def set(self, path: JSONPath, value: Any) -> None:
        if not path:
            self.root = value
            return
        get_at(self.root, path)  # validates the whole path before anything is copied
        self.root = self._own(self.root)
        node = self.root
        for part in path[:-1]:
            child = self._own(node[part])
            node[part] = child
            node = child
        node[path[-1]] = value
