from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest

from qorgan.detection.gate import (
    may_hold_name,
    name_segments,
    name_sentences,
    needs_ner,
    sentence_spans,
)
from qorgan.detection.nlp import EnglishNerBackend


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Please update the record for Michael Brown", True),
        ("Aigerim called yesterday", True),  # a name as the first word
        ("The IIN 901123300259 failed validation", False),
        ("Transfer 250,000 KZT to account KZ86125KZT5004100100 now", False),
        ("Check whether it works in ALMATY", True),  # all caps, not a label
        ("the meeting is at noon", False),
        ("I think so", False),
        ("1. Please send it", False),
        ("Please send it to Astana", True),
    ],
)
def test_may_hold_name(sentence: str, expected: bool) -> None:
    assert may_hold_name(sentence) is expected


def test_segments_skip_sentences_without_names() -> None:
    text = (
        "The IIN 901123300259 failed. Please check it. Ask Aigerim Bekova today. "
        "She lives in Almaty. The total is 5 tenge. Reply soon."
    )
    segments = [text[s:e] for s, e in name_segments(text)]
    assert segments == ["Ask Aigerim Bekova today. She lives in Almaty."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("Hello Aigerim Bekova.", [(0, 21)]),
        ("no capitals here at all", []),
        ("Ask Aigerim. The end. Ask Nurlan.", [(0, 12), (22, 33)]),
        ("Ask Aigerim Bekova and Nurlan Abenov about it. Ok.", [(0, 50)]),  # nearly all: whole
    ],
)
def test_segments_whole_or_nothing(text: str, expected: list[tuple[int, int]]) -> None:
    assert name_segments(text) == expected


@dataclass
class _Ent:
    label_: str
    start_char: int
    end_char: int


@dataclass
class _Doc:
    ents: list[_Ent]


class _FakeNlp:
    """Tags every "Aigerim Bekova" as PERSON; remembers the texts it was given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[_Doc]:
        for text in texts:
            self.seen.append(text)
            at = text.find("Aigerim Bekova")
            yield _Doc([_Ent("PERSON", at, at + 14)] if at >= 0 else [])


def test_backend_maps_segment_offsets_back() -> None:
    nlp = _FakeNlp()
    backend = EnglishNerBackend(nlp)
    texts = [
        "The IIN 901123300259 failed. Please check it. Ask Aigerim Bekova today.",
        "nothing to see",
        "Aigerim Bekova wrote.",
    ]
    results = backend.analyze_batch(texts)
    spans = [
        [(f.entity_type, t[f.start : f.end]) for f in found]
        for t, found in zip(texts, results, strict=True)
    ]
    assert spans == [[("PERSON", "Aigerim Bekova")], [], [("PERSON", "Aigerim Bekova")]]
    # the model reads the kept sentences, shortest first, each once
    assert nlp.seen == ["Aigerim Bekova wrote.", "Ask Aigerim Bekova today."]


def test_backend_reads_a_sentence_repeated_across_texts_once() -> None:
    nlp = _FakeNlp()
    texts = ["Ask Aigerim Bekova today.", "Hello. Ask Aigerim Bekova today.",
             "Ask Aigerim Bekova today."]
    results = EnglishNerBackend(nlp).analyze_batch(texts)
    assert nlp.seen == ["Ask Aigerim Bekova today."]
    spans = [[(f.start, f.end) for f in found] for found in results]
    assert spans == [[(4, 18)], [(11, 25)], [(4, 18)]]


def test_backend_without_gate_sees_whole_texts() -> None:
    nlp = _FakeNlp()
    EnglishNerBackend(nlp, gate=False).analyze_batch(["the end. Aigerim Bekova"])
    assert nlp.seen == ["the end. Aigerim Bekova"]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Ask Mr. Petrov. He knows.", ["Ask Mr. Petrov.", "He knows."]),
        ("A. Serikova signed\nJohn Smith", ["A. Serikova signed", "John Smith"]),
        ("", []),
    ],
)
def test_sentence_spans(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == sentences


def test_name_sentences_keep_only_sentences_with_a_name() -> None:
    text = "The IIN 901123300259 failed. Ask Aigerim Bekova today. She lives in Almaty."
    assert [text[s:e] for s, e in name_sentences(text)] == [
        "Ask Aigerim Bekova today.", "She lives in Almaty."]


@pytest.mark.parametrize(
    ("segment", "context", "expected"),
    [
        ("ivan ", "Please call ", True),  # after a cue, in lower case
        ("aigerim ", "the file is from ", True),  # a listed name in lower case
        ("IVAN ", "", True),
        ("ивану ", "позвони ", True),
        ("the ", "Please read ", False),
        ("report ", "summarize the ", False),
        ("Aigerim ", "thanks ", True),
        ("Please ", "", False),  # a common first word
        ("aigerim%40mail.kz", "", True),
    ],
)
def test_needs_ner(segment: str, context: str, expected: bool) -> None:
    assert needs_ner(segment, context) is expected


def test_readable_case_titles_sentences_in_capitals_only() -> None:
    from qorgan.detection.gate import readable_case

    assert readable_case("ПРИВЕТ, АЙГЕРИМ!") == "Привет, Айгерим!"
    assert readable_case("CALL IVAN PETROV") == "Call Ivan Petrov"
    assert readable_case("Call IVAN now") == "Call IVAN now"  # mostly not in capitals
    assert readable_case("OK IIN") == "OK IIN"  # too short to tell
