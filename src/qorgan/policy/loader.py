"""Load a policy file: YAML with positions, schema, whole-document checks, compiled rules.

Every problem becomes one ``PolicyError`` whose message starts with
``FILE:LINE:COL: key.path: what is wrong`` (more problems follow on further lines, in
document order). A misspelt key lists the valid keys and the closest one.
"""

from __future__ import annotations

import hashlib
import types
import typing
from dataclasses import dataclass
from difflib import get_close_matches
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError

from qorgan.errors import PolicyError
from qorgan.policy.cel import ConditionTypeError
from qorgan.policy.rules import CompiledRule
from qorgan.policy.schema import Policy
from qorgan.policy.semantics import check as check_semantics
from qorgan.policy.semantics import suggest
from qorgan.policy.yamlpos import Located, Pos, YamlPositionError, load_located

KeyPath = tuple[str | int, ...]
BUILTIN_PREFIX = "builtin:"


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    policy: Policy
    #: sha256 hex of the file's bytes: names this exact policy in every decision
    version: str
    source: str
    rules: tuple[CompiledRule, ...]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    pos: Pos
    path: KeyPath
    message: str

    def render(self, source: str) -> str:
        return f"{source}:{self.pos.line}:{self.pos.column}: {dotted(self.path)}: {self.message}"


def dotted(path: KeyPath) -> str:
    """``rules[2].action`` for ``("rules", 2, "action")``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"


def raise_problems(
    source: str, problems: list[Problem], cause: BaseException | None = None
) -> NoReturn:
    """Raise one ``PolicyError`` listing ``problems`` in document order."""
    ordered = sorted(problems, key=lambda p: (p.pos.line, p.pos.column))
    message = "\n".join(p.render(source) for p in ordered)
    raise PolicyError(message, problems=len(ordered)) from cause


def _unwrap(annotation: Any) -> Any:
    """The model type inside ``X | None``, ``tuple[X, ...]``, ``dict[str, X]``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else None
    if origin in (tuple, list):
        return _unwrap(typing.get_args(annotation)[0])
    if origin is dict:
        return _unwrap(typing.get_args(annotation)[1])
    return annotation


def _model_at(path: KeyPath, root: type[BaseModel]) -> type[BaseModel] | None:
    current: Any = root
    for part in path:
        if isinstance(current, type) and issubclass(current, BaseModel):
            if isinstance(part, int):
                continue
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = _unwrap(field.annotation)
        # list items and dict values keep the unwrapped item type
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _clean_loc(data: Any, loc: tuple[Any, ...]) -> KeyPath:
    """Keep the parts of a pydantic ``loc`` that exist in the document (drops union tags)."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        in_dict = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_dict or in_list:
            path.append(part)
            current = current[part]
        elif last and isinstance(current, dict) and isinstance(part, str):
            path.append(part)  # a missing field or an unknown key
    return tuple(path)


def validation_problems(
    located: Located, exc: ValidationError, root: type[BaseModel]
) -> list[Problem]:
    """Positioned problems for a pydantic error raised validating ``located`` as ``root``."""
    errors = exc.errors(include_url=False, include_input=False)
    # A misspelt key also makes the intended key "missing": report the misspelling only.
    misspelt: set[KeyPath] = set()
    for err in errors:
        path = _clean_loc(located.data, tuple(err["loc"]))
        if err["type"] == "extra_forbidden" and path and isinstance(path[-1], str):
            model = _model_at(path[:-1], root)
            valid = list(model.model_fields) if model is not None else []
            misspelt.update((*path[:-1], m) for m in get_close_matches(path[-1], valid, n=1))
    paths = [_clean_loc(located.data, tuple(err["loc"])) for err in errors]
    problems = []
    for err in errors:
        if err["type"] == "missing" and _clean_loc(located.data, tuple(err["loc"])) in misspelt:
            continue
        if err["type"] == "too_short":
            # An invalid item is not counted, so its list also looks too short: noise.
            here = _clean_loc(located.data, tuple(err["loc"]))
            if any(len(p) > len(here) and p[: len(here)] == here for p in paths):
                continue
        path = _clean_loc(located.data, tuple(err["loc"]))
        kind = err["type"]
        if kind == "extra_forbidden" and path and isinstance(path[-1], str):
            model = _model_at(path[:-1], root)
            valid = sorted(model.model_fields) if model is not None else []
            message = (
                f"unknown key '{path[-1]}'{suggest(path[-1], valid)}; "
                f"valid keys: {', '.join(valid)}"
            )
            problems.append(Problem(located.position(path, key=True), path, message))
            continue
        message = str(err["msg"]).removeprefix("Value error, ")
        if kind == "missing":
            message = "required key is missing"
            problems.append(Problem(located.position(path[:-1]), path, message))
            continue
        problems.append(Problem(located.position(path), path, message))
    return problems


def _compile_rules(
    located: Located, policy: Policy, lines: list[str]
) -> tuple[list[CompiledRule], list[Problem]]:
    compiled: list[CompiledRule] = []
    problems: list[Problem] = []
    for index, spec in enumerate(policy.rules):
        try:
            compiled.append(CompiledRule.build(index, spec))
        except ValueError as exc:
            path: KeyPath = ("rules", index, "when")
            pos = located.position(path)
            if isinstance(exc, ConditionTypeError) and spec.when is not None:
                pos = _within(pos, lines, spec.when, exc.offset)
            problems.append(Problem(pos, path, str(exc)))
    return compiled, problems


def _within(pos: Pos, lines: list[str], source: str, offset: int) -> Pos:
    """The position of ``offset`` in a condition written on one line at ``pos`` (quoted or
    not); the value's own position when it spans lines."""
    if "\n" in source or not 0 < pos.line <= len(lines):
        return pos
    start = lines[pos.line - 1].find(source, pos.column - 1)
    if start < 0:
        return pos
    return Pos(pos.line, start + offset + 1)


