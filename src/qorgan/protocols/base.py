"""The adapter contract and the slot extraction every adapter shares.

Every string leaf of a body is a slot unless a rule marks it structural: a field whose
change would break the protocol (roles, ids, types, tool names, base64 payloads). Being
structural is the exception, listed explicitly per adapter, so a field a provider adds
tomorrow is scanned by default; and every structural rule has a shape
(``qorgan.protocols.shapes``) that its value is checked against: a value outside the shape
is scanned like text, an identifier-shaped one is scanned by the pattern recognizers, and
only a member of a closed set or a verified binary payload is skipped.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from qorgan.errors import PayloadError, QorganError, UpstreamError
from qorgan.protocols import shapes
from qorgan.protocols.checks import expect_object
from qorgan.protocols.jsonpath import (
    ANY,
    ANY_RUN,
    CopyOnWrite,
    Pattern,
    format_path,
    get_at,
    iter_paths,
    iter_strings,
    match,
    only_scalars,
)
from qorgan.protocols.shapes import Codec, Kind, Shape, Verdict, plain
from qorgan.types import JSONPath, TextSlot

#: deeper bodies are refused (bodies are depth-limited on read; this guards direct callers)
MAX_DEPTH = 128



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
    def request_fields(self, body: Mapping[str, Any]) -> Fields: ...
    def request_slots(self, body: Mapping[str, Any]) -> list[TextSlot]: ...
    def response_slots(self, body: Mapping[str, Any]) -> list[TextSlot]: ...
    def drop_response_fields(self, body: Any) -> tuple[Any, int]: ...
    def usage(self, body: Mapping[str, Any]) -> dict[str, int]: ...


@dataclass(frozen=True, slots=True)
class Rule:
    """A structural field: ``pattern`` matches its path; ``when`` (if set) must also hold
    for the object that holds it (e.g. ``source.data`` only when ``source.type`` is base64);
    ``shape`` says what its value may be (``qorgan.protocols.shapes``).
    """

    pattern: Pattern
    shape: Shape = shapes.TOKEN
    when: Callable[[Mapping[str, Any]], bool] | None = None


def rules(*patterns: Pattern, shape: Shape = shapes.TOKEN) -> tuple[Rule, ...]:
    return tuple(Rule(p, shape) for p in patterns)


#: JSON Schema's own types and the formats validators know; any other value is text
JSON_TYPES = shapes.enum_of("string", "number", "integer", "boolean", "object", "array", "null")
JSON_FORMATS = shapes.enum_of(
    "date-time", "time", "date", "duration", "email", "idn-email", "hostname", "idn-hostname",
    "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template",
    "json-pointer", "relative-json-pointer", "regex", "int32", "int64", "float", "double",
    "byte", "binary", "password", "decimal",
)
#: property names in ``required``: the same shape as object keys
PROPERTY = shapes.ident(r"[A-Za-z_$][A-Za-z0-9_$.:\-]{0,127}")


def schema_rules(prefix: Pattern) -> tuple[Rule, ...]:
    """JSON Schema keywords that are structure, under ``prefix`` (tool parameters, formats).

    Descriptions, titles, enum and default values, ``$id``, ``$ref`` and ``$schema`` stay
    slots: they are free text or URIs, and rewriting one does not break a request.
    """
    return (
        *rules((*prefix, ANY_RUN, "type"), (*prefix, ANY_RUN, "type", ANY), shape=JSON_TYPES),
        *rules((*prefix, ANY_RUN, "format"), shape=JSON_FORMATS),
        *rules((*prefix, ANY_RUN, "required", ANY), shape=PROPERTY),
    )


def type_is(*values: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda holder: holder.get("type") in values


#: bound on memoized path shapes per index (keys are caller-controlled)
_SHAPE_CACHE = 4096


#: a path with its indexes blanked: patterns never name an index, so all indexes match alike
PathShape = tuple[str | None, ...]


class _RuleIndex:
    """Structural rules with their matches memoized per path shape.

    A body has few shapes (``messages[*].content`` is one), so matching runs once per shape
    rather than once per leaf.
    """

    def __init__(self, items: Sequence[Rule]) -> None:
        self._rules = tuple(items)
        self._cache: dict[PathShape, tuple[Rule, ...]] = {}

    def _candidates(self, path: JSONPath, shape: PathShape) -> tuple[Rule, ...]:
        found = self._cache.get(shape)
        if found is None:
            found = tuple(r for r in self._rules if match(r.pattern, path))
            if len(self._cache) >= _SHAPE_CACHE:
                self._cache.clear()
            self._cache[shape] = found
        return found

    def find(self, path: JSONPath, shape: PathShape, holder: Any) -> Rule | None:
        """The first rule that applies to the leaf at ``path`` (held by ``holder``)."""
        for rule in self._candidates(path, shape):
            if rule.when is None or (isinstance(holder, Mapping) and rule.when(holder)):
                return rule
        return None

    def hit(self, path: JSONPath, shape: PathShape, holder: Any) -> bool:
        return self.find(path, shape, holder) is not None


class _PatternSet(_RuleIndex):
    def __init__(self, patterns: Sequence[Pattern]) -> None:
        super().__init__([Rule(p, plain) for p in patterns])


@dataclass(frozen=True, slots=True)
class DecodedSlot(TextSlot):
    """A slot whose text was decoded from base64 (a data URL's text payload, a "binary"
    field holding text): ``codec`` encodes the transformed text back the same way."""

    codec: Codec = field(default_factory=Codec)


@dataclass(frozen=True, slots=True)
class JSONTextSlot(TextSlot):
    """A string holding a JSON document read as one text (model output: tool-call
    arguments), the way a stream delivers it: values written into it are JSON-escaped."""


@dataclass(frozen=True, slots=True)
class Fields:
    """What one body holds for the scanner."""

    #: texts the model reads (or wrote), each scanned and transformed in place
    slots: list[TextSlot]
    #: identifier-shaped structural values (ids, names, model): scanned by the pattern
    #: recognizers only, never rewritten; a finding refuses the request
    identifiers: list[str]


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
    #: response fields replaced (by the value given) before the answer is scanned: they
    #: repeat the output in a form that cannot be restored or scanned alike (logprobs)
    response_dropped: ClassVar[tuple[tuple[Pattern, Any], ...]] = ()

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

    def request_fields(self, body: Mapping[str, Any]) -> Fields:
        """The request's slots and its identifier-shaped structural values."""
        self.validate(body)
        return self._extract(body, self._req_rules, self._req_embedded, self.request_role,
                             response=False)

    def request_slots(self, body: Mapping[str, Any]) -> list[TextSlot]:
        return self.request_fields(body).slots

    def response_slots(self, body: Mapping[str, Any]) -> list[TextSlot]:
        self.validate_response(body)
        return self._extract(body, self._resp_rules, self._resp_embedded, self.response_role,
                             response=True).slots

    def drop_response_fields(self, body: Any) -> tuple[Any, int]:
        """``body`` with the ``response_dropped`` fields replaced, and how many were."""
        if not self.response_dropped:
            return body, 0
        writer = CopyOnWrite(body)
        dropped = 0
        for path, value in list(iter_paths(body)):
            for pattern, empty in self.response_dropped:
                if match(pattern, path) and value is not None and value != empty:
                    writer.set(path, empty)
                    dropped += 1
        return writer.root, dropped

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
        *,
        response: bool,
    ) -> Fields:
        slots: list[TextSlot] = []
        identifiers: list[str] = []

        def leaf(node: str, path: JSONPath, shape: PathShape, holder: Any) -> None:
            rule = structural.find(path, shape, holder)
            verdict = (rule.shape if rule is not None else plain)(node, holder)
            kind = verdict.kind
            if kind is Kind.SKIP:
                return
            if response and rule is None:
                # model output: a data URL in a text field is scanned as the text a stream
                # delivers (encoded runs decoded by the detector), so both paths agree
                kind = Kind.TEXT
            if kind is Kind.REFUSE:
                raise _unverifiable(path, response=response)
            if kind is Kind.IDENT:
                # model output's ids come from the provider, not the model: in shape is enough
                if not response:
                    identifiers.append(node)
                return
            role = role_of(body, path) if isinstance(body, Mapping) else None
            if kind is Kind.DECODED:
                slots.append(_decoded(path, verdict, role))
            elif embedded.hit(path, shape, None):
                if response:
                    # the way a stream delivers it: one JSON text, keys and all
                    slots.append(JSONTextSlot(path=path, text=node, role=role))
                else:
                    slots.extend(_embedded_slots(path, node, role, response=response))
            else:
                slots.append(TextSlot(path=path, text=node, role=role))

        def walk(node: Any, path: JSONPath, shape: PathShape, holder: Any) -> None:
            if len(path) > MAX_DEPTH:
                raise PayloadError("the body nests too deeply", code="too_deep")
            if isinstance(node, str):
                if node:
                    leaf(node, path, shape, holder)
            elif isinstance(node, dict):
                for key, value in node.items():
                    walk(value, (*path, key), (*shape, key), node)
            elif isinstance(node, list) and not only_scalars(node):
                for index, value in enumerate(node):
                    # numbers (token ids, embedding vectors) hold no text: no call for them
                    if isinstance(value, (str, dict, list)):
                        walk(value, (*path, index), (*shape, None), node)

        walk(body, (), (), None)
        return Fields(slots, identifiers)


