from __future__ import annotations

from typing import Any

import pytest

from qorgan.errors import PayloadError
from qorgan.protocols import MessagesAdapter, apply_slots
from qorgan.types import TextSlot


def _view(slots: list[TextSlot]) -> set[tuple[Any, ...]]:
    return {(s.path, s.text, s.embedded, s.role) for s in slots}


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        ("Help Aliya", {(("system",), "Help Aliya", None, "system")}),
        (
            [
                {"type": "text", "text": "Help Aliya", "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": "Be kind"},
            ],
            {
                (("system", 0, "text"), "Help Aliya", None, "system"),
                (("system", 1, "text"), "Be kind", None, "system"),
            },
        ),
    ],
)
def test_system_string_or_blocks(system: Any, expected: set[tuple[Any, ...]]) -> None:
    body = {"model": "claude-sonnet-4-5", "max_tokens": 64, "system": system, "messages": []}
    assert _view(MessagesAdapter().request_slots(body)) == expected


REQUEST: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 1024,
    "metadata": {"user_id": "aliya-omarova"},
    "stop_sequences": ["Aliya:"],
    "thinking": {"type": "enabled", "budget_tokens": 1024},
    "tool_choice": {"type": "tool", "name": "crm"},
    "tools": [
        {
            "name": "crm",
            "description": "Find a customer",
            "input_schema": {
                "type": "object",
                "properties": {"who": {"type": "string", "description": "full name"}},
                "required": ["who"],
            },
        }
    ],
    "messages": [
        {"role": "user", "content": "My IIN is 901123300258"},
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "Aliya wants a lookup", "signature": "EqQBCgIYAh"},
                {"type": "redacted_thinking",
                 "data": "gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp+goaKjpKWmp6ipqqusra6v"},
                {"type": "text", "text": "Looking up Aliya"},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "crm",
                    "input": {"who": "Aliya Omarova", "tags": ["vip"], "n": 1},
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_1",
                    "content": "Aliya: +7 701 234 5678",
                },
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_2",
                    "is_error": False,
                    "content": [
                        {"type": "text", "text": "IBAN KZ86125KZT5004100100"},
                        {
                            "type": "image",
                            "source": {
                                "type": "base64",
                                "media_type": "image/png",
                                "data": "iVBORw0KGgo=",
                            },
                        },
                    ],
                },
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"},
                },
                {
                    "type": "document",
                    "source": {
                        "type": "text",
                        "media_type": "text/plain",
                        "data": "Contract with Aliya",
                    },
                },
                {"type": "text", "text": "Thanks", "cache_control": {"type": "ephemeral"}},
            ],
        },
    ],
}


def test_request_slots_cover_every_text_channel() -> None:
    slots = MessagesAdapter().request_slots(REQUEST)
    tu = ("messages", 1, "content", 3, "input")
    assert _view(slots) == {
        (("metadata", "user_id"), "aliya-omarova", None, None),
        (("stop_sequences", 0), "Aliya:", None, None),
        (("tools", 0, "description"), "Find a customer", None, None),
        (("tools", 0, "input_schema", "properties", "who", "description"), "full name", None, None),
        (("messages", 0, "content"), "My IIN is 901123300258", None, "user"),
        (("messages", 1, "content", 0, "thinking"), "Aliya wants a lookup", None, "assistant"),
        (("messages", 1, "content", 2, "text"), "Looking up Aliya", None, "assistant"),
        ((*tu, "who"), "Aliya Omarova", None, "assistant"),
        ((*tu, "tags", 0), "vip", None, "assistant"),
        (("messages", 2, "content", 0, "content"), "Aliya: +7 701 234 5678", None, "tool"),
        (
            ("messages", 2, "content", 1, "content", 0, "text"),
            "IBAN KZ86125KZT5004100100",
            None,
            "tool",
        ),
        (("messages", 2, "content", 3, "source", "data"), "Contract with Aliya", None, "user"),
        (("messages", 2, "content", 4, "text"), "Thanks", None, "user"),
    }


