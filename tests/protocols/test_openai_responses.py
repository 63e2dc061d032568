from __future__ import annotations

import json
from typing import Any

import pytest

from qorgan.errors import PayloadError
from qorgan.protocols import ResponsesAdapter, apply_slots
from qorgan.types import TextSlot


def _view(slots: list[TextSlot]) -> set[tuple[Any, ...]]:
    return {(s.path, s.text, s.embedded, s.role) for s in slots}


def test_string_input_and_instructions() -> None:
    body = {"model": "gpt-5", "instructions": "Address Aliya politely", "input": "Hi, I'm Aliya"}
    slots = ResponsesAdapter().request_slots(body)
    assert _view(slots) == {
        (("instructions",), "Address Aliya politely", None, "system"),
        (("input",), "Hi, I'm Aliya", None, "user"),
    }


REQUEST: dict[str, Any] = {
    "model": "gpt-5",
    "previous_response_id": "resp_1",
    "store": False,
    "reasoning": {"effort": "minimal", "summary": "auto"},
    "text": {"format": {"type": "text"}, "verbosity": "low"},
    "include": ["reasoning.encrypted_content"],
    "metadata": {"agent": "Aliya's helpdesk"},
    "input": [
        {"role": "developer", "content": "Be brief"},
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Phone +7 701 234 5678"},
                {
                    "type": "input_image",
                    "image_url": "data:image/jpeg;base64,/9j/4AAQ",
                    "detail": "auto",
                },
                {"type": "input_file", "file_id": "file-abc"},
            ],
        },
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [{"type": "summary_text", "text": "Aliya asks"}],
            "encrypted_content": "gAAAAB",
        },
        {
            "type": "function_call",
            "id": "fc_1",
            "call_id": "call_1",
            "name": "crm",
            "arguments": '{"who": "Aliya"}',
            "status": "completed",
        },
        {"type": "function_call_output", "call_id": "call_1", "output": "Aliya, 901123300258"},
        {
            "type": "message",
            "role": "assistant",
            "id": "msg_1",
            "status": "completed",
            "content": [{"type": "output_text", "text": "Done, Aliya", "annotations": []}],
        },
    ],
    "tools": [
        {
            "type": "function",
            "name": "crm",
            "description": "CRM lookup",
            "parameters": {"type": "object", "properties": {"who": {"type": "string"}}},
        },
    ],
    "tool_choice": "auto",
}


def test_item_list_slots_and_roles() -> None:
    slots = ResponsesAdapter().request_slots(REQUEST)
    assert _view(slots) == {
        (("metadata", "agent"), "Aliya's helpdesk", None, None),
        (("input", 0, "content"), "Be brief", None, "system"),
        (("input", 1, "content", 0, "text"), "Phone +7 701 234 5678", None, "user"),
        (("input", 2, "summary", 0, "text"), "Aliya asks", None, "assistant"),
        (("input", 3, "arguments"), "Aliya", ("who",), "assistant"),
        (("input", 4, "output"), "Aliya, 901123300258", None, "tool"),
        (("input", 5, "content", 0, "text"), "Done, Aliya", None, "assistant"),
        (("tools", 0, "description"), "CRM lookup", None, None),
    }


@pytest.mark.parametrize(
    "path",
    [
        ("model",),
        ("previous_response_id",),
        ("reasoning", "effort"),
        ("reasoning", "summary"),
        ("text", "format", "type"),
        ("text", "verbosity"),
        ("include", 0),
        ("tool_choice",),
        ("input", 0, "role"),
        ("input", 1, "content", 1, "image_url"),
        ("input", 1, "content", 1, "detail"),
        ("input", 1, "content", 2, "file_id"),
        ("input", 2, "encrypted_content"),
        ("input", 3, "name"),
        ("input", 3, "call_id"),
        ("input", 3, "status"),
        ("input", 5, "id"),
        ("tools", 0, "name"),
        ("tools", 0, "parameters", "properties", "who", "type"),
    ],
)
def test_structural_fields_are_never_slotted(path: tuple[Any, ...]) -> None:
    assert all(s.path != path for s in ResponsesAdapter().request_slots(REQUEST))


