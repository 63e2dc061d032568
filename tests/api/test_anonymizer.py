"""qorgan's anonymizer against presidio-anonymizer itself (a test dependency only): for any
spans and operators, the same text and items; and values encrypted by one are decrypted
by the other."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_anonymizer import AnonymizerEngine, DeanonymizeEngine
from presidio_anonymizer.entities import OperatorConfig, OperatorResult, RecognizerResult

from qorgan.api import anonymizer as ops

TYPES = ("PERSON", "LOCATION", "KZ_IIN")
OPERATORS: list[dict[str, Any]] = [
    {"type": "replace"},
    {"type": "replace", "new_value": "<X>"},
    {"type": "redact"},
    {"type": "keep"},
    {"type": "mask", "masking_char": "*", "chars_to_mask": 4, "from_end": True},
    {"type": "mask", "masking_char": "#", "chars_to_mask": 100, "from_end": False},
]


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, list[ops.Span], dict[str, dict[str, Any]]]:
    text = draw(st.text(alphabet="ab қ  ", min_size=1, max_size=40))
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        score = draw(st.sampled_from([0.5, 0.8, 1.0]))
        spans.append(ops.Span(start, end, draw(st.sampled_from(TYPES)), score))
    chosen = draw(st.dictionaries(st.sampled_from((*TYPES, "DEFAULT")),
                                  st.sampled_from(OPERATORS), max_size=3))
    return text, spans, chosen


@settings(max_examples=300, deadline=None)
@given(cases())
def test_same_answers_as_presidio_anonymizer(
    case: tuple[str, list[ops.Span], dict[str, dict[str, Any]]],
) -> None:
    text, spans, chosen = case
    theirs = AnonymizerEngine().anonymize(
        text=text,
        analyzer_results=[RecognizerResult(s.entity_type, s.start, s.end, s.score)
                          for s in spans],
        operators={k: OperatorConfig(v["type"], {p: x for p, x in v.items() if p != "type"})
                   for k, v in chosen.items()},
    )
    ours_text, ours_items = ops.anonymize(text, spans, ops.operator_configs(chosen))
    assert ours_text == theirs.text
    assert [i.to_dict() for i in ours_items] == [
        {"start": i.start, "end": i.end, "entity_type": i.entity_type, "text": i.text,
         "operator": i.operator} for i in theirs.items]


@pytest.mark.parametrize("key", ["1111111111111111", "k" * 24, "é" * 16])
def test_encryption_interoperates_with_presidio(key: str) -> None:
    value = "Ержан Қасымов, ИИН 850101300124"
    ours = ops.encrypt(key.encode(), value)
    theirs = AnonymizerEngine().anonymize(
        text=value, analyzer_results=[RecognizerResult("PERSON", 0, len(value), 1.0)],
        operators={"PERSON": OperatorConfig("encrypt", {"key": key})}).text
    decrypted_by_presidio = DeanonymizeEngine().deanonymize(
        text=ours, entities=[OperatorResult(0, len(ours), "PERSON")],
        operators={"PERSON": OperatorConfig("decrypt", {"key": key})}).text
    assert decrypted_by_presidio == value
    assert ops.decrypt(key.encode(), theirs) == value


def test_salted_hash_is_presidios() -> None:
    params = {"type": "hash", "hash_type": "sha512", "salt": "0123456789abcdef"}
    theirs = AnonymizerEngine().anonymize(
        text="901123300258", analyzer_results=[RecognizerResult("KZ_IIN", 0, 12, 1.0)],
        operators={"KZ_IIN": OperatorConfig("hash", {k: v for k, v in params.items()
                                                       if k != "type"})}).text
    ours, _ = ops.anonymize("901123300258", [ops.Span(0, 12, "KZ_IIN", 1.0)],
                            ops.operator_configs({"KZ_IIN": params}))
    assert ours == theirs
