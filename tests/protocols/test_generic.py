from __future__ import annotations

from typing import Any

import pytest

from qorgan.protocols import (
    GenericAdapter,
    apply_slots,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"prompt": "Aliya", "model": "m", "n": 2}, [(("prompt",), "Aliya"), (("model",), "m")]),
        (["a", {"b": ["c", 1, None, ""]}], [((0,), "a"), ((1, "b", 0), "c")]),
        ("Aliya", [((), "Aliya")]),
        (42, []),
        # a PNG is skipped; "image" bytes that are text are decoded and scanned
        ({"img": "data:image/png;base64,iVBORw0KGgo="}, []),
        ({"img": "data:image/png;base64,QWlnZXJpbQ=="}, [(("img",), "Aigerim")]),
    ],
)
def test_generic_slots_every_string_leaf(body: Any, expected: list[tuple[Any, str]]) -> None:
    adapter = GenericAdapter()
    slots = adapter.request_slots(body)
    assert [(s.path, s.text) for s in slots] == expected
    assert apply_slots(body, slots, [s.text for s in slots]) == body


def test_answers_scan_a_data_url_as_the_text_a_stream_delivers() -> None:
    body = {"img": "data:image/png;base64,QWlnZXJpbQ==", "png": "data:image/png;base64,"
            "iVBORw0KGgo=", "text": "Aliya"}
    slots = GenericAdapter().response_slots(body)
    assert [(s.path, s.text) for s in slots] == [(("img",), body["img"]), (("text",), "Aliya")]


def test_generic_facts() -> None:
    adapter = GenericAdapter()
    assert (adapter.name, adapter.provider) == ("generic", "generic")
    assert adapter.model({"model": "llama-3"}) == "llama-3"
    assert adapter.model({"model": 3}) is None
    assert adapter.usage({"usage": {"prompt_tokens": 1, "completion_tokens": 2}}) == {
        "input_tokens": 1,
        "output_tokens": 2,
    }
    assert adapter.usage({"usage": {"input_tokens": True}}) == {}
    assert adapter.usage({}) == {}
