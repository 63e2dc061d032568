from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.streaming import HoldbackPolicy, Segmenter, split_segments

FILLER = "the report was sent to the team and everyone read it carefully, "


def boundaries(segments: list[str]) -> list[int]:
    out, pos = [], 0
    for segment in segments[:-1]:
        pos += len(segment)
        out.append(pos)
    return out


@pytest.mark.parametrize(
    "value",
    [
        "+7 701 234 56 78",
        "8 (701) 234-56-78",
        "9011 2330 0258",
        "John Smith",
        "Айгерим Серикова",
        "Айгерим\nСерикова",
        "J. Smith",
        "Dr. Ivan Petrov",
        "aigerim.serikova@mail.kz",
        "https://example.com/path?q=1",
        "<PERSON_12>",
        "<LOCATION 3>",
        "KZ86125KZT5004100100",
        "г. Алматы",
        "ул. Абая",
        "тел. 8 701 234 56 78",
        "ИИН:\n901123300258",
        "Name:\nJohn Smith",
        "8 701 234. 56 78",
        "ул. Абая 150 кв 12",
    ],
)
@pytest.mark.parametrize("position", ["start", "middle", "end"])
def test_no_boundary_inside_a_value(value: str, position: str) -> None:
    before = {"start": "", "middle": FILLER * 3, "end": FILLER * 6}[position]
    after = " " + FILLER * 3 if position != "end" else ""
    text = before + value + after
    policy = HoldbackPolicy(min_chars=4, max_chars=1024)
    segments = split_segments(text, policy)
    assert "".join(segments) == text
    start = len(before)
    inside = [b for b in boundaries(segments) if start < b < start + len(value)]
    assert inside == []
    assert len(segments) > 3  # the filler around it is cut


def test_plain_words_are_segments_of_their_own() -> None:
    text = "the report was sent to the team, and everyone read it. then we left"
    segments = split_segments(text)
    assert segments == [w + " " for w in text.split(" ")[:-1]] + ["left"]


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        # a capitalised word stays with the word after it
        ("we met John Smith today", ["we ", "met ", "John Smith today"]),
        ("we met Smith. then left", ["we ", "met ", "Smith. ", "then ", "left"]),
        ("so <PERSON_1> said", ["so ", "<PERSON_1> ", "said"]),
        ("call +7 701 234 56 78 now", ["call ", "+7 701 234 56 78 now"]),
        ("live in г. Алматы now", ["live ", "in ", "г. Алматы now"]),
        ("phone: 8 701 234 56 78", ["phone: ", "8 701 234 56 78"]),
    ],
)
def test_what_stays_together(text: str, segments: list[str]) -> None:
    assert split_segments(text) == segments


@pytest.mark.parametrize(
    ("prose", "longest"),
    [
        ("the report was sent to the team and everyone read it carefully " * 4, "carefully"),
        ("a value +7 701 234 56 78 was there and then gone " * 3, "+7 701 234 56 78 was"),
        ("отчёт отправлен Айгерим Сериковой вчера вечером " * 3, "Айгерим Сериковой вчера"),
    ],
)
def test_hold_back_is_the_run_being_formed(prose: str, longest: str) -> None:
    segmenter = Segmenter()
    most = 0
    for ch in prose:
        segmenter.push(ch)
        most = max(most, segmenter.held)
    # the run still being formed: the whitespace after it releases it at once
    assert most == len(longest)


@pytest.mark.parametrize(
    ("text", "max_chars"),
    [
        ("Aaa Bbb " * 200, 64),  # only vetoed candidates: falls back to any whitespace
        ("x" * 500, 64),  # no whitespace at all: hard cut
        ("1 2 3 4 5 6 7 8 9 " * 30, 40),
        ("Name Surname, age 42. " * 40, 100),
    ],
)
def test_segments_never_exceed_max_chars(text: str, max_chars: int) -> None:
    policy = HoldbackPolicy(min_chars=8, max_chars=max_chars)
    segments = split_segments(text, policy)
    assert "".join(segments) == text
    assert max(len(s) for s in segments) <= max_chars


def test_an_open_block_grows_to_block_chars_then_is_cut() -> None:
    body = "\n".join(["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"] * 40)
    block = f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"
    text = "the key:\n" + block + "done now"
    assert split_segments(text) == ["the ", "key:\n", block, "done ", "now"]
    # never closed: the block bound still applies
    unclosed = "x " + "-----BEGIN PRIVATE KEY-----\n" + body * 2
    segments = split_segments(unclosed, HoldbackPolicy(max_chars=256, block_chars=1024))
    assert "".join(segments) == unclosed
    assert 256 < len(segments[1]) <= 1024


