"""The fourth step: personal data in the request's texts, in its object keys and
identifier-shaped fields, and across the joints between adjacent texts, in one detection
call.

A caller can cut a value into pieces — ``"IIN 9011"``, ``"2330"``, ``"0258"`` as three
content parts, twelve digits as twelve messages — so that no piece is a value on its own,
while the model reads them together. The guard therefore also scans the texts *glued*: the
region around every joint of the concatenated texts, far enough on each side
(``REACH`` characters) to hold any value a recognizer reassembles, in windows that overlap
by ``REACH`` so a value is always whole in one of them. Regions of neighbouring joints merge,
so a body of thousands of short texts costs about one pattern pass over its length, not
one window per joint. A finding there that crosses a joint becomes one finding in each text
it touches, covering only the characters of the value in that text, and the policy decides
each part like any other finding.

Gluing can also make a value longer than it is: ``"…helpful assistant"`` glued to
``"aigerim@mail.kz wrote"`` reads ``assistantaigerim@mail.kz``. When one text's own scan
already found the value whole, and the joint only glues a word onto it (a letter or an
underscore on one side, a letter or a digit on the other), the glued finding is dropped: the
value is replaced where it is, the neighbour's word is left alone.

Only contiguous splits are caught: a value whose pieces are separated by other words
("first part: ..." / "second part: ...") is not one value in any text the model reads either.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from qorgan.detection.config import DetectionConfig
from qorgan.detection.service import DetectionService
from qorgan.pipeline.extract import Extracted
from qorgan.types import Finding


@dataclass(frozen=True, slots=True)
class Detected:
    #: per slot, in the slot's coordinates (a value cut across slots is a finding in each)
    findings: list[list[Finding]]
    #: whether an object key holds personal data
    in_keys: bool
    #: whether an identifier-shaped structural value (an id, a name, the model) does
    in_ids: bool = False


async def detect_request(
    detection: DetectionService, config: DetectionConfig, extracted: Extracted
) -> Detected:
    texts = extracted.texts
    keys = extracted.keys
    # only the body's texts run into each other for the model; a query value is a field
    # of its own
    body_count = len(extracted.slots)
    glued = Runs.of(texts[:body_count])
    # identifier-shaped keys and values are scanned by the pattern recognizers, once as
    # written (tokens, IBANs) and once read as words ("call_901123300258")
    names = _pair(extracted.key_names)
    ids = _pair(extracted.identifiers)
    # identifiers and addresses are what gets cut in two; names across a joint would not
    # read as names, so the joints skip NER
    found, patterns = await detection.detect_many(config, [
        ([*texts, keys] if keys else texts, True),
        ([*(w.text for w in glued.windows), *names, *ids], False),
    ])
    n, w = len(texts), len(glued.windows)
    in_keys = any(found[n:]) or _any(patterns[w:w + len(names)])
    in_ids = _any(patterns[w + len(names):])
    findings = glued.split(texts[:body_count], found[:body_count], patterns[:w])
    findings.extend(list(f) for f in found[body_count:n])
    return Detected(findings, in_keys, in_ids)


#: read into words, an identifier's digit runs look like bare numbers, which the phone
#: recognizer takes for phones (``run_1757644430``); values with a checksum or a shape
#: (IIN, BIN, IBAN, card, address, token) are what an identifier can hide
_NOT_IN_WORDS = frozenset({"PHONE_NUMBER"})


def _any(results: Sequence[Sequence[Finding]]) -> bool:
    """Findings in ``[as written, in words]`` pairs of identifier texts."""
    for i, findings in enumerate(results):
        if any(i % 2 == 0 or f.entity_type not in _NOT_IN_WORDS for f in findings):
            return True
    return False


def words(text: str) -> str:
    """``text`` with ``_`` read as a space, so a value glued into an identifier
    (``call_901123300258``) stands alone: ``_`` is a word character, and recognizers look
    for values that do not touch one."""
    return text.replace("_", " ")


def _pair(values: Sequence[str]) -> list[str]:
    if not values:
        return []
    joined = "\n".join(values)
    return [joined, words(joined)]


#: the longest value reassembled across texts: an e-mail address is at most 254 characters,
#: an OpenAI project key about 170
REACH = 256
#: the glued regions are scanned in windows this long, overlapping by ``REACH``
WINDOW = 8 * REACH


@dataclass(frozen=True, slots=True)
class Window:
    start: int  #: where the window starts in the glued text
    text: str


@dataclass(frozen=True, slots=True)
class Runs:
    """The texts glued end to end, and the windows of the glued text to scan."""

    glued: str
    starts: tuple[int, ...]  #: where each text starts in ``glued``
    joints: tuple[int, ...]  #: offsets in ``glued`` where one non-empty text meets the next
    windows: tuple[Window, ...]

    @classmethod
    def of(cls, texts: Sequence[str], *, reach: int = REACH, window: int = WINDOW) -> Runs:
        starts: list[int] = []
        offset = 0
        for text in texts:
            starts.append(offset)
            offset += len(text)
        glued = "".join(texts)
        joints = sorted({s for s in starts if 0 < s < len(glued)})
        windows: list[Window] = []
        region: list[int] | None = None
        for joint in joints:
            lo, hi = max(0, joint - reach), min(len(glued), joint + reach)
            if region is not None and lo <= region[1]:
                region[1] = hi
                continue
            if region is not None:
                windows.extend(_windows(glued, region[0], region[1], reach, window))
            region = [lo, hi]
        if region is not None:
            windows.extend(_windows(glued, region[0], region[1], reach, window))
        return cls(glued, tuple(starts), tuple(joints), tuple(windows))

    def split(
        self,
        texts: Sequence[str],
        found: Sequence[Sequence[Finding]],
        window_findings: Sequence[Sequence[Finding]],
    ) -> list[list[Finding]]:
        """``found`` plus, in each text, its part of every glued finding that crosses a
        joint (less what the text's own analysis already covers)."""
        out = [list(f) for f in found]
        crossing: list[Finding] = []
        for win, findings in zip(self.windows, window_findings, strict=True):
            for f in findings:
                g = replace(f, start=f.start + win.start, end=f.end + win.start)
                if self._crosses(g) and not self._glue(texts, found, g):
                    crossing.append(g)
        for span in _merge(crossing):
            for index, start, end in self._parts(texts, span):
                for piece in _uncovered(start, end, out[index]):
                    out[index].append(replace(span, start=piece[0], end=piece[1]))
        for findings in out:
            findings.sort(key=lambda g: (g.start, g.end))
        return out

    def _crosses(self, f: Finding) -> bool:
        k = bisect_right(self.joints, f.start)
        return k < len(self.joints) and self.joints[k] < f.end

    def _parts(self, texts: Sequence[str], f: Finding) -> list[tuple[int, int, int]]:
        """``(text index, start, end)`` of ``f`` in each non-empty text it touches."""
        first = bisect_right(self.starts, f.start) - 1
        out: list[tuple[int, int, int]] = []
        for index in range(max(first, 0), len(texts)):
            begin = self.starts[index]
            if begin >= f.end:
                break
            end = begin + len(texts[index])
            lo, hi = max(f.start, begin), min(f.end, end)
            if lo < hi:
                out.append((index, lo - begin, hi - begin))
        return out

    def _glue(self, texts: Sequence[str], found: Sequence[Sequence[Finding]],
              f: Finding) -> bool:
        """Whether ``f`` is a value one text holds whole, lengthened by a word glued on at
        a joint."""
        for index, start, end in self._parts(texts, f):
            if not any(g.entity_type == f.entity_type and g.start <= start and end <= g.end
                       for g in found[index]):
                continue
            begin = self.starts[index]
            for joint in (begin, begin + len(texts[index])):
                if f.start < joint < f.end and _glued_word(self.glued, joint):
                    return True
        return False


def _glued_word(glued: str, joint: int) -> bool:
    """A word glued onto another at ``joint``: letters or ``_`` meeting letters, digits or
    ``_`` (digits meeting digits are one number cut in two, not two words)."""
    left, right = glued[joint - 1], glued[joint]
    word = (left.isalnum() or left == "_") and (right.isalnum() or right == "_")
    return word and not (left.isdigit() and right.isdigit())


def _windows(glued: str, lo: int, hi: int, reach: int, size: int) -> list[Window]:
    """Windows of ``size`` covering ``glued[lo:hi]``, each overlapping the next by
    ``reach``: any value of at most ``reach`` characters lies whole in one of them."""
    out: list[Window] = []
    start = lo
    while True:
        end = min(start + size, hi)
        out.append(Window(start, glued[start:end]))
        if end >= hi:
            return out
        start = end - reach


def _merge(findings: list[Finding]) -> list[Finding]:
    """Overlapping glued findings as one span each (windows see a value more than once,
    and a window's edge can cut one short); the longest member names the entity."""
    groups: list[list[Finding]] = []
    reach = -1
    for f in sorted(findings, key=lambda g: (g.start, -g.end)):
        if groups and f.start < reach:
            groups[-1].append(f)
            reach = max(reach, f.end)
        else:
            groups.append([f])
            reach = f.end
    out: list[Finding] = []
    for group in groups:
        best = max(group, key=lambda g: (g.end - g.start, g.score))
        out.append(replace(best, start=group[0].start, end=max(g.end for g in group),
                           score=max(g.score for g in group)))
    return out


def _uncovered(start: int, end: int, own: Sequence[Finding]) -> list[tuple[int, int]]:
    """The pieces of ``[start, end)`` that no finding in ``own`` covers."""
    covered = sorted((g.start, g.end) for g in own if g.start < end and start < g.end)
    out: list[tuple[int, int]] = []
    cursor = start
    for lo, hi in covered:
        if lo > cursor:
            out.append((cursor, lo))
        cursor = max(cursor, hi)
    if cursor < end:
        out.append((cursor, end))
    return out


__all__ = [
    "REACH", "WINDOW", "Detected", "Runs", "Window", "detect_request", "words",
]  # fmt: skip

