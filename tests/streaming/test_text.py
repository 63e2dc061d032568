from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.errors import DetectionError
from qorgan.streaming import (
    HoldbackPolicy,
    IncrementalText,
    left_context,
    process_text,
    split_segments,
)

_token = st.sampled_from(
    ["Hello", "my", "name", "is", "<PERSON_1>", "<PERSON_2>", "<PERSON_7>", "and", "phone",
     "+7 701 234 56 78", "ИИН", "9011 2330 0258", "mail", "a.b@mail.kz", "x_y+z@corp.example.com",
     "Айгерим Серикова", "John Smith", "живёт", "в", "Астане", "😀", "👍🏽", "done.", "ok!",
     "12345", "42", "see", "you", "tomorrow.", "Dr.", "(8)", "тел.", "8-701-234-56-78"]
)  # fmt: skip
_sep = st.sampled_from([" ", " ", " ", ", ", ". ", "\n", "  ", ""])
_noise = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=8)
TEXTS = st.lists(st.tuples(st.one_of(_token, _token, _noise), _sep), max_size=40).map(
    lambda p: "".join(a + b for a, b in p)
)


def deltas_of(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c for c in cuts if 0 < c < len(text)})
    return [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, cuts=st.lists(st.integers(0, 800), max_size=30))
@pytest.mark.anyio
async def test_streamed_equals_whole_for_any_split(
    text: str, cuts: list[int], streams: Any
) -> None:
    expected = await process_text(text, streams.processor())
    # The segments keep every value whole, so segment-wise processing equals processing
    # the text in one piece: no value is ever split by a boundary.
    assert expected == streams.expected_whole(text)
    channel = IncrementalText(streams.processor())
    released = [await channel.feed(d) for d in deltas_of(text, cuts)]
    released.append(await channel.finish())
    assert "".join(released) == expected
    whole = "".join(released)
    for value in streams.redacted_values(text):
        for n in range(3, len(value) + 1):
            if value[:n] not in expected:
                assert all(value[:n] not in piece for piece in released)
                assert value[:n] not in whole
    assert channel.max_held <= HoldbackPolicy().max_chars + 1


@pytest.mark.anyio
async def test_feed_releases_complete_segments_and_finish_the_rest() -> None:
    seen: list[str] = []

    async def upper(segment: str, context: str) -> str:
        seen.append(segment)
        return segment.upper()

    channel = IncrementalText(upper, holdback=HoldbackPolicy(min_chars=4, max_chars=64))
    # a word is released with the whitespace after it
    assert await channel.feed("first sentence ends here.") == "FIRST SENTENCE ENDS "
    assert channel.held == len("here.")
    assert await channel.feed(" Second") == "HERE. "
    assert channel.held == len("Second")
    assert await channel.feed("  half") == ""  # a capitalised word waits for the next one
    assert await channel.feed(" and") == "SECOND  HALF "
    assert channel.held == len("and")
    assert await channel.finish() == "AND"
    assert await channel.finish() == ""
    assert seen == ["first ", "sentence ", "ends ", "here. ", "Second  half ", "and"]
    assert channel.finished
    with pytest.raises(ValueError, match="after finish"):
        await channel.feed("more")


@pytest.mark.anyio
async def test_processor_failure_propagates_and_releases_nothing() -> None:
    async def failing(segment: str, context: str) -> str:
        raise DetectionError("detector unavailable")

    channel = IncrementalText(failing, holdback=HoldbackPolicy(min_chars=4, max_chars=64))
    assert await channel.feed("short") == ""
    with pytest.raises(DetectionError):
        await channel.feed(" text that completes a word. Next")
    assert channel.released == 0


@pytest.mark.parametrize("text", ["", " ", "one", "a b c. D e f.\n"])
@pytest.mark.anyio
async def test_process_text_calls_processor_per_segment(text: str) -> None:
    calls: list[str] = []

    async def record(segment: str, context: str) -> str:
        calls.append(segment)
        return segment

    assert await process_text(text, record) == text
    assert calls == split_segments(text)


@settings(max_examples=150, deadline=None)
@given(text=TEXTS, cuts=st.lists(st.integers(0, 800), max_size=30))
@pytest.mark.anyio
async def test_every_segment_gets_the_same_left_context_streamed_or_whole(
    text: str, cuts: list[int]
) -> None:
    whole: list[tuple[str, str]] = []
    streamed: list[tuple[str, str]] = []

    def recorder(into: list[tuple[str, str]]) -> Any:
        async def record(segment: str, context: str) -> str:
            into.append((segment, context))
            return segment

        return record

    await process_text(text, recorder(whole))
    channel = IncrementalText(recorder(streamed))
    for delta in deltas_of(text, cuts):
        await channel.feed(delta)
    await channel.finish()
    assert streamed == whole
    position = 0
    for segment, context in whole:
        # the context is what came just before the segment, from a word start, bounded
        assert context == left_context(text[:position])
        assert text[:position].endswith(context)
        assert len(context) <= 80
        position += len(segment)


@pytest.mark.parametrize(
    ("before", "context"),
    [
        ("", ""),
        ("short text ", "short text "),
        ("x" * 200, ""),  # one long word: no word start within reach
        ("a" * 100 + " tail words here ", "tail words here "),
        ("y" * 79 + " " + "z" * 80, "z" * 80),  # a word start exactly at the reach
    ],
)
def test_left_context_starts_at_a_word_within_reach(before: str, context: str) -> None:
    assert left_context(before) == context
