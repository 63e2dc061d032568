"""Response metadata for the GenAI CLIENT span, from whole answers and from streams split
anywhere, for every provider qorgan guards; never text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qorgan.audit.genai import StreamMeta, read_body


def _sse(*events: dict[str, Any], event_names: bool = False) -> bytes:
    out = []
    for e in events:
        head = f"event: {e['type']}\n" if event_names else ""
        out.append(f"{head}data: {json.dumps(e)}\n\n")
    return "".join(out).encode()


CHAT = [
    {"id": "chatcmpl-1", "model": "gpt-4o-2024", "choices": [
        {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}],
     "usage": None},
    {"id": "chatcmpl-1", "model": "gpt-4o-2024", "choices": [
        {"index": 0, "delta": {"content": "Dear Aigerim"}, "finish_reason": None}]},
    {"id": "chatcmpl-1", "model": "gpt-4o-2024", "choices": [
        {"index": 0, "delta": {}, "finish_reason": "stop"}]},
    {"id": "chatcmpl-1", "model": "gpt-4o-2024", "choices": [],
     "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}},
]
ANTHROPIC = [
    {"type": "message_start", "message": {"id": "msg_1", "model": "claude-x", "content": [],
                                          "usage": {"input_tokens": 9, "output_tokens": 1}}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta",
                                                          "text": "Dear Aigerim"}},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
     "usage": {"output_tokens": 6}},
    {"type": "message_stop"},
]
RESPONSES = [
    {"type": "response.created", "response": {"id": "resp_1", "model": "gpt-5",
                                              "status": "in_progress"}},
    {"type": "response.output_text.delta", "delta": "Dear Aigerim"},
    {"type": "response.completed", "response": {
        "id": "resp_1", "model": "gpt-5", "status": "completed",
        "usage": {"input_tokens": 4, "output_tokens": 3}}},
]
EXPECTED = {
    "chat": ("chatcmpl-1", "gpt-4o-2024", ["stop"], 12, 5),
    "anthropic": ("msg_1", "claude-x", ["end_turn"], 9, 6),
    "responses": ("resp_1", "gpt-5", ["completed"], 4, 3),
}
STREAMS = {"chat": _sse(*CHAT), "anthropic": _sse(*ANTHROPIC, event_names=True),
           "responses": _sse(*RESPONSES, event_names=True)}


@pytest.mark.parametrize("kind", sorted(STREAMS))
@pytest.mark.parametrize("size", [1, 7, 64, 1 << 20])
def test_a_stream_split_anywhere(kind: str, size: int) -> None:
    raw = STREAMS[kind]
    tap = StreamMeta()
    for i in range(0, len(raw), size):
        tap.feed(raw[i:i + size])
    tap.close()
    m = tap.meta
    assert (m.id, m.model, m.finish_reasons, m.input_tokens, m.output_tokens) == EXPECTED[kind]
    assert "Aigerim" not in repr(m)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"id": "chatcmpl-2", "object": "chat.completion", "model": "m1", "choices": [
            {"index": 0, "message": {"content": "x"}, "finish_reason": "length"}],
          "usage": {"prompt_tokens": 3, "completion_tokens": 2}},
         ("chatcmpl-2", "m1", ["length"], 3, 2)),
        ({"id": "msg_2", "type": "message", "model": "claude-y", "stop_reason": "max_tokens",
          "usage": {"input_tokens": 8, "output_tokens": 1}},
         ("msg_2", "claude-y", ["max_tokens"], 8, 1)),
        ({"id": "resp_2", "object": "response", "model": "gpt-5", "status": "incomplete",
          "usage": {"input_tokens": 1, "output_tokens": 0}},
         ("resp_2", "gpt-5", ["incomplete"], 1, 0)),
        # values that are not identifiers never become attributes as they are
        ({"id": "a@b.kz", "model": "my model", "usage": {"prompt_tokens": True}},
         ("(invalid)", "(invalid)", [], None, None)),
    ],
)
def test_a_whole_answer(body: dict[str, Any], expected: tuple[Any, ...]) -> None:
    m = read_body(json.dumps(body).encode())
    assert (m.id, m.model, m.finish_reasons, m.input_tokens, m.output_tokens) == expected


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b"\xff\xfe"])
def test_what_is_not_json_reports_nothing(raw: bytes) -> None:
    m = read_body(raw)
    assert (m.id, m.model, m.finish_reasons, m.usage()) == (None, None, [], None)
