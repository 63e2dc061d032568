"""Stream rewriting fails closed: an upstream failure, an invalid event, a failing
processor or field scanner, or a client leaving ends the stream with an error event (or
closes it), and held text is released only when the step that protects it did not fail."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from qorgan.errors import DetectionError, UpstreamTimeout


async def failing_upstream(chunks: list[bytes], closed: list[bool]) -> AsyncIterator[bytes]:
    try:
        for chunk in chunks:
            yield chunk
        raise ConnectionResetError("peer went away with secret data 901123300258")
    finally:
        closed.append(True)


@pytest.mark.anyio
async def test_upstream_error_releases_held_text_then_an_error_event(streams: Any) -> None:
    closed: list[bool] = []
    chunks = [
        streams.chat_chunk({"content": "Hello <PERSON_1>, "}),
        streams.chat_chunk({"content": "phone 8 701 234"}),
    ]
    rewriter = streams.rewriter("openai.chat", streams.processor)
    out = b"".join([c async for c in rewriter.rewrite(failing_upstream(chunks, closed))])
    events = streams.parse(out)
    assert (
        "".join(streams.released("openai.chat", events)) == "Hello Айгерим Серикова, phone [NUMBER]"
    )
    assert events[-1].event == "error"
    error = json.loads(events[-1].data or "")["error"]
    assert error["code"] == "upstream_error"
    assert "901123" not in out.decode()
    assert rewriter.stats.error == "upstream_error"
    assert closed == [True]


@pytest.mark.parametrize(
    "bad",
    [b"data: {not json}\n\n", b"data: [1, 2]\n\n", b"data: \xff\xfe\n\n",
     b'data: {"choices":[{"index":"zero","delta":{"content":"x"}}]}\n\n'],
)  # fmt: skip
@pytest.mark.anyio
async def test_invalid_event_fails_closed(bad: bytes, streams: Any) -> None:
    chunks = [
        streams.chat_chunk({"content": "Hello there. "}),
        bad,
        streams.chat_chunk({"content": "LEAK 8 701 234 56 78"}),
    ]
    rewriter = streams.rewriter("openai.chat", streams.processor)
    out = await streams.run(rewriter, chunks)
    events = streams.parse(out)
    assert events[-1].event == "error"
    assert json.loads(events[-1].data or "")["error"]["code"] == "invalid_upstream_stream"
    assert b"LEAK" not in out
    assert b"not json" not in out
    assert "".join(streams.released("openai.chat", events)) == "Hello there. "


@pytest.mark.anyio
async def test_processor_failure_fails_closed_without_the_held_text(streams: Any) -> None:
    def factory() -> Any:
        async def process(segment: str, context: str) -> str:
            if "Smith" in segment:
                raise DetectionError("detector unavailable")
            return segment

        return process

    texts = ["Hello there, my good friend. ", "Mr John Smith ", "is here. Next"]
    chunks = [*(streams.chat_chunk({"content": t}) for t in texts), streams.chat_chunk({}, "stop")]
    rewriter = streams.rewriter("openai.chat", factory)
    out = await streams.run(rewriter, chunks)
    events = streams.parse(out)
    assert "".join(streams.released("openai.chat", events)) == "Hello there, my good friend. "
    assert b"Smith" not in out
    assert json.loads(events[-1].data or "")["error"]["code"] == "detection_failed"


@pytest.mark.anyio
async def test_client_disconnect_closes_upstream(streams: Any) -> None:
    closed: list[bool] = []

    async def endless() -> AsyncIterator[bytes]:
        try:
            while True:
                yield streams.chat_chunk({"content": "more words here. "})
        finally:
            closed.append(True)

    rewriter = streams.rewriter("openai.chat", streams.processor)
    stream = rewriter.rewrite(endless())
    received = [await anext(stream) for _ in range(3)]
    await stream.aclose()  # type: ignore[attr-defined]
    assert closed == [True]
    assert all(received)
    assert rewriter.stats.max_held < 100


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (DetectionError("detector unavailable"), "detection_failed"),
        (KeyError("x"), "internal_error"),
    ],
)
@pytest.mark.anyio
async def test_field_scanner_failure_fails_closed(
    failure: Exception, code: str, streams: Any
) -> None:
    async def scanner(value: str) -> str:
        if value == "m":
            raise failure
        return value

    chunks = [streams.chat_chunk({"content": "Hello 8 701 234 56 78 "}),
              streams.chat_chunk({}, "stop")]
    rewriter = streams.rewriter("openai.chat", streams.processor, on_event_fields=scanner)
    out = await streams.run(rewriter, chunks)
    events = streams.parse(out)
    assert len(events) == 1
    assert json.loads(events[0].data or "")["error"]["code"] == code
    assert b"701" not in out
    assert rewriter.stats.error == code


@pytest.mark.parametrize("protocol", ["anthropic.messages", "openai.chat"])
@pytest.mark.anyio
async def test_held_text_precedes_an_upstream_error_event(protocol: str, streams: Any) -> None:
    raw = streams.build(protocol, ["Call me at ", "+7 701 234 ", "56 78"])
    if protocol == "anthropic.messages":
        head = raw.split(b"event: content_block_stop")[0]
        error = b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\n'
    else:
        head = raw.split(b'"delta": {}, "finish_reason": "stop"')[0].rsplit(b"data: ", 1)[0]
        error = b'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n'
    events = streams.parse(
        await streams.run(streams.rewriter(protocol, streams.processor), [head + error])
    )
    assert "".join(streams.released(protocol, events)) == "Call me at [NUMBER]"
    assert "error" in json.loads(events[-1].data or "")


@pytest.mark.parametrize(
    ("failure", "code"),
    [(UpstreamTimeout("upstream read timed out"), "upstream_timeout"),
     (OSError("connection reset"), "upstream_error")],
)  # fmt: skip
@pytest.mark.anyio
async def test_upstream_failure_codes(failure: Exception, code: str, streams: Any) -> None:
    async def upstream() -> AsyncIterator[bytes]:
        yield streams.chat_chunk({"content": "Hello there"})
        raise failure

    rewriter = streams.rewriter("openai.chat", streams.processor)
    out = b"".join([c async for c in rewriter.rewrite(upstream())])
    events = streams.parse(out)
    assert "".join(streams.released("openai.chat", events)) == "Hello there"
    assert json.loads(events[-1].data or "")["error"]["code"] == code
    assert b"connection reset" not in out
