"""The normalizer's invariants (also fuzzed by ``fuzz/fuzz_normalize.py``): the offset map is
well formed and normalizing twice changes nothing more. The table holds inputs the fuzzer
found."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.detection.decode import decoded_runs
from qorgan.detection.normalize import normalize


def check(text: str) -> None:
    norm = normalize(text)
    assert norm.original == text
    if norm.starts is None or norm.ends is None:
        assert norm.text == text
    else:
        assert len(norm.starts) == len(norm.ends) == len(norm.text)
        assert all(0 <= s < e <= len(text) for s, e in zip(norm.starts, norm.ends, strict=True))
        assert list(norm.starts) == sorted(norm.starts)
        if norm.text:
            a, b = norm.span(0, len(norm.text))
            assert 0 <= a < b <= len(text)
    assert normalize(norm.text).text == norm.text
    runs = list(decoded_runs(text))
    assert all(0 <= s < e <= len(text) for s, e, _ in runs)


@pytest.mark.parametrize("text", [
    "ԁ\x01Ｈ｛",            # full-width Latin makes the token mixed-script only after NFKC
    "ϰaz@mail.kz",          # NFKC turns the Greek kappa symbol into a foldable kappa
    "a\uffa0b 7ﾠ9",         # a half-width Hangul filler is invisible once NFKC'd
    "ａｉｇｅｒіｍ＠ｅｘａｍｐｌｅ．ｋｚ",
    "9 0 1 1 2 3 3 0 0 2 5 8",
    "",
])
def test_fuzzer_findings_stay_fixed(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
       | st.text(alphabet="0123456789 .-@аеорсхϰｘ＠\u200b\uffa0aAzZ%=+/", max_size=60))
def test_normalize_invariants(text: str) -> None:
    check(text)
