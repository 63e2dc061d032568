from __future__ import annotations

from typing import Any

import pytest

from qorgan.errors import PayloadError
from qorgan.protocols import ChatAdapter, CompletionsAdapter, EmbeddingsAdapter, apply_slots
from qorgan.types import TextSlot

ARGS = '{"query": "Aliya Omarova", "limit": 5, "filters": {"city": "Almaty"}}'

CHAT_REQUEST: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "stream": True,
    "user": "aliya@example.kz",
    "metadata": {"ticket": "T-1", "customer": "Aliya Omarova"},
    "x_vendor": {"trace_note": "call from Aliya"},
    "reasoning_effort": "low",
    "service_tier": "auto",
    "tool_choice": "auto",
    "response_format": {
        "type": "json_schema",
        "json_schema": {
            "name": "card",
            "schema": {
                "type": "object",
                "properties": {"who": {"type": "string", "description": "person name"}},
                "required": ["who"],
            },
        },
    },
    "messages": [
        {"role": "developer", "content": "You help Kazakhtelecom customers."},
        {
            "role": "user",
            "name": "aliya_o",
            "content": [
                {"type": "text", "text": "My IIN is 901123300258"},
                {
                    "type": "image_url",
                    "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"},
                },
                {"type": "image_url", "image_url": {"url": "https://img.example.kz/aliya.png"}},
                {"type": "input_audio",
                 "input_audio": {"data": "UklGRiQAAABXQVZFZm10IA==", "format": "wav"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_9",
                    "type": "function",
                    "function": {"name": "crm", "arguments": ARGS},
                },
                {
                    "id": "call_10",
                    "type": "function",
                    "function": {"name": "x", "arguments": "oops"},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_9", "content": "Found: +7 701 234 5678"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "crm",
                "description": "Look up a customer",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string", "description": "name or phone"},
                        "limit": {"type": "integer"},
                        "mode": {"type": "string", "enum": ["exact", "fuzzy"]},
                    },
                    "required": ["query"],
                },
            },
        }
    ],
}


def _view(slots: list[TextSlot]) -> set[tuple[Any, ...]]:
    return {(s.path, s.text, s.embedded, s.role) for s in slots}


def test_chat_request_slots_cover_every_text_channel() -> None:
    slots = ChatAdapter().request_slots(CHAT_REQUEST)
    call = ("messages", 2, "tool_calls", 0, "function", "arguments")
    assert _view(slots) == {
        (("user",), "aliya@example.kz", None, None),
        (("metadata", "ticket"), "T-1", None, None),
        (("metadata", "customer"), "Aliya Omarova", None, None),
        (("x_vendor", "trace_note"), "call from Aliya", None, None),
        (
            ("response_format", "json_schema", "schema", "properties", "who", "description"),
            "person name",
            None,
            None,
        ),
        (("messages", 0, "content"), "You help Kazakhtelecom customers.", None, "system"),
        (("messages", 1, "name"), "aliya_o", None, "user"),
        (("messages", 1, "content", 0, "text"), "My IIN is 901123300258", None, "user"),
        (
            ("messages", 1, "content", 2, "image_url", "url"),
            "https://img.example.kz/aliya.png",
            None,
            "user",
        ),
        (call, "Aliya Omarova", ("query",), "assistant"),
        (call, "Almaty", ("filters", "city"), "assistant"),
        (
            ("messages", 2, "tool_calls", 1, "function", "arguments"),
            "oops",
            None,
            "assistant",
        ),
        (("messages", 3, "content"), "Found: +7 701 234 5678", None, "tool"),
        (("tools", 0, "function", "description"), "Look up a customer", None, None),
        (
            ("tools", 0, "function", "parameters", "properties", "query", "description"),
            "name or phone",
            None,
            None,
        ),
        (
            ("tools", 0, "function", "parameters", "properties", "mode", "enum", 0),
            "exact",
            None,
            None,
        ),
        (
            ("tools", 0, "function", "parameters", "properties", "mode", "enum", 1),
            "fuzzy",
            None,
            None,
        ),
    }


@pytest.mark.parametrize(
    "path",
    [
        ("model",),
        ("reasoning_effort",),
        ("service_tier",),
        ("tool_choice",),
        ("response_format", "type"),
        ("response_format", "json_schema", "name"),
        ("messages", 0, "role"),
        ("messages", 1, "content", 0, "type"),
        ("messages", 1, "content", 1, "image_url", "url"),
        ("messages", 1, "content", 1, "image_url", "detail"),
        ("messages", 1, "content", 3, "input_audio", "data"),
        ("messages", 2, "tool_calls", 0, "id"),
        ("messages", 2, "tool_calls", 0, "type"),
        ("messages", 2, "tool_calls", 0, "function", "name"),
        ("messages", 3, "tool_call_id"),
        ("tools", 0, "type"),
        ("tools", 0, "function", "name"),
        ("tools", 0, "function", "parameters", "type"),
        ("tools", 0, "function", "parameters", "required", 0),
        ("tools", 0, "function", "parameters", "properties", "query", "type"),
    ],
)
def test_chat_structural_fields_are_never_slotted(path: tuple[Any, ...]) -> None:
    slots = ChatAdapter().request_slots(CHAT_REQUEST)
    assert all(s.path != path for s in slots)


