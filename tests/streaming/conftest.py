"""Realistic test processors and upstream stream builders for the streaming tests.

The processor restores ``<PERSON_n>`` placeholders from a table, and redacts every email and
every run of at least six digits (single spaces or hyphens allowed between digits), the way
a guard restores the caller's values and removes the ones the policy forbids.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

import pytest

from qorgan.protocols.sse import SSEEvent, SSEParser
from qorgan.providers import REGISTRY
from qorgan.streaming import Handler, StreamRewriter, TextProcessor

PERSONS = {
    "<PERSON_1>": "Айгерим Серикова",
    "<PERSON_2>": "John Smith",
    "<PERSON_12>": "Ivan Petrov",
}
PLACEHOLDER = re.compile(r"<PERSON_\d+>")
DIGIT_RUN = re.compile(r"\+?\d(?:[ \-]?\d){5,}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def restore_and_redact(text: str) -> str:
    text = PLACEHOLDER.sub(lambda m: PERSONS.get(m.group(), "<UNKNOWN>"), text)
    text = EMAIL.sub("[EMAIL]", text)
    return DIGIT_RUN.sub("[NUMBER]", text)


def redacted_values(text: str) -> list[str]:
    return EMAIL.findall(text) + DIGIT_RUN.findall(EMAIL.sub(" ", text))


def make_processor() -> TextProcessor:
    async def processor(segment: str, context: str) -> str:
        return restore_and_redact(segment)

    return processor


@pytest.fixture(scope="session")
def processor_factory() -> Callable[[], TextProcessor]:
    return make_processor


def sse(data: Any, event: str | None = None) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def build_stream(protocol: str, deltas: Sequence[str]) -> bytes:
    """A recorded-style upstream stream of ``protocol`` whose text arrives as ``deltas``."""
    full = "".join(deltas)
    out: list[bytes] = []
    if protocol == "openai.chat":
        head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
        role = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        out.append(sse({**head, "choices": [role]}))
        out.append(b": keep-alive\n\n")
        for d in deltas:
            choice = {"index": 0, "delta": {"content": d}, "finish_reason": None}
            out.append(sse({**head, "choices": [choice]}))
        out.append(sse({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
        usage = {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8}
        out.append(sse({**head, "choices": [], "usage": usage}))
        out.append(sse("[DONE]"))
    elif protocol == "openai.completions":
        head = {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "m"}
        for d in deltas:
            choice = {"index": 0, "text": d, "logprobs": None, "finish_reason": None}
            out.append(sse({**head, "choices": [choice]}))
        last = {"index": 0, "text": "", "logprobs": None, "finish_reason": "length"}
        out.append(sse({**head, "choices": [last]}))
        out.append(sse("[DONE]"))
    elif protocol == "openai.responses":
        seq = iter(range(1000))
        ids = {"item_id": "msg_1", "output_index": 0, "content_index": 0}

        def ev(kind: str, **fields: Any) -> bytes:
            return sse({"type": kind, "sequence_number": next(seq), **fields}, kind)

        message = {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed"}
        part = {"type": "output_text", "text": full, "annotations": []}
        response = {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}
        out.append(ev("response.created", response=response))
        out.append(
            ev("response.output_item.added", output_index=0, item={**message, "content": []})
        )
        out.append(ev("response.content_part.added", **ids, part={**part, "text": ""}))
        for d in deltas:
            out.append(ev("response.output_text.delta", **ids, delta=d, logprobs=[]))
        out.append(ev("response.output_text.done", **ids, text=full, logprobs=[]))
        out.append(ev("response.content_part.done", **ids, part=part))
        done_item = {**message, "content": [part]}
        out.append(ev("response.output_item.done", output_index=0, item=done_item))
        completed = {**response, "status": "completed", "output": [done_item]}
        out.append(ev("response.completed", response=completed))
    elif protocol == "anthropic.messages":
        message = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
        message.update({"model": "claude", "stop_reason": None, "usage": {"input_tokens": 3}})
        out.append(sse({"type": "message_start", "message": message}, "message_start"))
        block = {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "text", "text": ""},
        }
        out.append(sse(block, "content_block_start"))
        out.append(sse({"type": "ping"}, "ping"))
        for d in deltas:
            delta = {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": d},
            }
            out.append(sse(delta, "content_block_delta"))
        out.append(sse({"type": "content_block_stop", "index": 0}, "content_block_stop"))
        stop = {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": 5},
        }
        out.append(sse(stop, "message_delta"))
        out.append(sse({"type": "message_stop"}, "message_stop"))
    else:
        raise ValueError(protocol)
    return b"".join(out)


def parse_all(raw: bytes) -> list[SSEEvent]:
    parser = SSEParser()
    items = parser.feed(raw) + parser.close()
    return [item for item in items if isinstance(item, SSEEvent)]


def released_pieces(protocol: str, events: Iterable[SSEEvent]) -> list[str]:
    """The text deltas a client of ``protocol`` would concatenate, in order."""
    pieces: list[str] = []
    for event in events:
        if event.data is None or event.data == "[DONE]":
            continue
        obj = json.loads(event.data)
        if protocol == "openai.chat":
            for choice in obj.get("choices", []):
                content = choice.get("delta", {}).get("content")
                if content:
                    pieces.append(content)
        elif protocol == "openai.completions":
            pieces.extend(c["text"] for c in obj.get("choices", []) if c.get("text"))
        elif protocol == "openai.responses":
            if obj.get("type") == "response.output_text.delta":
                pieces.append(obj["delta"])
        elif obj.get("type") == "content_block_delta" and obj["delta"].get("type") == "text_delta":
            pieces.append(obj["delta"]["text"])
    return pieces


async def chunked(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    points = sorted({c for c in cuts if 0 < c < len(data)})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


#: every streamable endpoint's handler, by the endpoint's name ("openai.chat", ...)
PROTOCOLS: dict[str, type[Handler]] = {
    endpoint.name: endpoint.stream for endpoint in REGISTRY.endpoints()
    if endpoint.stream is not None
}


def rewriter_for(protocol: str, *args: Any, **kwargs: Any) -> StreamRewriter:
    return StreamRewriter(PROTOCOLS[protocol], *args, **kwargs)


async def run_rewriter(rewriter: StreamRewriter, chunks: list[bytes]) -> bytes:
    return b"".join([c async for c in rewriter.rewrite(chunked(chunks))])


def event_objects(events: list[SSEEvent]) -> list[dict[str, Any]]:
    return [json.loads(e.data) for e in events if e.data and e.data != "[DONE]"]


def chat_chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish, **extra}
    body = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [choice],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class Streams:
    """The helpers above, handed to tests as a fixture (test modules cannot import conftest)."""

    protocols = PROTOCOLS
    rewriter = staticmethod(rewriter_for)
    run = staticmethod(run_rewriter)
    objects = staticmethod(event_objects)
    chat_chunk = staticmethod(chat_chunk)

    build = staticmethod(build_stream)
    parse = staticmethod(parse_all)
    released = staticmethod(released_pieces)
    chunked = staticmethod(chunked)
    split_at = staticmethod(split_at)
    expected_whole = staticmethod(restore_and_redact)
    redacted_values = staticmethod(redacted_values)
    processor = staticmethod(make_processor)


@pytest.fixture(scope="session")
def streams() -> type[Streams]:
    return Streams
