from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.protocols.sse import (
    SSEComment,
    SSEError,
    SSEEvent,
    SSEItem,
    SSEParser,
    serialize,
    serialize_all,
)


def parse(raw: bytes, cuts: list[int] | None = None) -> list[SSEItem]:
    parser = SSEParser()
    points = sorted({c for c in (cuts or []) if 0 < c < len(raw)})
    items: list[SSEItem] = []
    for a, b in zip([0, *points], [*points, len(raw)], strict=True):
        items += parser.feed(raw[a:b])
    return items + parser.close()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"data: hello\n\n", [SSEEvent(data="hello")]),
        (b"data: a\r\ndata: b\r\n\r\n", [SSEEvent(data="a\nb")]),
        (b"data: a\rdata: b\r\r", [SSEEvent(data="a\nb")]),
        (b"data:no-space\n\n", [SSEEvent(data="no-space")]),
        (b"data:  two spaces\n\n", [SSEEvent(data=" two spaces")]),
        (b"data\n\n", [SSEEvent(data="")]),
        (b"data: \ndata:\n\n", [SSEEvent(data="\n")]),
        (b"\xef\xbb\xbfdata: bom\n\n", [SSEEvent(data="bom")]),
        (b"event: ping\n\n", [SSEEvent(event="ping")]),
        (b"id: 7\nretry: 1500\ndata: x\n\n", [SSEEvent(data="x", id="7", retry=1500)]),
        (b"retry: soon\ndata: x\n\n", [SSEEvent(data="x")]),
        (b"id: a\x00b\ndata: x\n\n", [SSEEvent(data="x")]),
        (b"unknown: field\ndata: x\n\n", [SSEEvent(data="x")]),
        (b"unknown: field\n\n", []),
        (b": keep-alive\n\n", [SSEComment(" keep-alive")]),
        (b"data: a\n: mid\ndata: b\n\n", [SSEComment(" mid"), SSEEvent(data="a\nb")]),
        (b"event: x\nevent: y\ndata: 1\n\n", [SSEEvent(data="1", event="y")]),
        (b"data: unterminated", []),
        (b"data: unterminated\n", []),
        ("data: Айгерим 😀\n\n".encode(), [SSEEvent(data="Айгерим 😀")]),
        (b"\n\n\ndata: x\n\n\n", [SSEEvent(data="x")]),
    ],
)
def test_parse(raw: bytes, expected: list[SSEItem]) -> None:
    assert parse(raw) == expected
    # The same bytes split at every offset parse the same.
    for cut in range(1, len(raw)):
        assert parse(raw, [cut]) == expected


def test_bom_only_at_stream_start() -> None:
    raw = b"data: a\n\n\xef\xbb\xbfdata: b\n\n"
    assert parse(raw) == [SSEEvent(data="a")]  # "\ufeffdata" is an unknown field name


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\r") == []
    assert parser.feed(b"\n\r") == [SSEEvent(data="a")]
    assert parser.feed(b"\ndata: b\n\n") == [SSEEvent(data="b")]


@pytest.mark.parametrize(
    ("raw", "kwargs", "message"),
    [
        (b"data: " + b"x" * 100, {"max_line": 50}, "line longer"),
        (b"data: " + b"x" * 40 + b"\n", {"max_line": 30}, "line longer"),
        (b"data: 0123456789\n" * 10, {"max_event": 50}, "data longer"),
        (b"data: \xff\n\n", {}, "UTF-8"),
    ],
)
def test_limits_and_bad_bytes_raise(raw: bytes, kwargs: dict[str, int], message: str) -> None:
    parser = SSEParser(**kwargs)

    def feed_all() -> None:
        for i in range(0, len(raw), 7):
            parser.feed(raw[i : i + 7])

    with pytest.raises(SSEError, match=message) as info:
        feed_all()
    assert info.value.code == "invalid_upstream_stream"
    assert "x" * 10 not in str(info.value)


def test_truncated_utf8_at_close_raises() -> None:
    parser = SSEParser()
    parser.feed("data: ж".encode()[:-1])
    with pytest.raises(SSEError):
        parser.close()


def test_long_line_in_small_pieces_is_bounded() -> None:
    parser = SSEParser(max_line=1000)
    for _ in range(1000):
        parser.feed(b"x")
    with pytest.raises(SSEError):
        parser.feed(b"x")


@pytest.mark.parametrize(
    ("item", "wire"),
    [
        (SSEEvent(data="a\nb"), "data: a\ndata: b\n\n"),
        (SSEEvent(data=""), "data: \n\n"),
        (SSEEvent(data="x", event="e", id="1", retry=5), "event: e\nid: 1\nretry: 5\ndata: x\n\n"),
        (SSEEvent(event="ping"), "event: ping\n\n"),
        (SSEComment(" ping"), ": ping\n"),
        (SSEComment("a\nb"), ":a\n:b\n"),
    ],
)
def test_serialize(item: SSEItem, wire: str) -> None:
    assert serialize(item) == wire


@pytest.mark.parametrize(
    "item",
    [SSEEvent(), SSEEvent(data="x", event="a\nb"), SSEEvent(data="x", id="a\rb"),
     SSEEvent(data="x", id="a\x00"), SSEEvent(data="x", retry=-1)],
)  # fmt: skip
def test_serialize_rejects_what_cannot_be_framed(item: SSEEvent) -> None:
    with pytest.raises(ValueError, match="SSE"):
        serialize(item)


_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
_line = _text.filter(lambda s: "\r" not in s and "\n" not in s)
_event = st.builds(
    SSEEvent,
    data=st.one_of(st.none(), st.lists(_line, min_size=1, max_size=3).map("\n".join)),
    event=st.one_of(st.none(), _line),
    id=st.one_of(st.none(), _line.filter(lambda s: "\x00" not in s)),
    retry=st.one_of(st.none(), st.integers(0, 10**6)),
).filter(lambda e: e != SSEEvent())
_item = st.one_of(_event, st.builds(SSEComment, _line))


@settings(max_examples=200, deadline=None)
@given(items=st.lists(_item, max_size=6), cuts=st.lists(st.integers(0, 400), max_size=8))
def test_round_trip_for_any_split(items: list[SSEItem], cuts: list[int]) -> None:
    raw = serialize_all(items)
    parsed = parse(raw, cuts)
    assert parsed == items
    assert serialize_all(parsed) == raw


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.one_of(
            st.builds(
                lambda f, v: f"{f}:{v}",
                st.sampled_from(["data", "event", "id", "retry", "x"]),
                _line,
            ),
            st.sampled_from(["", "data", ": c", "retry: 12", "data:  lead"]),
        ),
        max_size=12,
    ),
    ends=st.lists(st.sampled_from(["\n", "\r", "\r\n"]), min_size=12, max_size=12),
    cuts=st.lists(st.integers(0, 300), max_size=8),
)
def test_any_input_parses_to_events_that_reserialize_equivalently(
    lines: list[str], ends: list[str], cuts: list[int]
) -> None:
    raw = "".join(line + end for line, end in zip(lines, ends, strict=False)).encode()
    parsed = parse(raw, cuts)
    assert parsed == parse(raw)
    assert parse(serialize_all(parsed)) == parsed