def test_chat_round_trip_changes_only_the_named_leaves() -> None:
    adapter = ChatAdapter()
    slots = adapter.request_slots(CHAT_REQUEST)
    texts = [s.text.upper() if s.role == "tool" else s.text for s in slots]
    out = apply_slots(CHAT_REQUEST, slots, texts)
    assert out["messages"][3]["content"] == "FOUND: +7 701 234 5678"
    out["messages"][3]["content"] = CHAT_REQUEST["messages"][3]["content"]
    assert out == CHAT_REQUEST


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "$"),
        ({"model": "m"}, "messages"),
        ({"messages": "hi"}, "messages"),
        ({"messages": ["hi"]}, "messages[0]"),
        ({"messages": [{"role": 5, "content": "x"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "text": 7}]}]},
            "messages[0].content[0].text",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": 7}]}]},
            "messages[0].content[0].image_url",
        ),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{"function": {"arguments": {}}}]}]},
            "messages[0].tool_calls[0].function.arguments",
        ),
        ({"messages": [], "tools": {"a": 1}}, "tools"),
        ({"messages": [], "tools": [{"function": {"name": 1}}]}, "tools[0].function.name"),
        ({"messages": [], "metadata": "Aliya"}, "metadata"),
        ({"messages": [], "user": 901123300258}, "user"),
        ({"messages": [], "stream": "yes"}, "stream"),
        ({"messages": [], "model": True}, "model"),
    ],
)
def test_chat_type_errors_name_the_field_never_the_value(body: Any, field: str) -> None:
    with pytest.raises(PayloadError) as info:
        ChatAdapter().request_slots(body)
    assert info.value.message.startswith(f"{field}: expected")
    assert info.value.details["field"] == field
    assert "901123300258" not in info.value.message
    assert "Aliya" not in info.value.message


CHAT_RESPONSE: dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "system_fingerprint": "fp_1",
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": "Hello <PERSON_1>",
                "refusal": None,
                "tool_calls": [
                    {
                        "id": "call_2",
                        "type": "function",
                        "function": {"name": "crm", "arguments": '{"q": "<PERSON_1>"}'},
                    }
                ],
                "annotations": [
                    {"type": "url_citation", "url_citation": {"title": "Aliya's page"}}
                ],
            },
        }
    ],
    "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19},
}


def test_chat_response_slots() -> None:
    adapter = ChatAdapter()
    slots = adapter.response_slots(CHAT_RESPONSE)
    msg = ("choices", 0, "message")
    assert _view(slots) == {
        ((*msg, "content"), "Hello <PERSON_1>", None, "assistant"),
        # model output's tool-call arguments are one JSON text, as a stream delivers them
        ((*msg, "tool_calls", 0, "function", "arguments"), '{"q": "<PERSON_1>"}', None,
         "assistant"),
        ((*msg, "annotations", 0, "url_citation", "title"), "Aliya's page", None, "assistant"),
    }
    assert adapter.usage(CHAT_RESPONSE) == {"input_tokens": 12, "output_tokens": 7}
    assert adapter.model(CHAT_REQUEST) == "gpt-4o-mini"
    assert adapter.is_stream(CHAT_REQUEST) is True
    assert adapter.is_stream({"messages": []}) is False
    assert (adapter.provider, adapter.operation) == ("openai", "chat")


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Write to Aliya", [(("prompt",), "Write to Aliya")]),
        (["a Aliya", "b"], [(("prompt", 0), "a Aliya"), (("prompt", 1), "b")]),
        ([1, 2, 3], []),
        ([[1, 2], [3]], []),
    ],
)
def test_completions_prompt_forms(prompt: Any, expected: list[tuple[Any, str]]) -> None:
    slots = CompletionsAdapter().request_slots(
        {"model": "gpt-3.5-turbo-instruct", "prompt": prompt}
    )
    assert [(s.path, s.text) for s in slots] == expected
    assert all(s.role == "user" for s in slots)


def test_completions_response_and_errors() -> None:
    adapter = CompletionsAdapter()
    body = {
        "id": "cmpl-1",
        "object": "text_completion",
        "model": "m",
        "choices": [{"text": "Dear Aliya", "index": 0, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2},
    }
    assert [(s.path, s.role) for s in adapter.response_slots(body)] == [
        (("choices", 0, "text"), "assistant")
    ]
    assert adapter.operation == "text_completion"
    with pytest.raises(PayloadError, match=r"^prompt\[1\]: expected"):
        adapter.request_slots({"prompt": ["ok", {"x": 1}]})
    with pytest.raises(PayloadError, match=r"^prompt: expected"):
        adapter.request_slots({"prompt": 5})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Aliya Omarova", [(("input",), "Aliya Omarova")]),
        (["x", "Aliya"], [(("input", 0), "x"), (("input", 1), "Aliya")]),
        ([101, 2023], []),
        ([[101, 2023], [7]], []),
    ],
)
def test_embeddings_input_forms(value: Any, expected: list[tuple[Any, str]]) -> None:
    body = {"model": "text-embedding-3-small", "input": value, "encoding_format": "base64"}
    slots = EmbeddingsAdapter().request_slots(body)
    assert [(s.path, s.text) for s in slots] == expected


def test_embeddings_response_has_no_text_and_errors() -> None:
    adapter = EmbeddingsAdapter()
    body = {
        "object": "list",
        "model": "text-embedding-3-small",
        "data": [{"object": "embedding", "index": 0, "embedding": "AAAAPwAAgD8="}],
        "usage": {"prompt_tokens": 4, "total_tokens": 4},
    }
    assert adapter.response_slots(body) == []
    assert adapter.usage(body) == {"input_tokens": 4}
    assert adapter.operation == "embeddings"
    with pytest.raises(PayloadError, match=r"^input: expected"):
        adapter.request_slots({"model": "m"})
    with pytest.raises(PayloadError, match=r"^input\[0\]: expected"):
        adapter.request_slots({"input": [True]})