def test_function_call_arguments_round_trip_as_valid_json() -> None:
    adapter = ResponsesAdapter()
    slots = adapter.request_slots(REQUEST)
    texts = [s.text.replace("Aliya", "<PERSON_1>") for s in slots]
    out = apply_slots(REQUEST, slots, texts)
    assert json.loads(out["input"][3]["arguments"]) == {"who": "<PERSON_1>"}
    assert out["input"][3]["name"] == "crm"
    assert REQUEST["input"][3]["arguments"] == '{"who": "Aliya"}'


def test_response_output_slots_and_usage() -> None:
    body = {
        "id": "resp_2",
        "object": "response",
        "status": "completed",
        "model": "gpt-5",
        "output": [
            {"type": "reasoning", "id": "rs_2", "summary": []},
            {
                "type": "message",
                "id": "msg_2",
                "role": "assistant",
                "status": "completed",
                "content": [
                    {
                        "type": "output_text",
                        "text": "Hello <PERSON_1>",
                        "annotations": [
                            {
                                "type": "url_citation",
                                "title": "About Aliya",
                                "url": "https://example.kz/a",
                            }
                        ],
                    }
                ],
            },
            {
                "type": "function_call",
                "id": "fc_2",
                "call_id": "c2",
                "name": "crm",
                "arguments": '{"who": "<PERSON_1>"}',
                "status": "completed",
            },
        ],
        "usage": {"input_tokens": 30, "output_tokens": 9, "total_tokens": 39},
    }
    adapter = ResponsesAdapter()
    content = ("output", 1, "content", 0)
    assert _view(adapter.response_slots(body)) == {
        ((*content, "text"), "Hello <PERSON_1>", None, "assistant"),
        ((*content, "annotations", 0, "title"), "About Aliya", None, "assistant"),
        ((*content, "annotations", 0, "url"), "https://example.kz/a", None, "assistant"),
        (("output", 2, "arguments"), '{"who": "<PERSON_1>"}', None, "assistant"),
    }
    assert adapter.usage(body) == {"input_tokens": 30, "output_tokens": 9}
    assert (adapter.name, adapter.provider, adapter.operation) == (
        "openai.responses",
        "openai",
        "chat",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"input": 5}, "input"),
        ({"input": [5]}, "input[0]"),
        ({"input": [{"role": "user", "content": 5}]}, "input[0].content"),
        (
            {"input": [{"role": "user", "content": [{"type": "input_text", "text": 1}]}]},
            "input[0].content[0].text",
        ),
        ({"input": [{"type": "function_call", "arguments": {"a": 1}}]}, "input[0].arguments"),
        ({"input": "x", "instructions": ["a"]}, "instructions"),
        ({"input": "x", "tools": [{"name": 3}]}, "tools[0].name"),
    ],
)
def test_type_errors_name_the_field(body: Any, field: str) -> None:
    with pytest.raises(PayloadError) as info:
        ResponsesAdapter().request_slots(body)
    assert info.value.message.startswith(f"{field}: expected")


def test_tool_output_given_as_parts() -> None:
    body = {
        "input": [
            {
                "type": "function_call_output",
                "call_id": "c1",
                "output": [
                    {"type": "input_text", "text": "Aliya, 901123300258"},
                    {"type": "input_image", "image_url": "https://example.kz/a.png"},
                ],
            }
        ]
    }
    slots = ResponsesAdapter().request_slots(body)
    assert _view(slots) == {
        (("input", 0, "output", 0, "text"), "Aliya, 901123300258", None, "tool"),
        (("input", 0, "output", 1, "image_url"), "https://example.kz/a.png", None, "tool"),
    }
