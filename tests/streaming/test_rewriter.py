from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.protocols.sse import SSEComment, SSEEvent, SSEParser
from qorgan.providers import REGISTRY
from qorgan.streaming import StreamRewriter, process_text

_token = st.sampled_from(
    ["Hello", "my", "name", "is", "<PERSON_1>", "<PERSON_2>", "<PERSON_12>", "and", "phone",
     "+7 701 234 56 78", "ИИН", "9011 2330 0258", "mail", "a.b@mail.kz", "x_y+z@corp.example.com",
     "Айгерим Серикова", "John Smith", "живёт", "в", "Астане", "😀", "👍🏽", "done.", "ok!",
     "12345", "42", "see", "you", "tomorrow.", "Dr.", "(8)", "тел.", "8-701-234-56-78", '"q"']
)  # fmt: skip
_sep = st.sampled_from([" ", " ", " ", ", ", ". ", "\n", "  ", ""])
_noise = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=8)
TEXTS = st.lists(st.tuples(st.one_of(_token, _noise), _sep), min_size=1, max_size=40).map(
    lambda p: "".join(a + b for a, b in p)
)


STREAMABLE = sorted(e.name for e in REGISTRY.endpoints() if e.stream is not None)


def split_text(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c for c in cuts if 0 < c < len(text)})
    return [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]


@settings(max_examples=150, deadline=None)
@given(
    protocol=st.sampled_from(STREAMABLE),
    text=TEXTS,
    text_cuts=st.lists(st.integers(0, 800), max_size=30),
    byte_cuts=st.lists(st.integers(0, 20000), max_size=30),
)
@pytest.mark.anyio
async def test_streamed_text_equals_non_streamed_for_any_split(
    protocol: str, text: str, text_cuts: list[int], byte_cuts: list[int], streams: Any
) -> None:
    raw = streams.build(protocol, split_text(text, text_cuts))
    rewriter = streams.rewriter(protocol, streams.processor)
    out = await streams.run(rewriter, streams.split_at(raw, byte_cuts))
    events = streams.parse(out)
    pieces = streams.released(protocol, events)
    expected = await process_text(text, streams.processor())
    assert "".join(pieces) == expected
    assert expected == streams.expected_whole(text)
    for value in streams.redacted_values(text):
        for n in range(3, len(value) + 1):
            if value[:n] not in expected:
                assert all(value[:n] not in piece for piece in pieces)
                assert value[:n].encode() not in out
    if protocol == "openai.responses":
        done = [o for o in streams.objects(events) if o["type"] == "response.output_text.done"]
        completed = [o for o in streams.objects(events) if o["type"] == "response.completed"]
        assert done[0]["text"] == expected
        assert completed[0]["response"]["output"][0]["content"][0]["text"] == expected
        numbers = [o["sequence_number"] for o in streams.objects(events)]
        assert numbers == list(range(len(numbers)))
    assert rewriter.stats.error is None


RECORDED_TEXT = (
    "Здравствуйте, <PERSON_1>! Ваш номер +7 701 234 56 78 сохранён. "
    "Write to a.b@mail.kz 😀 if <PERSON_2> asks.\nИИН 9011 2330 0258 is on file."
)


@pytest.mark.parametrize("protocol", ["openai.chat", "anthropic.messages"])
@pytest.mark.anyio
async def test_recorded_stream_split_at_every_byte(protocol: str, streams: Any) -> None:
    deltas = [RECORDED_TEXT[i : i + 11] for i in range(0, len(RECORDED_TEXT), 11)]
    raw = streams.build(protocol, deltas)
    expected = await process_text(RECORDED_TEXT, streams.processor())
    reference = await streams.run(streams.rewriter(protocol, streams.processor), [raw])
    assert "".join(streams.released(protocol, streams.parse(reference))) == expected
    for cut in range(1, len(raw)):
        out = await streams.run(
            streams.rewriter(protocol, streams.processor), [raw[:cut], raw[cut:]]
        )
        assert out == reference


