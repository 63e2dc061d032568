"""Static type checking of rule conditions against the declared CEL environment.

The CEL extension qorgan evaluates with (``common-expression-language``) compiles and runs
expressions but has no checker and takes no declarations, so a misspelt field
(``principal.rolez``) or a type error (``purpose + 1``) compiles and then fails on every
request. This module parses the expression (already accepted by the extension's parser) and
infers its type over :data:`ENVIRONMENT`, the variables the engine provides with their
fields and types; a problem is reported with its offset in the expression.

Types: ``bool``, ``int``, ``uint``, ``double``, ``string``, ``bytes``, ``null``, ``list``
(of an element type), ``map`` (key and value types), a declared object (its fields), and
``dyn`` (anything: unknown functions, values read from a ``dyn``). A nullable declared field
(``purpose``, ``destination.model``) is its base type that may also equal ``null``.
A construct this parser does not know leaves the expression unchecked rather than refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from qorgan.policy.celenv import (
    BOOL,
    BYTES,
    DOUBLE,
    DYN,
    ENVIRONMENT,
    INT,
    NULL,
    NUMERIC,
    STRING,
    UINT,
    T,
)
from qorgan.policy.semantics import suggest


class CheckError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class _Unsupported(Exception):
    """A construct the parser does not know: the expression stays unchecked."""


_STRING = (r"""[rRbB]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\""""
           r"""|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")""")
_NUMBER = (r"0[xX][0-9a-fA-F]+[uU]?|\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?"
           r"|\d+[eE][+-]?\d+|\d+[uU]?")
_TOKEN = re.compile(rf"""
    (?P<ws>\s+)
  | (?P<string>{_STRING})
  | (?P<number>{_NUMBER})
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>!?:.,()\[\]{{}}])
""", re.VERBOSE)

_KEYWORDS = {"true": BOOL, "false": BOOL, "null": NULL}


def _tokens(source: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            raise _Unsupported
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group(), pos))
        pos = m.end()
    out.append(("end", "", len(source)))
    return out


_BINARY = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3, "in": 3,
           "+": 4, "-": 4, "*": 5, "/": 5, "%": 5}
_MACROS = {"exists", "all", "exists_one", "filter", "map"}
_STRING_METHODS = {"startsWith": BOOL, "endsWith": BOOL, "contains": BOOL, "matches": BOOL,
                   "lowerAscii": STRING, "upperAscii": STRING, "trim": STRING}
_CONVERSIONS = {"int": INT, "uint": UINT, "double": DOUBLE, "string": STRING, "bool": BOOL,
                "bytes": BYTES, "dyn": DYN}