def parse_policy(text: str | bytes, source: str) -> LoadedPolicy:
    """Parse and check a policy document; ``source`` names it in error messages."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        located = load_located(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{source}:1:1: (document): not UTF-8 text") from exc
    except YamlPositionError as exc:
        raise_problems(source, [Problem(exc.pos, exc.path, exc.message)], exc)
    if not isinstance(located.data, dict):
        raise_problems(source, [Problem(Pos(1, 1), (), "a policy is a YAML mapping")])
    try:
        policy = Policy.model_validate(located.data)
    except ValidationError as exc:
        raise_problems(source, validation_problems(located, exc, Policy), exc)
    problems = [
        Problem(located.position(path), path, message) for path, message in check_semantics(policy)
    ]
    rules, rule_problems = _compile_rules(located, policy, raw.decode("utf-8").splitlines())
    problems.extend(rule_problems)
    if problems:
        raise_problems(source, problems)
    return LoadedPolicy(
        policy=policy,
        version=hashlib.sha256(raw).hexdigest(),
        source=source,
        rules=tuple(rules),
    )


def builtin_names() -> tuple[str, ...]:
    """Names of the bundled policies (``builtin:NAME``)."""
    root = resources.files("qorgan.policies")
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml")
            for entry in root.iterdir()
            if entry.name.endswith(".yaml") and not entry.name.endswith(".tests.yaml")
        )
    )


def read_source(path: str | Path) -> tuple[bytes, str]:
    """The bytes of a policy or tests file and the name to show for it."""
    text_path = str(path)
    if text_path.startswith(BUILTIN_PREFIX):
        name = text_path.removeprefix(BUILTIN_PREFIX)
        names = builtin_names()
        if name not in names and not name.endswith(".tests"):
            raise PolicyError(
                f"{text_path}: no bundled policy '{name}'{suggest(name, names)};"
                f" bundled: {', '.join(names)}"
            )
        try:
            return resources.files("qorgan.policies").joinpath(f"{name}.yaml").read_bytes(), (
                text_path
            )
        except OSError as exc:
            raise PolicyError(f"{text_path}: cannot read bundled file") from exc
    try:
        return Path(path).read_bytes(), text_path
    except OSError as exc:
        raise PolicyError(f"{text_path}: cannot read file ({exc.strerror})") from exc


def load_policy(path: str | Path) -> LoadedPolicy:
    """Load a policy file, or a bundled one as ``builtin:NAME`` (e.g. ``builtin:kz-pdl``)."""
    raw, source = read_source(path)
    return parse_policy(raw, source)