@pytest.mark.anyio
async def test_non_text_events_pass_unchanged(streams: Any) -> None:
    raw = streams.build("openai.chat", ["Hello ", "there. ", "Bye."])
    rewriter = streams.rewriter("openai.chat", streams.processor)
    out = await streams.run(rewriter, [raw])
    parser = SSEParser()
    items = parser.feed(out) + parser.close()
    assert SSEComment(" keep-alive") in items
    events = [i for i in items if isinstance(i, SSEEvent)]
    assert events[-1].data == "[DONE]"
    usage = [o for o in streams.objects(events) if o.get("usage")]
    counts = {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8}
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    assert usage == [{**head, "choices": [], "usage": counts}]
    assert streams.objects(events)[0]["choices"][0]["delta"]["role"] == "assistant"
    stats = rewriter.stats
    assert (stats.events_in, stats.events_out, stats.comments) == (7, 7, 1)
    assert stats.done
    assert stats.channels == 1
    assert stats.bytes_in == len(raw)
    assert stats.bytes_out == len(out)
    assert stats.as_attributes()["qorgan.stream.events_in"] == 7


@pytest.mark.anyio
async def test_tool_call_arguments_are_a_channel(streams: Any) -> None:
    arguments = '{"name": "<PERSON_2>", "phone": "+7 701 234 56 78", "note": "call back"}'
    parts = [arguments[i : i + 4] for i in range(0, len(arguments), 4)]
    chunks = [
        streams.chat_chunk(
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "save", "arguments": ""},
                    }
                ],
            }
        )
    ]
    chunks += [
        streams.chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]})
        for p in parts
    ]
    chunks += [streams.chat_chunk({}, "tool_calls"), b"data: [DONE]\n\n"]  # fmt: skip
    json_calls: list[str] = []

    def json_factory() -> Any:
        async def process(segment: str, context: str) -> str:
            json_calls.append(segment)
            return streams.expected_whole(segment)

        return process

    rewriter = streams.rewriter("openai.chat", streams.processor,
                                json_processor_factory=json_factory)
    events = streams.parse(await streams.run(rewriter, chunks))
    got = "".join(
        call["function"].get("arguments", "")
        for o in streams.objects(events)
        for c in o["choices"]
        for call in c["delta"].get("tool_calls", [])
    )
    assert got == await process_text(arguments, streams.processor())
    assert json.loads(got) == {"name": "John Smith", "phone": "[NUMBER]", "note": "call back"}
    assert "".join(json_calls) == arguments
    finish = streams.objects(events)[-1]
    assert finish["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.anyio
async def test_other_fields_go_through_the_scanner_and_logprobs_are_dropped(streams: Any) -> None:
    scanned: list[str] = []

    async def scanner(value: str) -> str:
        scanned.append(value)
        return value.replace("Smith", "[PERSON]")

    chunks = [
        b": note about Smith\n\n",
        b"id: Smith-1\n" + streams.chat_chunk({"role": "assistant", "content": "Hi John Smith. "},
                                      logprobs={"content": [{"token": "Smith"}]}),
        streams.chat_chunk({"content": "Bye."}, "stop"),
        b'data: {"id":"c1","choices":[],"usage":{"note":"Smith"}}\n\n',
    ]  # fmt: skip
    rewriter = streams.rewriter("openai.chat", streams.processor, on_event_fields=scanner)
    out = (await streams.run(rewriter, chunks)).decode()
    assert "Smith" not in out.replace("John Smith. ", "")
    assert ": note about [PERSON]" in out
    assert "id: [PERSON]-1" in out
    assert '"note":"[PERSON]"' in out
    assert all("Hi John" not in s and "Bye" not in s for s in scanned)
    assert rewriter.stats.dropped_fields == 1
    assert '"logprobs":null' in out


@pytest.mark.anyio
async def test_end_without_done_flushes_into_an_extra_chunk(streams: Any) -> None:
    chunks = [streams.chat_chunk({"content": "Call +7 701 "}),
              streams.chat_chunk({"content": "234 56 78 now"})]
    rewriter = streams.rewriter("openai.chat", streams.processor)
    events = streams.parse(await streams.run(rewriter, chunks))
    assert "".join(streams.released("openai.chat", events)) == "Call [NUMBER] now"
    last = streams.objects(events)[-1]
    assert last["id"] == "c1"
    assert last["choices"][0]["finish_reason"] is None
    assert all(e.data != "[DONE]" for e in events)
    assert rewriter.stats.synthesized_events == 1


@pytest.mark.anyio
async def test_anthropic_json_and_thinking_blocks(streams: Any) -> None:
    def ev(obj: dict[str, Any]) -> bytes:
        return f"event: {obj['type']}\ndata: {json.dumps(obj, ensure_ascii=False)}\n\n".encode()

    partial = '{"email": "a.b@mail.kz", "who": "<PERSON_1>"}'

    def delta(index: int, kind: str, **fields: str) -> bytes:
        body = {"type": "content_block_delta", "index": index, "delta": {"type": kind, **fields}}
        return ev(body)

    tool = {"type": "tool_use", "id": "t", "name": "f", "input": {}}
    chunks = [
        ev({"type": "content_block_start", "index": 0,
            "content_block": {"type": "thinking", "thinking": ""}}),
        delta(0, "thinking_delta", thinking="User 8 70"),
        delta(0, "thinking_delta", thinking="1 234 56 78"),
        ev({"type": "content_block_stop", "index": 0}),
        ev({"type": "content_block_start", "index": 1, "content_block": tool}),
        *[delta(1, "input_json_delta", partial_json=partial[i : i + 6])
          for i in range(0, len(partial), 6)],
        ev({"type": "content_block_stop", "index": 1}),
        ev({"type": "message_stop"}),
    ]  # fmt: skip
    rewriter = streams.rewriter("anthropic.messages", streams.processor)
    out = await streams.run(rewriter, chunks)
    objs = streams.objects(streams.parse(out))
    thinking = "".join(
        o["delta"]["thinking"] for o in objs if o.get("delta", {}).get("type") == "thinking_delta"
    )
    arguments = "".join(
        o["delta"]["partial_json"]
        for o in objs
        if o.get("delta", {}).get("type") == "input_json_delta"
    )
    assert thinking == "User [NUMBER]"
    assert json.loads(arguments) == {"email": "[EMAIL]", "who": "Айгерим Серикова"}
    stops = [i for i, o in enumerate(objs) if o["type"] == "content_block_stop"]
    assert objs[stops[0] - 1]["delta"]["type"] == "thinking_delta"  # flushed before the stop
    assert rewriter.stats.channels == 2


@pytest.mark.anyio
async def test_responses_done_without_deltas_is_processed_whole(streams: Any) -> None:
    body = {"type": "response.output_text.done", "output_index": 0, "content_index": 0,
            "text": "Mail a.b@mail.kz", "sequence_number": 0}  # fmt: skip
    chunks = [f"event: {body['type']}\ndata: {json.dumps(body)}\n\n".encode()]
    out = await streams.run(streams.rewriter("openai.responses", streams.processor), chunks)
    assert streams.objects(streams.parse(out))[0]["text"] == "Mail [EMAIL]"


def test_what_is_not_a_stream_handler_is_rejected(streams: Any) -> None:
    with pytest.raises(ValueError, match="Handler"):
        StreamRewriter(object, streams.processor)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_a_rewriter_serves_one_stream(streams: Any) -> None:
    rewriter = streams.rewriter("openai.chat", streams.processor)
    await streams.run(rewriter, [b"data: [DONE]\n\n"])
    with pytest.raises(ValueError, match="one stream"):
        await streams.run(rewriter, [b"data: [DONE]\n\n"])


@pytest.mark.anyio
async def test_legacy_function_call_arguments_are_a_channel(streams: Any) -> None:
    arguments = '{"phone": "+7 701 234 56 78"}'
    chunks = [streams.chat_chunk({"function_call": {"name": "f", "arguments": ""}})]
    chunks += [
        streams.chat_chunk({"function_call": {"arguments": arguments[i : i + 3]}})
        for i in range(0, 30, 3)
    ]
    chunks.append(streams.chat_chunk({}, "function_call"))
    events = streams.parse(
        await streams.run(streams.rewriter("openai.chat", streams.processor), chunks)
    )
    got = "".join(
        c["delta"].get("function_call", {}).get("arguments", "")
        for o in streams.objects(events)
        for c in o["choices"]
    )
    assert json.loads(got) == {"phone": "[NUMBER]"}


@pytest.mark.anyio
async def test_events_of_one_network_read_are_released_one_by_one(streams: Any) -> None:
    # A fast upstream delivers many events in one read: the first event's text goes out
    # before the later ones are processed, not after the whole read.
    processed: list[str] = []

    def factory() -> Any:
        async def process(segment: str, context: str) -> str:
            processed.append(segment)
            return segment

        return process

    words = ["first ", "second ", "third ", "fourth ", "fifth"]
    read = b"".join(streams.chat_chunk({"content": w}) for w in words)

    async def one_read() -> AsyncIterator[bytes]:
        yield read

    outputs = streams.rewriter("openai.chat", factory).rewrite(one_read())
    first = await anext(outputs)  # a word goes out with the space after it
    assert b'"content":"first "' in first
    assert processed == ["first "]  # the later events of the same read wait their turn
    rest = b"".join([out async for out in outputs])
    assert processed == words
    assert b"fifth" in rest
