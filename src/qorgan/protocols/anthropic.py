"""Anthropic Messages API bodies (``POST /v1/messages``).

``system`` is a string or text blocks; message content is a string or blocks. ``tool_use``
input is a JSON object (not a string), so its string leaves are ordinary slots;
``tool_result`` content is a string or blocks and is read as the tool's voice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from qorgan.protocols.base import (
    JSONAdapter,
    Rule,
    rules,
    schema_rules,
    type_is,
)
from qorgan.protocols.checks import expect_list, expect_object, fail, optional, role_at
from qorgan.protocols.jsonpath import ANY
from qorgan.protocols.openai import check_common
from qorgan.protocols.shapes import (
    ID,
    KEYWORD,
    MIME,
    MODEL,
    NAME,
    OPAQUE,
    binary,
    enum_of,
    media_type_of,
)
from qorgan.types import JSONPath

_TOOL_BLOCKS = ("tool_use", "server_tool_use", "mcp_tool_use")


def _block_rules(block: tuple[str, ...]) -> tuple[Rule, ...]:
    """Structural fields of one content block at ``block`` (and of blocks nested in it)."""
    return (
        *rules((*block, "type"), (*block, "cache_control"), (*block, "cache_control", "type"),
               (*block, "cache_control", "ttl"), (*block, "source", "type"),
               (*block, "citations", ANY, "type"), shape=KEYWORD),
        *rules((*block, "id"), (*block, "tool_use_id"), (*block, "source", "file_id"),
               shape=ID),
        *rules((*block, "signature"), (*block, "encrypted_content"),
               (*block, "encrypted_index"), (*block, "citations", ANY, "encrypted_index"),
               shape=OPAQUE),
        Rule((*block, "name"), NAME, when=type_is(*_TOOL_BLOCKS)),
        Rule((*block, "server_name"), NAME, when=type_is("mcp_tool_use")),
        Rule((*block, "data"), OPAQUE, when=type_is("redacted_thinking")),
        *rules((*block, "source", "media_type"), shape=MIME),
        Rule((*block, "source", "data"), binary(media_type_of), when=type_is("base64")),
    )


_MSG_BLOCK = ("messages", ANY, "content", ANY)


class MessagesAdapter(JSONAdapter):
    name = "anthropic.messages"
    provider = "anthropic"
    operation = "chat"

    request_structural: ClassVar[tuple[Rule, ...]] = (
        *rules(("model",), shape=MODEL),
        *rules(("messages", ANY, "role"), shape=enum_of("user", "assistant")),
        *rules(("service_tier",), shape=enum_of("auto", "standard_only")),
        *rules(("thinking", "type"), shape=enum_of("enabled", "disabled")),
        *rules(("tool_choice", "type"), shape=enum_of("auto", "any", "tool", "none")),
        *rules(("tools", ANY, "type"), ("tools", ANY, "cache_control", "type"),
               ("tools", ANY, "cache_control", "ttl"), ("mcp_servers", ANY, "type"),
               shape=KEYWORD),
        *rules(("tool_choice", "name"), ("tools", ANY, "name"), ("mcp_servers", ANY, "name"),
               shape=NAME),
        *_block_rules(_MSG_BLOCK),
        *_block_rules((*_MSG_BLOCK, "content", ANY)),
        *_block_rules(("system", ANY)),
        *schema_rules(("tools", ANY, "input_schema")),
    )
    response_structural: ClassVar[tuple[Rule, ...]] = (
        *rules(("id",), ("container", "id"), shape=ID),
        *rules(("type",), ("stop_reason",), ("usage", "service_tier"), shape=KEYWORD),
        *rules(("role",), shape=enum_of("assistant")),
        *rules(("model",), shape=MODEL),
        *_block_rules(("content", ANY)),
        *_block_rules(("content", ANY, "content", ANY)),
    )

    def validate(self, body: Any) -> None:
        body = check_common(body)
        system = body.get("system")
        if system is not None and not isinstance(system, str):
            self._check_blocks(system, ("system",))
        if "messages" not in body:
            raise fail(("messages",), "an array")
        for index, message in enumerate(expect_list(body["messages"], ("messages",))):
            where: JSONPath = ("messages", index)
            message = expect_object(message, where)
            optional(message, "role", where, str, expected="a string")
            content = message.get("content")
            if not isinstance(content, str):
                self._check_blocks(content, (*where, "content"))
        tools = optional(body, "tools", (), list, expected="an array")
        for index, tool in enumerate(tools or ()):
            tool = expect_object(tool, ("tools", index))
            optional(tool, "name", ("tools", index), str, expected="a string")
            optional(tool, "description", ("tools", index), str, expected="a string")
            optional(tool, "input_schema", ("tools", index), Mapping, expected="an object")

    def validate_response(self, body: Any) -> None:
        body = expect_object(body, ())
        content = body.get("content")
        if content is not None:
            self._check_blocks(content, ("content",))

    @classmethod
    def _check_blocks(cls, value: Any, path: JSONPath) -> None:
        for index, block in enumerate(expect_list(value, path)):
            where = (*path, index)
            block = expect_object(block, where)
            kind = optional(block, "type", where, str, expected="a string")
            optional(block, "text", where, str, expected="a string")
            if kind in ("tool_use", "server_tool_use"):
                optional(block, "input", where, Mapping, expected="an object")
            if kind == "tool_result":
                inner = block.get("content")
                if inner is not None and not isinstance(inner, str):
                    cls._check_blocks(inner, (*where, "content"))

    def request_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        if path[:1] == ("system",):
            return "system"
        if len(path) >= 2 and path[0] == "messages":
            if len(path) >= 4 and _block_type(body, path) == "tool_result":
                return "tool"
            return role_at(body, "messages", path[1])
        return None

    def response_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        return "assistant" if path[:1] == ("content",) else None


def _block_type(body: Mapping[str, Any], path: JSONPath) -> str | None:
    messages = body.get("messages")
    try:
        block = messages[path[1]]["content"][path[3]]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None
    kind = block.get("type") if isinstance(block, Mapping) else None
    return kind if isinstance(kind, str) else None