@pytest.mark.parametrize(
    "path",
    [
        ("model",),
        ("thinking", "type"),
        ("tool_choice", "type"),
        ("tool_choice", "name"),
        ("tools", 0, "name"),
        ("tools", 0, "input_schema", "type"),
        ("tools", 0, "input_schema", "required", 0),
        ("messages", 0, "role"),
        ("messages", 1, "content", 0, "signature"),
        ("messages", 1, "content", 1, "data"),
        ("messages", 1, "content", 3, "id"),
        ("messages", 1, "content", 3, "name"),
        ("messages", 2, "content", 0, "tool_use_id"),
        ("messages", 2, "content", 1, "content", 1, "source", "data"),
        ("messages", 2, "content", 2, "source", "data"),
        ("messages", 2, "content", 2, "source", "media_type"),
        ("messages", 2, "content", 4, "cache_control", "type"),
    ],
)
def test_structural_fields_are_never_slotted(path: tuple[Any, ...]) -> None:
    assert all(s.path != path for s in MessagesAdapter().request_slots(REQUEST))


def test_tool_use_input_round_trip() -> None:
    adapter = MessagesAdapter()
    slots = adapter.request_slots(REQUEST)
    texts = [s.text.replace("Aliya Omarova", "<PERSON_1>") for s in slots]
    out = apply_slots(REQUEST, slots, texts)
    assert out["messages"][1]["content"][3]["input"] == {
        "who": "<PERSON_1>",
        "tags": ["vip"],
        "n": 1,
    }
    assert REQUEST["messages"][1]["content"][3]["input"]["who"] == "Aliya Omarova"


def test_response_slots_and_usage() -> None:
    body = {
        "id": "msg_01",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "content": [
            {
                "type": "text",
                "text": "Hello <PERSON_1>",
                "citations": [{"type": "char_location", "cited_text": "Aliya"}],
            },
            {"type": "tool_use", "id": "toolu_9", "name": "crm", "input": {"who": "<PERSON_1>"}},
        ],
        "usage": {"input_tokens": 40, "output_tokens": 12, "cache_read_input_tokens": 0},
    }
    adapter = MessagesAdapter()
    assert _view(adapter.response_slots(body)) == {
        (("content", 0, "text"), "Hello <PERSON_1>", None, "assistant"),
        (("content", 0, "citations", 0, "cited_text"), "Aliya", None, "assistant"),
        (("content", 1, "input", "who"), "<PERSON_1>", None, "assistant"),
    }
    assert adapter.usage(body) == {"input_tokens": 40, "output_tokens": 12}
    assert (adapter.name, adapter.provider, adapter.operation) == (
        "anthropic.messages",
        "anthropic",
        "chat",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"system": "x"}, "messages"),
        ({"messages": {}}, "messages"),
        ({"system": 5, "messages": []}, "system"),
        ({"system": [{"type": "text", "text": 5}], "messages": []}, "system[0].text"),
        ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": [{"type": 1}]}]}, "messages[0].content[0].type"),
        (
            {"messages": [{"role": "assistant", "content": [{"type": "tool_use", "input": "x"}]}]},
            "messages[0].content[0].input",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "tool_result", "content": 3}]}]},
            "messages[0].content[0].content",
        ),
        ({"messages": [], "tools": [{"input_schema": []}]}, "tools[0].input_schema"),
    ],
)
def test_type_errors_name_the_field(body: Any, field: str) -> None:
    with pytest.raises(PayloadError) as info:
        MessagesAdapter().request_slots(body)
    assert info.value.message.startswith(f"{field}: expected")


def test_server_tool_results_keep_opaque_fields() -> None:
    body = {
        "messages": [
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "web_search_tool_result",
                        "tool_use_id": "srvtoolu_1",
                        "content": [
                            {
                                "type": "web_search_result",
                                "url": "https://example.kz/aliya",
                                "title": "Aliya Omarova",
                                "encrypted_content": "EqgfCioIARgBIiQ3",
                            }
                        ],
                    }
                ],
            }
        ]
    }
    slots = MessagesAdapter().request_slots(body)
    block = ("messages", 0, "content", 0, "content", 0)
    assert _view(slots) == {
        ((*block, "url"), "https://example.kz/aliya", None, "assistant"),
        ((*block, "title"), "Aliya Omarova", None, "assistant"),
    }
