"""YAML with positions: safe loading that remembers where every key and value was written.

Errors in a policy must point at a line, so the document is composed into nodes first, the
marks of every mapping key and value are recorded by key path, then the same nodes are
constructed with the safe constructor. Duplicate keys are errors here (``safe_load`` keeps
the last one silently, which hides mistakes in a security policy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Pos:
    line: int  # 1-based
    column: int  # 1-based

    @classmethod
    def of(cls, mark: yaml.Mark | None) -> Pos:
        if mark is None:
            return cls(1, 1)
        return cls(mark.line + 1, mark.column + 1)


@dataclass(frozen=True, slots=True)
class Located:
    """A parsed document and the positions of its parts."""

    data: Any
    #: path -> position of the key (for mapping entries) or the item (for list entries)
    keys: Mapping[Path, Pos]
    #: path -> position of the value
    values: Mapping[Path, Pos]

    def position(self, path: Path, *, key: bool = False) -> Pos:
        """The best position for ``path``: its own, else its nearest recorded ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        for cut in range(len(path), -1, -1):
            found = self.values.get(path[:cut])
            if found is not None:
                return found
        return Pos(1, 1)


class YamlPositionError(ValueError):
    def __init__(self, pos: Pos, path: Path, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.path = path
        self.message = message


#: aliases can make a small file expand enormously; a policy never needs this many nodes
MAX_NODES = 100_000


class _Walk:
    def __init__(self) -> None:
        self.keys: dict[Path, Pos] = {}
        self.values: dict[Path, Pos] = {}
        self.count = 0
        self.open: set[int] = set()

    def __call__(self, node: yaml.Node, path: Path) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlPositionError(Pos.of(node.start_mark), path, "document too large")
        if id(node) in self.open:
            raise YamlPositionError(Pos.of(node.start_mark), path, "recursive alias")
        self.open.add(id(node))
        try:
            _walk(node, path, self)
        finally:
            self.open.discard(id(node))


def _walk(node: yaml.Node, path: Path, walk: _Walk) -> None:
    keys, values = walk.keys, walk.values
    values[path] = Pos.of(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlPositionError(Pos.of(key_node.start_mark), path, "keys must be scalars")
            name = str(key_node.value)
            if name in seen:
                raise YamlPositionError(
                    Pos.of(key_node.start_mark), (*path, name), f"duplicate key '{name}'"
                )
            seen.add(name)
            keys[(*path, name)] = Pos.of(key_node.start_mark)
            walk(value_node, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            keys[(*path, index)] = Pos.of(item.start_mark)
            walk(item, (*path, index))


def load_located(text: str | bytes) -> Located:
    """Parse one YAML document safely. Raises ``YamlPositionError`` (syntax and duplicates)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, {}, {})
        walk = _Walk()
        walk(node, ())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        raise YamlPositionError(Pos.of(mark), (), f"YAML syntax: {problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlPositionError(Pos(1, 1), (), "YAML syntax: unreadable document") from exc
    finally:
        loader.dispose()
    return Located(data, walk.keys, walk.values)