def test_forced_cut_prefers_a_candidate_that_passes_the_vetoes() -> None:
    text = "Aaa Bbb ddd Eee Fff Ggg Hhh Iii"
    policy = HoldbackPolicy(min_chars=20, max_chars=24)
    segments = split_segments(text, policy)
    assert segments[0] == "Aaa Bbb ddd "  # the last cut not after a capitalised word


def test_a_long_run_of_capitalised_words_is_cut_after_six() -> None:
    heading = "Quarterly Report For The Almaty Branch Of The Company "
    segments = split_segments(heading + "is ready")
    assert segments[0] == "Quarterly Report For The Almaty Branch "
    assert "".join(segments) == heading + "is ready"
    # a name of fewer words stays whole
    assert split_segments("met Анна Мария Петрова Сидорова today")[1] == (
        "Анна Мария Петрова Сидорова today")


def test_could_continue_vetoes_a_cut() -> None:
    text = "first sentence is here. [[fake\nname]] and more words follow.\nEnd"
    base = HoldbackPolicy(min_chars=4, max_chars=1024)

    def open_marker(tail: str) -> int:
        start = tail.rfind("[[")
        return len(tail) - start if start >= 0 and "]]" not in tail[start:] else 0

    guarded = HoldbackPolicy(min_chars=4, max_chars=1024, could_continue=open_marker)

    def balanced(segments: list[str]) -> bool:
        return all(s.count("[[") == s.count("]]") for s in segments)

    assert not balanced(split_segments(text, base))
    assert balanced(split_segments(text, guarded))
    assert "".join(split_segments(text, guarded)) == text


@pytest.mark.parametrize(
    "kwargs",
    [{"min_chars": 0}, {"min_chars": 50, "max_chars": 40}, {"min_chars": 1, "max_chars": 8},
     {"max_chars": 64, "block_chars": 32}],
)  # fmt: skip
def test_policy_validation(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="HoldbackPolicy"):
        HoldbackPolicy(**kwargs)


_token = st.one_of(
    st.sampled_from(
        ["the", "report", "Smith", "John", "Айгерим", "Серикова", "живёт", "в", "Астане",
         "+7", "701", "234", "56", "78", "9011", "2330", "<PERSON_1>", "a.b@mail.kz", "😀👍🏽",
         "Mr.", "done.", "ok!", "why?", "«quote»", "(8)", "тел.", "end.", ",", "..."]
    ),
    st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=6),
)  # fmt: skip
_sep = st.sampled_from([" ", "  ", "\n", "\r\n", "\t", " \n ", ""])
_texts = st.lists(st.tuples(_token, _sep), max_size=80).map(lambda p: "".join(a + b for a, b in p))
_policies = st.sampled_from(
    [None, HoldbackPolicy(min_chars=1, max_chars=16), HoldbackPolicy(min_chars=4, max_chars=40)]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(text=_texts, policy=_policies, cuts=st.lists(st.integers(0, 600), max_size=20))
def test_any_split_gives_the_same_segments(
    text: str, policy: HoldbackPolicy | None, cuts: list[int]
) -> None:
    expected = split_segments(text, policy)
    assert "".join(expected) == text
    assert all(expected)
    limit = (policy or HoldbackPolicy()).max_chars
    assert all(len(s) <= limit for s in expected)
    segmenter = Segmenter(policy)
    points = sorted({c for c in cuts if 0 < c < len(text)})
    got: list[str] = []
    for a, b in zip([0, *points], [*points, len(text)], strict=True):
        got += segmenter.push(text[a:b])
        assert segmenter.held <= limit + 1 + (b - a)
    got += segmenter.end()
    assert got == expected


@settings(max_examples=100, deadline=None)
@given(text=_texts)
def test_char_by_char_equals_whole(text: str) -> None:
    segmenter = Segmenter(HoldbackPolicy(min_chars=4, max_chars=40))
    got: list[str] = []
    for ch in text:
        got += segmenter.push(ch)
        assert segmenter.held <= 41
    got += segmenter.end()
    assert got == split_segments(text, HoldbackPolicy(min_chars=4, max_chars=40))
