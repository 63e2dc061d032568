from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.errors import PayloadError
from qorgan.protocols import Adapter, apply_slots
from qorgan.providers import REGISTRY
from qorgan.types import TextSlot

CHAT: dict[str, Any] = {
    "model": "gpt-4o",
    "messages": [
        {"role": "user", "content": "I am Aliya, 901123300258"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {
                        "name": "find",
                        "arguments": '{"name": "Aliya Omarova", "iin": "901123300258", "n": 2}',
                    },
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "Aliya lives in Almaty"},
    ],
}


def _adapter(route: str, *, generic: bool = False) -> Adapter:
    endpoint = REGISTRY.endpoint(route, generic=generic)
    assert endpoint is not None
    return endpoint.adapter


def _slots() -> list[TextSlot]:
    adapter = _adapter("chat/completions")
    return adapter.request_slots(CHAT)


def test_identical_texts_give_an_equal_document() -> None:
    slots = _slots()
    before = copy.deepcopy(CHAT)
    out = apply_slots(CHAT, slots, [s.text for s in slots])
    assert out == CHAT
    assert before == CHAT


def test_changed_texts_change_exactly_those_leaves_and_input_is_untouched() -> None:
    before = copy.deepcopy(CHAT)
    slots = _slots()
    texts = [s.text.replace("901123300258", "<KZ_IIN_1>") for s in slots]
    out = apply_slots(CHAT, slots, texts)
    assert before == CHAT
    assert out["messages"][0]["content"] == "I am Aliya, <KZ_IIN_1>"
    assert out["messages"][2] == CHAT["messages"][2]
    args = json.loads(out["messages"][1]["tool_calls"][0]["function"]["arguments"])
    assert args == {"name": "Aliya Omarova", "iin": "<KZ_IIN_1>", "n": 2}
    assert out["messages"][1]["tool_calls"][0]["id"] == "call_1"


def test_embedded_arguments_are_reserialised_compactly_and_keep_non_ascii() -> None:
    slots = _slots()
    texts = [("Әлия" if s.text == "Aliya Omarova" else s.text) for s in slots]
    out = apply_slots(CHAT, slots, texts)
    raw = out["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert raw == '{"name":"Әлия","iin":"901123300258","n":2}'


def test_embedded_json_string_root() -> None:
    body = {
        "messages": [{"role": "assistant", "tool_calls": [{"function": {"arguments": '"Aliya"'}}]}]
    }
    adapter = _adapter("chat/completions")
    slots = adapter.request_slots(body)
    assert [(s.embedded, s.text) for s in slots] == [((), "Aliya")]
    out = apply_slots(body, slots, ["<PERSON_1>"])
    assert out["messages"][0]["tool_calls"][0]["function"]["arguments"] == '"<PERSON_1>"'


def test_length_mismatch_is_rejected() -> None:
    with pytest.raises(ValueError, match="one text per slot"):
        apply_slots(CHAT, _slots(), [])


def test_slot_pointing_nowhere_is_rejected() -> None:
    with pytest.raises(ValueError, match="no value at"):
        apply_slots({"a": "x"}, [TextSlot(path=("b",), text="x")], ["y"])


def _nested(depth: int) -> Any:
    node: Any = "Aliya"
    for _ in range(depth):
        node = [node]
    return node


def test_too_deep_body_is_a_payload_error() -> None:
    adapter = _adapter("x", generic=True)
    assert adapter is not None
    assert len(adapter.request_slots({"a": _nested(100)})) == 1
    with pytest.raises(PayloadError, match="nests too deeply"):
        adapter.request_slots({"a": _nested(200)})


@pytest.mark.parametrize("depth", [200, 5000])
def test_too_deep_embedded_arguments_are_scanned_as_plain_text(depth: int) -> None:
    raw = json.dumps(_nested(200)) if depth == 200 else "[" * depth + "]" * depth
    body = {"messages": [{"role": "assistant", "tool_calls": [{"function": {"arguments": raw}}]}]}
    adapter = _adapter("chat/completions")
    slots = adapter.request_slots(body)
    assert [(s.text, s.embedded) for s in slots] == [(raw, None)]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(body=_json)
def test_generic_round_trip_property(body: Any) -> None:
    adapter = _adapter("anything", generic=True)
    assert adapter is not None
    before = copy.deepcopy(body)
    slots = adapter.request_slots(body)
    assert apply_slots(body, slots, [s.text for s in slots]) == body
    changed = apply_slots(body, slots, [f"<{s.text}>" for s in slots])
    assert body == before
    again = adapter.request_slots(changed)
    assert [(s.path, s.text) for s in again] == [(s.path, f"<{s.text}>") for s in slots]
