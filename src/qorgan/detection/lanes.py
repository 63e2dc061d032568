"""The lanes of :class:`~qorgan.detection.service.DetectionService`: callers waiting for a
limiter, a slot taken from whichever of two limiters frees first, and the batches that run
several callers' texts in one ``analyze_batch`` per detector."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import anyio

from qorgan.detection.engine import Detector
from qorgan.errors import DetectionError, QorganError
from qorgan.types import Finding

log = logging.getLogger("qorgan.detection")

__all__ = ["Job", "Lane", "Results", "Work", "acquire", "cached", "run_batch"]

Results = list[list[list[Finding]]]
#: what one caller asks: per batch, the detector (None for no texts) and the texts
Work = list[tuple[Detector | None, list[str]]]


@dataclass(eq=False)
class Job:
    work: Work
    size: int
    #: set once the job is finished, or when its caller is to lead the next batch
    wake: anyio.Event = field(default_factory=anyio.Event)
    lead: bool = False
    finished: bool = False
    abandoned: bool = False
    result: Results | None = None
    error: BaseException | None = None


class Lane:
    """Callers waiting for one limiter, oldest first, and whether a caller is leading."""

    def __init__(self, limiter: anyio.CapacityLimiter,
                 borrow: anyio.CapacityLimiter | None = None) -> None:
        self.limiter = limiter
        #: another lane's limiter whose free slots this lane may take
        self.borrow = borrow
        self.waiting: deque[Job] = deque()
        self.waiting_chars = 0
        self.leading = False
        #: set while nothing waits in this lane
        self.drained = anyio.Event()
        self.drained.set()
        #: a lane that yields to this one: it starts no batch while this one has work waiting
        self.yields_to: Lane | None = None
        self.full: anyio.Event | None = None


async def acquire(lane: Lane) -> tuple[anyio.CapacityLimiter, object]:
    """A slot of the lane's own limiter or, whichever frees first, of the limiter it may
    borrow from; returns the limiter and the token to release it with."""
    token = object()
    limiters = [lane.limiter] if lane.borrow is None else [lane.limiter, lane.borrow]
    for limiter in limiters:
        try:
            limiter.acquire_on_behalf_of_nowait(token)
        except anyio.WouldBlock:
            continue
        return limiter, token
    if len(limiters) == 1:
        await lane.limiter.acquire_on_behalf_of(token)
        return lane.limiter, token
    taken: list[anyio.CapacityLimiter] = []

    async def take(limiter: anyio.CapacityLimiter, scope: anyio.CancelScope) -> None:
        await limiter.acquire_on_behalf_of(token)
        if taken:  # the other one came first
            limiter.release_on_behalf_of(token)
            return
        taken.append(limiter)
        scope.cancel()

    try:
        async with anyio.create_task_group() as tg:
            for limiter in limiters:
                tg.start_soon(take, limiter, tg.cancel_scope)
    except BaseException:
        for limiter in taken:
            limiter.release_on_behalf_of(token)
        raise
    return taken[0], token


def cached(work: Work) -> Results | None:
    """Every batch's findings from its detector's cache, or None when one text is new."""
    out: Results = []
    for detector, texts in work:
        if detector is None:
            out.append([])
            continue
        look = getattr(detector, "cached", None)
        try:
            found = look(texts) if look is not None else None
        except Exception:  # noqa: BLE001 - a failed look-up only means detecting afresh
            found = None
        if found is None:
            return None
        out.append(found)
    return out


def run_batch(batch: Sequence[Job]) -> None:
    """In a worker thread: one ``analyze_batch`` per detector over every job's texts; if
    that fails, each job alone, so a failure stays with the job that caused it."""
    if len(batch) > 1:
        try:
            results = _analyze(batch)
        except Exception as exc:  # noqa: BLE001 - each job is run alone below
            log.warning("a shared detection batch failed (%s): running its callers one by one",
                        type(exc).__name__)
        else:
            for job, result in zip(batch, results, strict=True):
                job.result = result
            return
    for job in batch:
        try:
            job.result = _analyze([job])[0]
        except QorganError as exc:
            job.error = exc
        except Exception as exc:  # noqa: BLE001 - whatever broke, this caller fails closed
            log.error("detector failed: %s", type(exc).__name__)
            job.error = DetectionError("detection failed")
            job.error.__cause__ = exc


def _analyze(batch: Sequence[Job]) -> list[Results]:
    texts: dict[int, list[str]] = {}
    detectors: dict[int, Detector] = {}
    for job in batch:
        for detector, part in job.work:
            if detector is not None:
                detectors[id(detector)] = detector
                texts.setdefault(id(detector), []).extend(part)
    found = {key: detectors[key].analyze_batch(all_texts) for key, all_texts in texts.items()}
    taken = dict.fromkeys(texts, 0)
    results: list[Results] = []
    for job in batch:
        result: Results = []
        for detector, part in job.work:
            if detector is None:
                result.append([])
                continue
            key = id(detector)
            result.append(found[key][taken[key] : taken[key] + len(part)])
            taken[key] += len(part)
        results.append(result)
    return results
