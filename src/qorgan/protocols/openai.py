"""OpenAI Chat Completions, legacy Completions and Embeddings bodies.

The Responses API lives in ``openai_responses.py``. Structural lists are explicit and
tested: anything not listed here is scanned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from qorgan.protocols.base import (
    JSONAdapter,
    Rule,
    rules,
    schema_rules,
)
from qorgan.protocols.checks import expect_list, expect_object, fail, optional, role_at
from qorgan.protocols.jsonpath import ANY, Pattern, only_token_ids
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

M = ("messages", ANY)
PART = (*M, "content", ANY)
CALL = (*M, "tool_calls", ANY)

SERVICE_TIERS = enum_of("auto", "default", "flex", "scale", "priority")
EFFORTS = enum_of("none", "minimal", "low", "medium", "high", "xhigh")
LEVELS = enum_of("low", "medium", "high")
VOICES = enum_of("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage",
                 "shimmer", "verse", "marin", "cedar")
AUDIO_OUT = enum_of("wav", "aac", "mp3", "flac", "opus", "pcm16")
DETAIL = enum_of("auto", "low", "high")
CHAT_ROLES = enum_of("system", "developer", "user", "assistant", "tool", "function")

_COMMON_REQUEST: tuple[Rule, ...] = (
    *rules(("model",), shape=MODEL),
    *rules(("service_tier",), shape=SERVICE_TIERS),
    *rules(("reasoning_effort",), shape=EFFORTS),
    *rules(("verbosity",), shape=LEVELS),
    *rules(("modalities", ANY), shape=enum_of("text", "audio")),
    *rules(("audio", "voice"), shape=VOICES),
    *rules(("audio", "voice", "id"), shape=ID),
    *rules(("audio", "format"), shape=AUDIO_OUT),
)

_CHAT_COMMON_RESPONSE: tuple[Rule, ...] = (
    *rules(("id",), ("system_fingerprint",), shape=ID),
    *rules(("object",), ("choices", ANY, "finish_reason"), shape=KEYWORD),
    *rules(("model",), shape=MODEL),
    *rules(("service_tier",), shape=SERVICE_TIERS),
)


def _check_tokens(value: Any, path: JSONPath) -> None:
    """A prompt/input that may be text, texts, token ids or lists of token ids."""
    if isinstance(value, str):
        return
    items = expect_list(value, path)
    for index, item in enumerate(items):
        if isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
            continue
        if isinstance(item, list) and (only_token_ids(item) or all(
            isinstance(t, int) and not isinstance(t, bool) for t in item
        )):
            continue
        raise fail((*path, index), "a string, a token id or an array of token ids")


def check_content_parts(content: Any, path: JSONPath) -> None:
    """Message content: a string or an array of typed parts (text parts carry a string)."""
    if content is None or isinstance(content, str):
        return
    for index, part in enumerate(expect_list(content, path)):
        where = (*path, index)
        part = expect_object(part, where)
        optional(part, "type", where, str, expected="a string")
        optional(part, "text", where, str, expected="a string")
        # Chat nests the URL in an object; the Responses API gives it as a string
        image = optional(part, "image_url", where, Mapping, str, expected="an object or a string")
        if isinstance(image, Mapping):
            optional(image, "url", (*where, "image_url"), str, expected="a string")


def check_tools(body: Mapping[str, Any], nested: bool) -> None:
    """``tools``: objects with a name and a schema (nested under ``function`` for Chat)."""
    tools = optional(body, "tools", (), list, expected="an array")
    for index, tool in enumerate(tools or ()):
        where: JSONPath = ("tools", index)
        tool = expect_object(tool, where)
        optional(tool, "type", where, str, expected="a string")
        spec = tool
        if nested:
            spec = optional(tool, "function", where, Mapping, expected="an object") or {}
            where = (*where, "function")
        optional(spec, "name", where, str, expected="a string")
        optional(spec, "description", where, str, expected="a string")
        optional(spec, "parameters", where, Mapping, expected="an object")


def check_common(raw: Any) -> Mapping[str, Any]:
    body = expect_object(raw, ())
    optional(body, "model", (), str, expected="a string")
    optional(body, "stream", (), bool, expected="a boolean")
    optional(body, "user", (), str, expected="a string")
    optional(body, "metadata", (), Mapping, expected="an object")
    return body


class ChatAdapter(JSONAdapter):
    name = "openai.chat"
    provider = "openai"
    operation = "chat"

    request_structural: ClassVar[tuple[Rule, ...]] = (
        *_COMMON_REQUEST,
        *rules((*M, "role"), shape=CHAT_ROLES),
        *rules((*M, "tool_call_id"), (*M, "audio", "id"), (*PART, "file", "file_id"),
               (*CALL, "id"), shape=ID),
        *rules((*PART, "type"), (*CALL, "type"), ("tools", ANY, "type"), ("tool_choice", "type"),
               ("response_format", "type"), ("prediction", "type"),
               ("web_search_options", "user_location", "type"), shape=KEYWORD),
        *rules((*PART, "image_url", "detail"), shape=DETAIL),
        *rules((*PART, "input_audio", "data"), shape=binary(audio_format_of)),
        *rules((*PART, "input_audio", "format"), shape=enum_of("wav", "mp3")),
        *rules((*PART, "file", "file_data"), shape=binary()),
        *rules((*CALL, "function", "name"), (*M, "function_call", "name"),
               ("tools", ANY, "function", "name"), ("tool_choice", "function", "name"),
               ("function_call", "name"), ("functions", ANY, "name"),
               ("response_format", "json_schema", "name"), shape=NAME),
        *rules(("tool_choice",), shape=enum_of("none", "auto", "required")),
        *rules(("function_call",), shape=enum_of("none", "auto")),
        *rules(("web_search_options", "search_context_size"), shape=LEVELS),
        *schema_rules(("tools", ANY, "function", "parameters")),
        *schema_rules(("functions", ANY, "parameters")),
        *schema_rules(("response_format", "json_schema", "schema")),
    )
    request_embedded: ClassVar[tuple[Pattern, ...]] = (
        (*CALL, "function", "arguments"),
        (*M, "function_call", "arguments"),
    )
    response_structural: ClassVar[tuple[Rule, ...]] = (
        *_CHAT_COMMON_RESPONSE,
        *rules(("choices", ANY, "message", "role"), shape=CHAT_ROLES),
        *rules(("choices", ANY, "message", "tool_calls", ANY, "id"),
               ("choices", ANY, "message", "audio", "id"), shape=ID),
        *rules(("choices", ANY, "message", "tool_calls", ANY, "type"),
               ("choices", ANY, "message", "annotations", ANY, "type"), shape=KEYWORD),
        *rules(("choices", ANY, "message", "tool_calls", ANY, "function", "name"),
               ("choices", ANY, "message", "function_call", "name"), shape=NAME),
        *rules(("choices", ANY, "message", "audio", "data"), shape=OPAQUE),
    )
    response_embedded: ClassVar[tuple[Pattern, ...]] = (
        ("choices", ANY, "message", "tool_calls", ANY, "function", "arguments"),
        ("choices", ANY, "message", "function_call", "arguments"),
    )
    #: token log-probabilities spell the raw output token by token: they cannot be
    #: restored or scanned consistently with the text, so they never reach the client
    response_dropped: ClassVar[tuple[tuple[Pattern, Any], ...]] = (
        (("choices", ANY, "logprobs"), None),
    )

    def validate(self, body: Any) -> None:
        body = check_common(body)
        if "messages" not in body:
            raise fail(("messages",), "an array")
        for index, message in enumerate(expect_list(body["messages"], ("messages",))):
            where: JSONPath = ("messages", index)
            message = expect_object(message, where)
            optional(message, "role", where, str, expected="a string")
            optional(message, "name", where, str, expected="a string")
            check_content_parts(message.get("content"), (*where, "content"))
            calls = optional(message, "tool_calls", where, list, expected="an array")
            for c, call in enumerate(calls or ()):
                at = (*where, "tool_calls", c)
                call = expect_object(call, at)
                fn = optional(call, "function", at, Mapping, expected="an object") or {}
                optional(fn, "name", (*at, "function"), str, expected="a string")
                optional(fn, "arguments", (*at, "function"), str, expected="a string")
        check_tools(body, nested=True)

    def validate_response(self, body: Any) -> None:
        body = expect_object(body, ())
        choices = optional(body, "choices", (), list, expected="an array")
        for index, choice in enumerate(choices or ()):
            where: JSONPath = ("choices", index)
            choice = expect_object(choice, where)
            message = optional(choice, "message", where, Mapping, expected="an object")
            if message is not None:
                optional(message, "content", (*where, "message"), str, list, expected="a string")

    def request_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        if len(path) >= 2 and path[0] == "messages":
            return role_at(body, "messages", path[1])
        return None

    def response_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        return "assistant" if path and path[0] == "choices" else None


class CompletionsAdapter(JSONAdapter):
    name = "openai.completions"
    provider = "openai"
    operation = "text_completion"

    request_structural: ClassVar[tuple[Rule, ...]] = _COMMON_REQUEST
    response_structural: ClassVar[tuple[Rule, ...]] = _CHAT_COMMON_RESPONSE
    response_dropped: ClassVar[tuple[tuple[Pattern, Any], ...]] = (
        (("choices", ANY, "logprobs"), None),
    )

    def validate(self, body: Any) -> None:
        body = check_common(body)
        if body.get("prompt") is not None:
            _check_tokens(body["prompt"], ("prompt",))
        optional(body, "suffix", (), str, expected="a string")

    def validate_response(self, body: Any) -> None:
        body = expect_object(body, ())
        choices = optional(body, "choices", (), list, expected="an array")
        for index, choice in enumerate(choices or ()):
            choice = expect_object(choice, ("choices", index))
            optional(choice, "text", ("choices", index), str, expected="a string")

    def request_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        return "user" if path and path[0] in ("prompt", "suffix") else None

    def response_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        return "assistant" if path and path[0] == "choices" else None


class EmbeddingsAdapter(JSONAdapter):
    name = "openai.embeddings"
    provider = "openai"
    operation = "embeddings"

    request_structural: ClassVar[tuple[Rule, ...]] = (
        *_COMMON_REQUEST,
        *rules(("encoding_format",), shape=enum_of("float", "base64")),
    )
    response_structural: ClassVar[tuple[Rule, ...]] = (
        *rules(("object",), ("data", ANY, "object"), shape=KEYWORD),
        *rules(("model",), shape=MODEL),
        # base64-encoded vectors are numbers, not text
        *rules(("data", ANY, "embedding"), shape=OPAQUE),
    )

    def validate(self, body: Any) -> None:
        body = check_common(body)
        if "input" not in body:
            raise fail(("input",), "a string or an array")
        _check_tokens(body["input"], ("input",))

    def validate_response(self, body: Any) -> None:
        body = expect_object(body, ())
        optional(body, "data", (), list, expected="an array")

    def request_role(self, body: Mapping[str, Any], path: JSONPath) -> str | None:
        return "user" if path and path[0] == "input" else None


__all__ = [
    "ChatAdapter",
    "CompletionsAdapter",
    "EmbeddingsAdapter",
    "check_common",
    "check_content_parts",
    "check_tools",
]
