"""Fuzz the normalizer and the encoded-run decoder: ``python fuzz/fuzz_normalize.py [corpus]``
(``make fuzz``; needs atheris).

Checked for every input:

* ``normalize`` keeps the original, and its offset map is well formed: one original span
  per normalized code point, in bounds, non-empty and never going backwards;
* ``Normalized.span`` maps every normalized range into the original text;
* normalizing the normalized text changes nothing more (idempotent);
* ``decoded_runs`` yields in-bounds runs, and ``encoded_findings`` reports findings on
  those runs only.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from qorgan.detection.decode import decoded_runs, encoded_findings
    from qorgan.detection.normalize import normalize
    from qorgan.types import Finding


def _everything(text: str) -> list[Finding]:
    return [Finding("TEST", 0, len(text), 1.0, "fuzz")] if text else []


def _check_normalize(text: str) -> None:
    norm = normalize(text)
    if norm.original != text:
        raise RuntimeError("the original text was not kept")
    if norm.starts is None or norm.ends is None:
        if norm.text != text:
            raise RuntimeError("text changed without an offset map")
    else:
        if not len(norm.starts) == len(norm.ends) == len(norm.text):
            raise RuntimeError("offset map length differs from the normalized text")
        previous = 0
        for start, end in zip(norm.starts, norm.ends, strict=True):
            if not 0 <= start < end <= len(text) or start < previous:
                raise RuntimeError("offset map out of bounds or going backwards")
            previous = start
    size = len(norm.text)
    for start in range(0, size, max(1, size // 8)):
        for end in (start + 1, size):
            if end <= start:
                continue
            a, b = norm.span(start, end)
            if not 0 <= a < b <= len(text):
                raise RuntimeError("a mapped span is out of bounds")
    again = normalize(norm.text)
    if again.text != norm.text:
        raise RuntimeError("normalization is not idempotent")


def _check_decode(text: str) -> None:
    runs = list(decoded_runs(text))
    spans = {(start, end) for start, end, _ in runs}
    for start, end in spans:
        if not 0 <= start < end <= len(text):
            raise RuntimeError("a run is out of bounds")
    for finding in encoded_findings(text, _everything):
        if (finding.start, finding.end) not in spans:
            raise RuntimeError("a decoded finding is not on an encoded run")


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(len(data))
    _check_normalize(text)
    _check_decode(text)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