def _unverifiable(path: JSONPath, *, response: bool) -> QorganError:
    where = format_path(path)
    if response:
        return UpstreamError("the upstream sent base64 that is neither its declared binary "
                             "type nor text", code="uninspectable_upstream_response")
    return PayloadError(f"{where}: base64 that is neither its declared binary type nor "
                        "UTF-8 text", code="unverifiable_binary", field=where)


def _decoded(path: JSONPath, verdict: Verdict, role: str | None,
             embedded: JSONPath | None = None) -> DecodedSlot:
    codec = verdict.codec if verdict.codec is not None else Codec()
    return DecodedSlot(path=path, text=verdict.text, embedded=embedded, role=role, codec=codec)


def _embedded_slots(
    path: JSONPath, raw: str, role: str | None, *, response: bool
) -> list[TextSlot]:
    """One slot per string leaf of a JSON string; the whole string when it is not JSON."""
    try:
        doc = json.loads(raw)
        leaves = list(iter_strings(doc))
    except (ValueError, RecursionError):
        # not JSON, or nested past any sane depth: the whole string is scanned as text
        return [TextSlot(path=path, text=raw, role=role)]
    if any(len(inner) > MAX_DEPTH for inner, _ in leaves):
        return [TextSlot(path=path, text=raw, role=role)]
    out: list[TextSlot] = []
    for inner, text in leaves:
        if not text:
            continue
        verdict = plain(text, None)
        if verdict.kind is Kind.SKIP:
            continue
        if verdict.kind is Kind.REFUSE:
            raise _unverifiable(path, response=response)
        if verdict.kind is Kind.DECODED:
            out.append(_decoded(path, verdict, role, inner))
        else:
            out.append(TextSlot(path=path, text=text, embedded=inner, role=role))
    return out


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
        if isinstance(slot, DecodedSlot):
            text = slot.codec.encode(text)
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
