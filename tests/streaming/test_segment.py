from __future__ import annotations

import re

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
        "phone: 8 701 234 56 78",
    ],
)
@pytest.mark.parametrize("position", ["start", "middle", "end"])
def test_no_boundary_inside_a_value(value: str, position: str) -> None:
    before = {"start": "", "middle": FILLER * 3, "end": FILLER * 6}[position]
    after = " " + FILLER * 3 if position != "end" else ""
    text = before + value + after
    policy = HoldbackPolicy(min_chars=4, soft_chars=8, max_chars=1024)
    segments = split_segments(text, policy)
    assert "".join(segments) == text
    start = len(before)
    inside = [b for b in boundaries(segments) if start < b < start + len(value)]
    assert inside == []
    assert len(segments) > 3  # the filler around it is cut


@pytest.mark.parametrize(
    ("text", "cut_after"),
    [
        ("We met yesterday at the office. Then we left for lunch.", "office. "),
        ("Line one of the reply is here\nLine two follows it", "here\n"),
        ("Is that everything you needed? Sure, thanks a lot!", "needed? "),
        ("She said «it is done.» Then nothing more was said", "done.» "),
    ],
)
def test_cuts_at_sentence_and_line_ends(text: str, cut_after: str) -> None:
    segments = split_segments(text, HoldbackPolicy(min_chars=8, soft_chars=500, max_chars=1024))
    assert segments[0].endswith(cut_after)
    assert "".join(segments) == text


@pytest.mark.parametrize(
    "text",
    [
        "Please call Mr. Smith tomorrow about the contract",  # title abbreviation
        "Contact John\nSmith about the missing documents",  # name across a line break
        "The number is 8 701 234. 56 78 is not a sentence end",  # digits with a dot
        "Meet at the station at ten. 5 people will come",  # next "sentence" is a digit
    ],
)
def test_no_cut_at_false_sentence_ends(text: str) -> None:
    policy = HoldbackPolicy(min_chars=8, soft_chars=500, max_chars=1024)
    assert "".join(split_segments(text, policy)) == text
    first = split_segments(text, policy)[0]
    assert not re.search(r"(Mr\. |John\n|234\. |ten\. )$", first)


def test_soft_cut_between_lower_case_words_only_after_soft_chars() -> None:
    text = "word " * 40
    policy = HoldbackPolicy(min_chars=8, soft_chars=30, max_chars=1024)
    segments = split_segments(text, policy)
    assert all(len(s) >= 30 for s in segments[:-1])
    assert all(len(s) <= 36 for s in segments)


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
    policy = HoldbackPolicy(min_chars=8, soft_chars=32, max_chars=max_chars)
    segments = split_segments(text, policy)
    assert "".join(segments) == text
    assert max(len(s) for s in segments) <= max_chars


def test_forced_cut_prefers_a_candidate_that_passes_the_vetoes() -> None:
    text = "Aaa Bbb Ccc, ddd Eee Fff Ggg Hhh Iii Jjj Kkk Lll Mmm Nnn"
    policy = HoldbackPolicy(min_chars=4, soft_chars=4, max_chars=40)
    segments = split_segments(text, policy)
    assert segments[0] == "Aaa Bbb Ccc, ddd "  # the last cut not between two capitals


def test_could_continue_vetoes_a_cut() -> None:
    text = "first sentence is here. [[fake\nname]] and more words follow.\nEnd"
    base = HoldbackPolicy(min_chars=4, soft_chars=500, max_chars=1024)

    def open_marker(tail: str) -> int:
        start = tail.rfind("[[")
        return len(tail) - start if start >= 0 and "]]" not in tail[start:] else 0

    guarded = HoldbackPolicy(
        min_chars=4, soft_chars=500, max_chars=1024, could_continue=open_marker
    )

    def balanced(segments: list[str]) -> bool:
        return all(s.count("[[") == s.count("]]") for s in segments)

    assert not balanced(split_segments(text, base))
    assert balanced(split_segments(text, guarded))
    assert "".join(split_segments(text, guarded)) == text


@pytest.mark.parametrize(
    "kwargs",
    [{"min_chars": 0}, {"min_chars": 50, "soft_chars": 40}, {"soft_chars": 2000}, {"min_chars": 1,
     "soft_chars": 2, "max_chars": 8}],
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
    [None, HoldbackPolicy(min_chars=1, soft_chars=1, max_chars=16),
     HoldbackPolicy(min_chars=4, soft_chars=12, max_chars=40)]
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
    segmenter = Segmenter(HoldbackPolicy(min_chars=4, soft_chars=12, max_chars=40))
    got: list[str] = []
    for ch in text:
        got += segmenter.push(ch)
        assert segmenter.held <= 41
    got += segmenter.end()
    assert got == split_segments(text, HoldbackPolicy(min_chars=4, soft_chars=12, max_chars=40))