class _Checker:
    def __init__(self, source: str, env: Mapping[str, T]) -> None:
        self.toks = _tokens(source)
        self.i = 0
        self.scopes: list[dict[str, T]] = [dict(env)]

    # -- tokens ----------------------------------------------------------------------------

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def take(self, text: str | None = None) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        if text is not None and tok[1] != text:
            raise _Unsupported
        self.i += 1
        return tok

    # -- expressions -----------------------------------------------------------------------

    def expr(self) -> T:
        cond = self.binary(1)
        if self.peek()[1] != "?":
            return cond
        at = self.take("?")[2]
        self.want_bool(cond, at, "the condition of '?:'")
        yes = self.expr()
        self.take(":")
        no = self.expr()
        return _join(yes, no)

    def binary(self, level: int) -> T:
        left = self.unary()
        while True:
            kind, text, at = self.peek()
            prec = _BINARY.get(text) if kind in {"op", "ident"} else None
            if prec is None or prec < level:
                return left
            self.take()
            right = self.binary(prec + 1)
            left = self.apply(text, left, right, at)

    def unary(self) -> T:
        _, text, at = self.peek()
        if text == "!":
            self.take()
            operand = self.unary()
            self.want_bool(operand, at, "'!'")
            return BOOL
        if text == "-":
            self.take()
            operand = self.unary()
            if operand.name not in NUMERIC | {"dyn"}:
                raise CheckError(f"no operator '-' for {operand}", at)
            return operand
        return self.member()

    def member(self) -> T:
        value = self.primary()
        while True:
            text = self.peek()[1]
            if text == ".":
                self.take()
                kind, name, at = self.take()
                if kind != "ident":
                    raise _Unsupported
                if self.peek()[1] == "(":
                    value = self.method(value, name, at)
                else:
                    value = self.select(value, name, at)
            elif text == "[":
                at = self.take()[2]
                index = self.expr()
                self.take("]")
                value = self.index(value, index, at)
            else:
                return value

    def primary(self) -> T:
        kind, text, at = self.take()
        if kind == "number":
            if text.lower().endswith("u") and not text.lower().startswith("0x"):
                return UINT
            return DOUBLE if any(c in text for c in ".eE") and text[:2].lower() != "0x" \
                else INT
        if kind == "string":
            return BYTES if text[:2].lower().replace("r", "").startswith("b") else STRING
        if kind == "ident":
            if text in _KEYWORDS:
                return _KEYWORDS[text]
            if self.peek()[1] == "(":
                return self.call(text, at)
            for scope in reversed(self.scopes):
                if text in scope:
                    return scope[text]
            valid = ", ".join(sorted(self.scopes[0]))
            raise CheckError(f"unknown variable '{text}'{suggest(text, self.scopes[0])}; "
                             f"valid: {valid}", at)
        if text == "(":
            inner = self.expr()
            self.take(")")
            return inner
        if text == "[":
            elems: list[T] = []
            while self.peek()[1] != "]":
                elems.append(self.expr())
                if self.peek()[1] == ",":
                    self.take()
            self.take("]")
            elem = elems[0] if elems else DYN
            for other in elems[1:]:
                elem = _join(elem, other)
            return T("list", elem=elem)
        if text == "{":
            keys: list[T] = []
            values: list[T] = []
            while self.peek()[1] != "}":
                keys.append(self.expr())
                self.take(":")
                values.append(self.expr())
                if self.peek()[1] == ",":
                    self.take()
            self.take("}")
            return T("map", key=keys[0] if keys else DYN, elem=values[0] if values else DYN)
        raise _Unsupported

    def args(self) -> list[T]:
        self.take("(")
        out: list[T] = []
        while self.peek()[1] != ")":
            out.append(self.expr())
            if self.peek()[1] == ",":
                self.take()
        self.take(")")
        return out

    def call(self, name: str, at: int) -> T:
        if name == "has":
            self.take("(")
            self.expr()
            self.take(")")
            return BOOL
        args = self.args()
        if name == "size" and len(args) == 1:
            if args[0].name not in {"string", "bytes", "list", "map", "dyn"}:
                raise CheckError(f"size() of {args[0]}", at)
            return INT
        if name in _CONVERSIONS:
            return _CONVERSIONS[name]
        return DYN

    def method(self, target: T, name: str, at: int) -> T:
        if name in _MACROS and target.name in {"list", "map", "dyn"}:
            self.take("(")
            kind, var, _ = self.take()
            if kind != "ident":
                raise _Unsupported
            self.take(",")
            elem = target.elem if target.name == "list" else (
                target.key if target.name == "map" else DYN)
            self.scopes.append({var: elem or DYN})
            try:
                body_at = self.peek()[2]
                body = self.expr()
            finally:
                self.scopes.pop()
            self.take(")")
            if name in {"exists", "all", "exists_one", "filter"}:
                self.want_bool(body, body_at, f"the predicate of {name}()")
            if name == "filter":
                return T("list", elem=elem)
            if name == "map":
                return T("list", elem=body)
            return BOOL
        args = self.args()
        if name == "size" and not args:
            return INT
        if target.name == "string" and name in _STRING_METHODS:
            for arg in args:
                if arg.name not in {"string", "dyn"}:
                    raise CheckError(f"{name}() takes a string, not {arg}", at)
            return _STRING_METHODS[name]
        if target.name in {"object", "int", "uint", "double", "bool", "null"}:
            raise CheckError(f"no method '{name}' on {target}", at)
        return DYN

    def select(self, target: T, name: str, at: int) -> T:
        if target.name == "object":
            if name not in target.fields:
                valid = ", ".join(target.fields)
                raise CheckError(
                    f"unknown field '{name}' of {target.label}"
                    f"{suggest(name, target.fields)}; valid: {valid}", at)
            return target.fields[name]
        if target.name == "map":
            return target.elem or DYN
        if target.name == "dyn":
            return DYN
        raise CheckError(f"cannot select field '{name}' from {target}", at)  # noqa: S608

    def index(self, target: T, index: T, at: int) -> T:
        if target.name == "list":
            if index.name not in {"int", "uint", "dyn"}:
                raise CheckError(f"a list index is an int, not {index}", at)
            return target.elem or DYN
        if target.name == "map":
            return target.elem or DYN
        if target.name == "dyn":
            return DYN
        raise CheckError(f"cannot index {target}", at)

    # -- operators -------------------------------------------------------------------------

    def want_bool(self, value: T, at: int, what: str) -> None:
        if value.name not in {"bool", "dyn"}:
            raise CheckError(f"{what} needs a bool, not {value}", at)

    def apply(self, op: str, left: T, right: T, at: int) -> T:
        if op in {"&&", "||"}:
            self.want_bool(left, at, f"'{op}'")
            self.want_bool(right, at, f"'{op}'")
            return BOOL
        if "dyn" in {left.name, right.name}:
            return BOOL if op in {"==", "!=", "<", "<=", ">", ">=", "in"} else DYN
        if op in {"==", "!="}:
            if _comparable(left, right):
                return BOOL
            raise CheckError(f"no operator '{op}' for {left} and {right}", at)
        if op in {"<", "<=", ">", ">="}:
            if (left.name in NUMERIC and right.name in NUMERIC) or (
                    left.name == right.name and left.name in {"string", "bytes", "bool"}):
                return BOOL
            raise CheckError(f"no operator '{op}' for {left} and {right}", at)
        if op == "in":
            if right.name == "list" and (right.elem is None or _comparable(left, right.elem)):
                return BOOL
            if right.name == "map" and (right.key is None or _comparable(left, right.key)):
                return BOOL
            raise CheckError(f"no operator 'in' for {left} and {right}", at)
        if op == "+" and left.name == right.name and left.name in {"string", "bytes", "list"}:
            return T(left.name, elem=left.elem)
        if left.name == right.name and left.name in NUMERIC:
            return T(left.name)
        raise CheckError(f"no operator '{op}' for {left} and {right}", at)


