"""The detection benchmark's matching rule, false-positive rate, targets and joined prompts."""

from __future__ import annotations

import pytest
from benchmarks.corpora.score import Span, fp_rate, join_prompts, partly_clear, score, verdicts

P = "PERSON"


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        # exact, overlapping, and a prediction wider than the gold span all match
        ([(P, 0, 10)], [(P, 0, 10)], (1, 0, 0)),
        ([(P, 0, 10)], [(P, 5, 15)], (1, 0, 0)),
        ([(P, 6, 16)], [(P, 0, 16)], (1, 0, 0)),
        # touching is not overlapping
        ([(P, 0, 10)], [(P, 10, 15)], (0, 1, 1)),
        # another type does not match
        ([(P, 0, 10)], [("LOCATION", 0, 10)], (0, 0, 1)),
        # one to one: a name found in two halves is one hit and one false positive
        ([(P, 0, 10)], [(P, 0, 4), (P, 5, 10)], (1, 1, 0)),
        # one prediction over two names finds one of them
        ([(P, 0, 4), (P, 5, 10)], [(P, 0, 10)], (1, 0, 1)),
        ([(P, 0, 10)], [], (0, 0, 1)),
    ],
)
def test_matching(gold: list[Span], pred: list[Span], expected: tuple[int, int, int]) -> None:
    per = score([gold], [pred])["per_type"][P]
    assert (per["tp"], per["fp"], per["fn"]) == expected
    assert per["support"] == expected[0] + expected[2]


def test_types_not_labelled_are_not_charged() -> None:
    result = score([[(P, 0, 4)]], [[(P, 0, 4), ("DATE_TIME", 6, 10)]])
    assert set(result["per_type"]) == {P}
    assert result["overall"]["precision"] == 1.0


def test_city_inside_a_predicted_address_is_found() -> None:
    gold = [("STREET_ADDRESS", 0, 14), ("LOCATION", 16, 22)]
    per = score([gold], [[("STREET_ADDRESS", 0, 22)]])["per_type"]
    assert (per["STREET_ADDRESS"]["tp"], per["LOCATION"]["tp"], per["LOCATION"]["fn"]) == (1, 1, 0)
    # an address prediction that only covers the city is not a false positive either
    per = score([[("LOCATION", 16, 22)]], [[("STREET_ADDRESS", 15, 23)]])["per_type"]
    assert per["LOCATION"]["tp"] == 1
    # but a wider PERSON does not hide a LOCATION
    per = score([[("LOCATION", 16, 22)], [(P, 0, 3)]], [[(P, 10, 30)], []])["per_type"]
    assert per["LOCATION"]["fn"] == 1


def test_fp_rate_ignores_organisations_and_unlabelled_types() -> None:
    labelled = frozenset({P, "ORGANIZATION"})
    pred = [[], [("ORGANIZATION", 0, 3)], [("DATE_TIME", 0, 3)], [(P, 0, 3)]]
    assert fp_rate(pred, labelled) == {"texts": 4, "with_finding": 1, "rate": 0.25}


def test_verdicts() -> None:
    per = score([[(P, 0, 4), (P, 5, 9)], [("SECRET", 0, 4)]],
                [[(P, 0, 4)], [("SECRET", 0, 4)]])["per_type"]
    marks = verdicts(per)
    assert marks[P] == {"recall": "missed", "precision": "met"}
    assert marks["SECRET"] == {"recall": "met", "precision": "met"}


def test_joined_prompts_keep_gold_offsets() -> None:
    rows = [
        {"text": f"Call Ivan{i} now.", "spans": [{"start": 5, "end": 9 + len(str(i)),
                                                  "entity_type": P}]}
        for i in range(40)
    ]
    prompts = join_prompts(rows, 120, seed=3)
    assert sorted(i for _, _, members in prompts for i in members) == list(range(40))
    for text, spans, members in prompts:
        assert len(spans) == len(members)
        assert all(text[s:e].startswith("Ivan") for _, s, e in spans)
        assert len(text) < 120 + 20
    assert any("\n" in text for text, _, _ in prompts)


def test_partly_clear_counts_values_with_letters_left_uncovered() -> None:
    texts = ["Thanks, Devon Price", "Dear Aigerim, hi", "IIN 901123300258", "Acme LLC"]
    gold = [[("PERSON", 8, 19)], [("PERSON", 5, 12)], [("KZ_IIN", 4, 16)],
            [("ORGANIZATION", 0, 8)]]
    pred = [[("PERSON", 8, 13)],  # "Devon": "Price" stays in the clear
            [("PERSON", 5, 12)],  # whole
            [],  # missed entirely: not "touched", counted by recall instead
            [("ORGANIZATION", 0, 4)]]  # organisations are not personal data
    assert partly_clear(texts, gold, pred) == {"touched": 2, "partly": 1, "rate": 0.5}
    # a value covered by two predictions of any personal type is covered
    assert partly_clear(["Devon Price"], [[("PERSON", 0, 11)]],
                        [[("PERSON", 0, 5), ("LOCATION", 6, 11)]])["partly"] == 0
