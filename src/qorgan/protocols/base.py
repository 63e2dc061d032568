"""The adapter contract and the slot extraction every adapter shares.

Every string leaf of a body is a slot unless a rule marks it structural: a field whose
change would break the protocol and that is not free text (roles, ids, types, tool names,
base64 payloads). Skipping is the exception, listed explicitly per adapter, so a field a
provider adds tomorrow is scanned by default.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from qorgan.errors import PayloadError
from qorgan.protocols.jsonpath import (
    ANY,
    ANY_RUN,
    CopyOnWrite,
    Pattern,
    format_path,
    get_at,
    iter_strings,
    match,
)
from qorgan.types import JSONPath, TextSlot

#: binary payloads inlined as data URLs are never text
_DATA_URL = re.compile(r"data:[\w.+-]+/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*;base64,", re.ASCII)

#: deeper bodies are refused (bodies are depth-limited on read; this guards direct callers)
MAX_DEPTH = 128

ROLES = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
    "function": "tool",
}


class Adapter(Protocol):
    """What the guard needs from one API: where its texts are, and a few facts for audit.

    ``provider`` and ``operation`` are OpenTelemetry GenAI values (``gen_ai.provider.name``,
    ``gen_ai.operation.name``).
    """

    @property
    def name(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def operation(self) -> str: ...

    def model(self, body: Mapping[str, Any]) -> str | None: ...
    def is_stream(self, body: Mapping[str, Any]) -> bool: ...
    def validate(self, body: Any) -> None: ...
    def request_slots(self, body: Mapping[str, Any]) -> list[TextSlot]: ...
    def response_slots(self, body: Mapping[str, Any]) -> list[TextSlot]: ...
    def usage(self, body: Mapping[str, Any]) -> dict[str, int]: ...


@dataclass(frozen=True, slots=True)
class Rule:
    """A structural field: ``pattern`` matches its path; ``when`` (if set) must also hold
    for the object that holds it (e.g. ``source.data`` only when ``source.type`` is base64).
    """

    pattern: Pattern
    when: Callable[[Mapping[str, Any]], bool] | None = None


def rules(*patterns: Pattern) -> tuple[Rule, ...]:
    return tuple(Rule(p) for p in patterns)


def schema_rules(prefix: Pattern) -> tuple[Rule, ...]:
    """JSON Schema keywords that are structure, under ``prefix`` (tool parameters, formats).

    Descriptions, titles, enum and default values stay slots: they are free text.
    """
    return rules(
        (*prefix, ANY_RUN, "type"),
        (*prefix, ANY_RUN, "type", ANY),
        (*prefix, ANY_RUN, "format"),
        (*prefix, ANY_RUN, "$ref"),
        (*prefix, ANY_RUN, "$schema"),
        (*prefix, ANY_RUN, "$id"),
        (*prefix, ANY_RUN, "required", ANY),
    )


def type_is(*values: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda holder: holder.get("type") in values


#: bound on memoized path shapes per index (keys are caller-controlled)
_SHAPE_CACHE = 4096


#: a path with its indexes blanked: patterns never name an index, so all indexes match alike
Shape = tuple[str | None, ...]


class _RuleIndex:
    """Structural rules with their matches memoized per path shape.

    A body has few shapes (``messages[*].content`` is one), so matching runs once per shape
    rather than once per leaf.
    """

    def __init__(self, items: Sequence[Rule]) -> None:
        self._rules = tuple(items)
        self._cache: dict[Shape, tuple[Rule, ...]] = {}

    def _candidates(self, path: JSONPath, shape: Shape) -> tuple[Rule, ...]:
        found = self._cache.get(shape)
        if found is None:
            found = tuple(r for r in self._rules if match(r.pattern, path))
            if len(self._cache) >= _SHAPE_CACHE:
                self._cache.clear()
            self._cache[shape] = found
        return found

    def hit(self, path: JSONPath, shape: Shape, holder: Any) -> bool:
        return any(
            rule.when is None or (isinstance(holder, Mapping) and rule.when(holder))
            for rule in self._candidates(path, shape)
        )


class _PatternSet(_RuleIndex):
    def __init__(self, patterns: Sequence[Pattern]) -> None:
        super().__init__([Rule(p) for p in patterns])


class JSONAdapter:
    """Shared machinery; subclasses set the class attributes and ``validate``/roles."""

    name: ClassVar[str] = "generic"
    provider: ClassVar[str] = "generic"
    operation: ClassVar[str] = "chat"

    #: structural leaves of requests and responses (never slotted)
    request_structural: ClassVar[tuple[Rule, ...]] = ()
    response_structural: ClassVar[tuple[Rule, ...]] = ()
    #: string leaves that hold a JSON document (tool-call arguments)
    request_embedded: ClassVar[tuple[Pattern, ...]] = ()
    response_embedded: ClassVar[tuple[Pattern, ...]] = ()

    def __init__(self) -> None:
        self._req_rules = _RuleIndex(self.request_structural)
        self._resp_rules = _RuleIndex(self.response_structural)
        self._req_embedded = _PatternSet(self.request_embedded)
        self._resp_embedded = _PatternSet(self.response_embedded)

    def model(self, body: Mapping[str, Any]) -> str | None:
        value = body.get("model") if isinstance(body, Mapping) else None
        return value if isinstance(value, str) else None

    def is_stream(self, body: Mapping[str, Any]) -> bool:
        return isinstance(body, Mapping) and body.get("stream") is True

    def validate(self, body: Any) -> None:
        expect_object(body, ())

    def validate_response(self, body: Any) -> None:
        expect_object(body, ())

    def request_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        return None

    def response_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        return None

    def request_slots(self, body: Mapping[str, Any]) -> list[TextSlot]:
        self.validate(body)
        return self._extract(body, self._req_rules, self._req_embedded, self.request_role)

    def response_slots(self, body: Mapping[str, Any]) -> list[TextSlot]:
        self.validate_response(body)
        return self._extract(body, self._resp_rules, self._resp_embedded, self.response_role)

    def usage(self, body: Mapping[str, Any]) -> dict[str, int]:
        raw = body.get("usage") if isinstance(body, Mapping) else None
        if not isinstance(raw, Mapping):
            return {}
        out: dict[str, int] = {}
        for ours, theirs in (
            ("input_tokens", ("input_tokens", "prompt_tokens")),
            ("output_tokens", ("output_tokens", "completion_tokens")),
        ):
            for key in theirs:
                value = raw.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    out[ours] = value
                    break
        return out

    def _extract(
        self,
        body: Any,
        structural: _RuleIndex,
        embedded: _PatternSet,
        role_of: Callable[[Mapping[str, Any], JSONPath], str | None],
    ) -> list[TextSlot]:
        slots: list[TextSlot] = []

        def walk(node: Any, path: JSONPath, shape: Shape, holder: Any) -> None:
            if len(path) > MAX_DEPTH:
                raise PayloadError("the body nests too deeply", code="too_deep")
            if isinstance(node, str):
                if not node or _DATA_URL.match(node) or structural.hit(path, shape, holder):
                    return
                role = role_of(body, path) if isinstance(body, Mapping) else None
                if embedded.hit(path, shape, None):
                    slots.extend(_embedded_slots(path, node, role))
                else:
                    slots.append(TextSlot(path=path, text=node, role=role))
            elif isinstance(node, dict):
                for key, value in node.items():
                    walk(value, (*path, key), (*shape, key), node)
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    # numbers (token ids, embedding vectors) hold no text: no call for them
                    if isinstance(value, (str, dict, list)):
                        walk(value, (*path, index), (*shape, None), node)

        walk(body, (), (), None)
        return slots


def _embedded_slots(path: JSONPath, raw: str, role: str | None) -> list[TextSlot]:
    """One slot per string leaf of a JSON string; the whole string when it is not JSON."""
    try:
        doc = json.loads(raw)
        leaves = list(iter_strings(doc))
    except (ValueError, RecursionError):
        # not JSON, or nested past any sane depth: the whole string is scanned as text
        return [TextSlot(path=path, text=raw, role=role)]
    if any(len(inner) > MAX_DEPTH for inner, _ in leaves):
        return [TextSlot(path=path, text=raw, role=role)]
    return [
        TextSlot(path=path, text=text, embedded=inner, role=role)
        for inner, text in leaves
        if text and not _DATA_URL.match(text)
    ]


def apply_slots(body: Any, slots: Sequence[TextSlot], texts: Sequence[str]) -> Any:
    """A new document with each slot's text replaced by the matching entry of ``texts``.

    The input is never mutated. A slot whose text is unchanged leaves its leaf untouched, so
    identical texts give an equal document (embedded JSON is re-serialised only if changed).
    """
    if len(slots) != len(texts):
        raise ValueError("apply_slots needs exactly one text per slot")
    writer = CopyOnWrite(body)
    embedded: dict[JSONPath, list[tuple[JSONPath, str]]] = defaultdict(list)
    for slot, text in zip(slots, texts, strict=True):
        if text == slot.text:
            continue
        if slot.embedded is None:
            writer.set(slot.path, text)
        else:
            embedded[slot.path].append((slot.embedded, text))
    for path, changes in embedded.items():
        raw = get_at(body, path)
        if not isinstance(raw, str):
            raise ValueError("no embedded JSON at a slot's path")
        try:
            inner = CopyOnWrite(json.loads(raw))
        except ValueError as exc:
            raise ValueError("no embedded JSON at a slot's path") from exc
        for inner_path, text in changes:
            inner.set(inner_path, text)
        writer.set(path, json.dumps(inner.root, ensure_ascii=False, separators=(",", ":")))
    return writer.root


# -- validation helpers: messages name the field path, never the value -----------------


def fail(path: JSONPath, expected: str) -> PayloadError:
    where = format_path(path)
    return PayloadError(f"{where}: expected {expected}", field=where)


def expect_object(value: Any, path: JSONPath) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise fail(path, "an object")
    return value


def expect_list(value: Any, path: JSONPath) -> list[Any]:
    if not isinstance(value, list):
        raise fail(path, "an array")
    return value


def optional(
    holder: Mapping[str, Any], key: str, path: JSONPath, *kinds: type, expected: str
) -> Any:
    """``holder[key]`` if present and of one of ``kinds`` (None passes), else PayloadError."""
    value = holder.get(key)
    if value is None:
        return None
    if isinstance(value, bool) and bool not in kinds:
        raise fail((*path, key), expected)
    if not isinstance(value, kinds):
        raise fail((*path, key), expected)
    return value


def role_at(body: Mapping[str, Any], container: str, index: Any) -> str | None:
    """The normalized role of ``body[container][index]`` when it names one we know."""
    items = body.get(container)
    if not isinstance(items, list) or not isinstance(index, int) or index >= len(items):
        return None
    item = items[index]
    role = item.get("role") if isinstance(item, Mapping) else None
    return ROLES.get(role) if isinstance(role, str) else None