def _comparable(a: T, b: T) -> bool:
    if "dyn" in {a.name, b.name}:
        return True
    if "null" in {a.name, b.name}:
        other = b if a.name == "null" else a
        return other.name == "null" or other.nullable or other.name in {"object", "map", "list"}
    if a.name in NUMERIC and b.name in NUMERIC:
        return True
    return a.name == b.name


def _join(a: T, b: T) -> T:
    if a.name == b.name and a.name not in {"list", "map", "object"}:
        return T(a.name, nullable=a.nullable or b.nullable)
    if a == b:
        return a
    if a.name == "null":
        return T(b.name, b.elem, b.key, b.fields, b.label, nullable=True)
    if b.name == "null":
        return T(a.name, a.elem, a.key, a.fields, a.label, nullable=True)
    return DYN


def check(source: str, env: Mapping[str, T] | None = None) -> T | None:
    """The type of ``source`` (a CEL expression the extension compiled), None when it uses a
    construct this checker does not know; ``CheckError`` (with the offset) on a problem."""
    try:
        checker = _Checker(source, ENVIRONMENT if env is None else env)
        result = checker.expr()
        if checker.peek()[0] != "end":
            raise _Unsupported
    except (_Unsupported, IndexError, RecursionError):
        return None
    return result


def check_condition(source: str) -> None:
    """Raise ``CheckError`` unless ``source`` can be a rule condition (a bool)."""
    result = check(source)
    if result is not None and result.name not in {"bool", "dyn"}:
        raise CheckError(f"a condition is a bool, this one is {result}", 0)


__all__ = ["ENVIRONMENT", "CheckError", "T", "check", "check_condition"]
