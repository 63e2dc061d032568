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
    rules,
    schema_rules,
    type_is,
)
from qorgan.protocols.checks import expect_list, expect_object, fail, optional
from qorgan.protocols.jsonpath import ANY, Pattern
from qorgan.protocols.openai import (
    DETAIL,
    EFFORTS,
    LEVELS,
    SERVICE_TIERS,
    check_common,
    check_content_parts,
    check_tools,
)
from qorgan.protocols.shapes import (
    ID,
    KEYWORD,
    MODEL,
    NAME,
    OPAQUE,
    audio_format_of,
    binary,
    enum_of,
)
from qorgan.types import JSONPath

_TOOL_ITEMS = ("function_call", "custom_tool_call", "mcp_call", "mcp_list_tools")
_TOOL_OUTPUTS = ("function_call_output", "custom_tool_call_output", "mcp_approval_response")

ITEM_ROLES = enum_of("system", "developer", "user", "assistant")
STATUSES = enum_of("in_progress", "completed", "incomplete", "failed", "searching",
                   "generating", "interpreting", "cancelled", "queued")
INCLUDES = enum_of(
    "file_search_call.results", "web_search_call.results", "web_search_call.action.sources",
    "message.input_image.image_url", "computer_call_output.output.image_url",
    "code_interpreter_call.outputs", "reasoning.encrypted_content",
    "message.output_text.logprobs",
)


def _part_rules(part: tuple[str, ...]) -> tuple[Rule, ...]:
    return (
        *rules((*part, "type"), (*part, "format"), (*part, "annotations", ANY, "type"),
               shape=KEYWORD),
        *rules((*part, "detail"), shape=DETAIL),
        *rules((*part, "file_id"), (*part, "annotations", ANY, "file_id"), shape=ID),
        *rules((*part, "file_data"), shape=binary()),
        *rules((*part, "data"), shape=binary(audio_format_of)),
        *rules((*part, "input_audio", "data"), shape=binary(audio_format_of)),
        *rules((*part, "input_audio", "format"), shape=KEYWORD),
    )


def _item_rules(root: str) -> tuple[Rule, ...]:
    item = (root, ANY)
    return (
        *rules((*item, "role"), shape=ITEM_ROLES),
        *rules((*item, "type"), (*item, "summary", ANY, "type"), shape=KEYWORD),
        *rules((*item, "id"), (*item, "call_id"), shape=ID),
        *rules((*item, "status"), shape=STATUSES),
        *rules((*item, "encrypted_content"), shape=OPAQUE),
        Rule((*item, "name"), NAME, when=type_is(*_TOOL_ITEMS)),
        Rule((*item, "server_label"), NAME, when=type_is(*_TOOL_ITEMS)),
        *_part_rules((*item, "content", ANY)),
        # a tool output may be a list of parts as well as a string
        *_part_rules((*item, "output", ANY)),
    )


def _tool_rules(prefix: tuple[str, ...]) -> tuple[Rule, ...]:
    return (
        *rules((*prefix, "tools", ANY, "type"), (*prefix, "tool_choice", "type"),
               (*prefix, "text", "format", "type"), shape=KEYWORD),
        *rules((*prefix, "tools", ANY, "name"), (*prefix, "tool_choice", "name"),
               (*prefix, "text", "format", "name"), shape=NAME),
        *rules((*prefix, "tool_choice"), shape=enum_of("none", "auto", "required")),
        *rules((*prefix, "text", "verbosity"), shape=LEVELS),
        *rules((*prefix, "reasoning", "effort"), shape=EFFORTS),
        *rules((*prefix, "reasoning", "summary"), shape=enum_of("auto", "concise", "detailed")),
        *rules((*prefix, "previous_response_id"), (*prefix, "conversation"),
               (*prefix, "conversation", "id"), (*prefix, "prompt", "id"), shape=ID),
        *rules((*prefix, "prompt", "version"), shape=KEYWORD),
        *rules((*prefix, "service_tier"), shape=SERVICE_TIERS),
        *rules((*prefix, "truncation"), shape=enum_of("auto", "disabled")),
        *rules((*prefix, "include", ANY), shape=INCLUDES),
        *schema_rules((*prefix, "tools", ANY, "parameters")),
        *schema_rules((*prefix, "text", "format", "schema")),
    )


class ResponsesAdapter(JSONAdapter):
    name = "openai.responses"
    provider = "openai"
    operation = "chat"

    request_structural: ClassVar[tuple[Rule, ...]] = (
        *rules(("model",), shape=MODEL),
        *_item_rules("input"),
        *_tool_rules(()),
    )
    request_embedded: ClassVar[tuple[Pattern, ...]] = (("input", ANY, "arguments"),)
    response_structural: ClassVar[tuple[Rule, ...]] = (
        *rules(("id",), shape=ID),
        *rules(("model",), shape=MODEL),
        *rules(("status",), shape=STATUSES),
        *rules(("object",), ("incomplete_details", "reason"), ("error", "code"),
               shape=KEYWORD),
        *_item_rules("output"),
        *_tool_rules(()),
    )
    response_embedded: ClassVar[tuple[Pattern, ...]] = (("output", ANY, "arguments"),)
    response_dropped: ClassVar[tuple[tuple[Pattern, Any], ...]] = (
        (("output", ANY, "content", ANY, "logprobs"), []),
    )

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
