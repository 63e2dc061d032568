"""OpenAI Responses API bodies (``POST /responses``).

``input`` is a string or a list of items: messages (content a string or typed parts),
function calls (``arguments`` is a JSON string), function call outputs, reasoning items.
``instructions`` is the system prompt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from qorgan.protocols.base import (
    JSONAdapter,
    Rule,
    expect_list,
    expect_object,
    fail,
    optional,
    rules,
    schema_rules,
    type_is,
)
from qorgan.protocols.jsonpath import ANY, Pattern
from qorgan.protocols.openai import check_common, check_content_parts, check_tools
from qorgan.types import JSONPath

_ITEM_STRUCTURAL = ("role", "type", "id", "call_id", "status", "encrypted_content")
_TOOL_ITEMS = ("function_call", "custom_tool_call", "mcp_call", "mcp_list_tools")
_TOOL_OUTPUTS = ("function_call_output", "custom_tool_call_output", "mcp_approval_response")


def _part_rules(part: tuple[str, ...]) -> tuple[Rule, ...]:
    return rules(
        (*part, "type"),
        (*part, "detail"),
        (*part, "file_id"),
        (*part, "file_data"),
        (*part, "format"),
        (*part, "data"),
        (*part, "annotations", ANY, "type"),
        (*part, "annotations", ANY, "file_id"),
    )


def _item_rules(root: str) -> tuple[Rule, ...]:
    item = (root, ANY)
    return (
        *rules(*((*item, key) for key in _ITEM_STRUCTURAL)),
        Rule((*item, "name"), when=type_is(*_TOOL_ITEMS)),
        Rule((*item, "server_label"), when=type_is(*_TOOL_ITEMS)),
        *rules((*item, "summary", ANY, "type")),
        *_part_rules((*item, "content", ANY)),
        # a tool output may be a list of parts as well as a string
        *_part_rules((*item, "output", ANY)),
    )


def _tool_rules(prefix: tuple[str, ...]) -> tuple[Rule, ...]:
    return (
        *rules(
            (*prefix, "tools", ANY, "type"),
            (*prefix, "tools", ANY, "name"),
            (*prefix, "tool_choice"),
            (*prefix, "tool_choice", "type"),
            (*prefix, "tool_choice", "name"),
            (*prefix, "text", "format", "type"),
            (*prefix, "text", "format", "name"),
            (*prefix, "text", "verbosity"),
            (*prefix, "reasoning", "effort"),
            (*prefix, "reasoning", "summary"),
            (*prefix, "previous_response_id"),
            (*prefix, "conversation"),
            (*prefix, "conversation", "id"),
            (*prefix, "service_tier"),
            (*prefix, "truncation"),
            (*prefix, "prompt", "id"),
            (*prefix, "prompt", "version"),
            (*prefix, "include", ANY),
        ),
        *schema_rules((*prefix, "tools", ANY, "parameters")),
        *schema_rules((*prefix, "text", "format", "schema")),
    )


class ResponsesAdapter(JSONAdapter):
    name = "openai.responses"
    provider = "openai"
    operation = "chat"

    request_structural: ClassVar[tuple[Rule, ...]] = (
        *rules(("model",)),
        *_item_rules("input"),
        *_tool_rules(()),
    )
    request_embedded: ClassVar[tuple[Pattern, ...]] = (("input", ANY, "arguments"),)
    response_structural: ClassVar[tuple[Rule, ...]] = (
        *rules(("id",), ("object",), ("model",), ("status",), ("incomplete_details", "reason")),
        *rules(("error", "code")),
        *_item_rules("output"),
        *_tool_rules(()),
    )
    response_embedded: ClassVar[tuple[Pattern, ...]] = (("output", ANY, "arguments"),)

    def validate(self, body: Any) -> None:
        body = check_common(body)
        optional(body, "instructions", (), str, expected="a string")
        value = body.get("input")
        if value is not None and not isinstance(value, str):
            self._check_items(value, "input")
        check_tools(body, nested=False)

    def validate_response(self, body: Any) -> None:
        body = expect_object(body, ())
        if body.get("output") is not None:
            self._check_items(body["output"], "output")

    @staticmethod
    def _check_items(value: Any, root: str) -> None:
        for index, item in enumerate(expect_list(value, (root,))):
            where: JSONPath = (root, index)
            item = expect_object(item, where)
            optional(item, "type", where, str, expected="a string")
            optional(item, "role", where, str, expected="a string")
            optional(item, "arguments", where, str, expected="a string")
            content = item.get("content")
            if content is not None and not isinstance(content, str | list):
                raise fail((*where, "content"), "a string or an array")
            check_content_parts(content, (*where, "content"))

    def request_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        if path[:1] == ("instructions",):
            return "system"
        if path[:1] == ("input",):
            if len(path) == 1:
                return "user"
            return _item_role(body.get("input"), path[1])
        return None

    def response_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        if path[:1] == ("output",):
            return _item_role(body.get("output"), path[1] if len(path) > 1 else None) or (
                "assistant"
            )
        if path[:1] == ("instructions",):
            return "system"
        return None


def _item_role(items: Any, index: Any) -> str | None:
    if not isinstance(items, list) or not isinstance(index, int) or index >= len(items):
        return None
    item = items[index]
    if not isinstance(item, Mapping):
        return None
    kind, role = item.get("type"), item.get("role")
    if kind in _TOOL_OUTPUTS:
        return "tool"
    if kind in _TOOL_ITEMS or kind == "reasoning":
        return "assistant"
    if role in ("system", "developer"):
        return "system"
    return role if role in ("user", "assistant") else None
