"""Detection as a service of the running guard: detectors built once per configuration and
shared, run off the event loop, in lanes, under a timeout, with concurrent callers batched.

Detection is synchronous and CPU-bound, so it runs in worker threads behind a limiter: a
slow or failing detector fails the request closed, never the event loop. Answers under way
have a lane of their own, so new prompts do not hold up a stream in progress.

**Micro-batching.** Much of a model's cost is paid per call, whatever the call holds (the
English model runs ~20 layers and repacks its weights on every call), and a streamed answer
asks for one call per released word. So the callers of one lane share calls, the way model
servers batch inference: the first caller of an empty lane collects for up to
``batch_window`` seconds (or until ``batch_chars`` characters are waiting), then, once a
worker is free, takes what is waiting up to the budget and runs it as one batch per
detector in one worker thread; what was left over is led by its oldest caller. Callers keep
their order. The timeout is each caller's own and starts when its batch runs; every caller
of a batch that overruns fails closed. A batch that fails is run again one caller at a
time, so a text that breaks the detector fails its own request and no other.
``batch_window=0`` turns batching off: each call runs alone.

**Answers first.** Under load most detection is answers: every streamed word is scanned,
each in turn. So answers have slots of their own and may take a free slot of the prompts'
lane, and a prompts' batch starts only when no answer is waiting: work under way finishes
before new work is let in. A call whose texts are all in the detector's cache (a stream's
ids and roles, a resent message) is answered on the spot, without a queue.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import anyio

from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.engine import Detector
from qorgan.errors import DetectionError, QorganError
from qorgan.types import Finding

log = logging.getLogger("qorgan.detection")

DetectorFactory = Callable[[DetectionConfig], Detector]
T = TypeVar("T")

#: ``(texts, ner)``: a batch of texts, scanned with NER or by the pattern recognizers alone
Batch = tuple[Sequence[str], bool]

_Results = list[list[list[Finding]]]
#: what one caller asks: per batch, the detector (None for no texts) and the texts
_Work = list[tuple[Detector | None, list[str]]]

#: seconds a lane collects concurrent callers before it runs them
DEFAULT_BATCH_WINDOW = 0.0015
#: characters a batch may hold; a single caller with more runs alone
DEFAULT_BATCH_CHARS = 16 * 1024


@dataclass(eq=False)
class _Job:
    work: _Work
    size: int
    #: set once the job is finished, or when its caller is to lead the next batch
    wake: anyio.Event = field(default_factory=anyio.Event)
    lead: bool = False
    finished: bool = False
    abandoned: bool = False
    result: _Results | None = None
    error: BaseException | None = None


class _Lane:
    """Callers waiting for one limiter, oldest first, and whether a caller is leading."""

    def __init__(self, limiter: anyio.CapacityLimiter,
                 borrow: anyio.CapacityLimiter | None = None) -> None:
        self.limiter = limiter
        #: another lane's limiter whose free slots this lane may take
        self.borrow = borrow
        self.waiting: deque[_Job] = deque()
        self.waiting_chars = 0
        self.leading = False
        #: set while nothing waits in this lane
        self.drained = anyio.Event()
        self.drained.set()
        #: a lane that yields to this one: it starts no batch while this one has work waiting
        self.yields_to: _Lane | None = None
        self.full: anyio.Event | None = None


class DetectionService:
    def __init__(
        self,
        *,
        workers: int,
        timeout: float,
        factory: DetectorFactory = build_detector,
        batch_window: float = DEFAULT_BATCH_WINDOW,
        batch_chars: int = DEFAULT_BATCH_CHARS,
    ) -> None:
        if workers < 1:
            raise ValueError("detection needs at least one worker")
        if timeout <= 0:
            raise ValueError("the detection timeout must be positive")
        if batch_window < 0:
            raise ValueError("the batch window must not be negative")
        if batch_chars < 1:
            raise ValueError("the batch budget must be at least one character")
        self.timeout = timeout
        self.batch_window = batch_window
        self.batch_chars = batch_chars
        self._factory = factory
        # patterns only (no NER), for short texts such as the joints between messages; a
        # custom factory (tests, fault injection) serves both kinds
        self._pattern_factory: DetectorFactory = (
            functools.partial(build_detector, ner=False) if factory is build_detector
            else factory
        )
        self._detectors: dict[str, Detector] = {}
        self._pattern_detectors: dict[str, Detector] = {}
        self._lock = threading.Lock()
        self.limiter = anyio.CapacityLimiter(workers)
        # A response already under way is scanned in its own lane: a stream's next words
        # do not queue behind the whole-prompt detections of requests that came later.
        self.response_limiter = anyio.CapacityLimiter(max(1, workers // 2))
        # answers may also take a request slot that is free: most of the work under load is
        # answers (every streamed word is scanned), and prompts never take answers' slots
        self._lanes = {False: _Lane(self.limiter),
                       True: _Lane(self.response_limiter, borrow=self.limiter)}
        self._lanes[False].yields_to = self._lanes[True]
        #: batches run and callers served, for the benchmarks and the tests
        self.batches = 0
        self.served = 0

    def detector(self, config: DetectionConfig, *, ner: bool = True) -> Detector:
        key = config.fingerprint
        cache, factory = ((self._detectors, self._factory) if ner
                          else (self._pattern_detectors, self._pattern_factory))
        detector = cache.get(key)
        if detector is None:
            with self._lock:
                detector = cache.get(key)
                if detector is None:
                    detector = factory(config)
                    cache[key] = detector
        return detector

    async def detect_many(
        self, config: DetectionConfig, batches: Sequence[Batch], *, response: bool = False,
    ) -> _Results:
        """Findings for several batches of texts, each with NER or patterns only, in one
        detection slot and one hop to a worker thread, shared with concurrent callers of
        the same lane. ``response`` takes the lane of answers under way rather than that of
        new requests."""
        if not any(texts for texts, _ in batches):
            return [[] for _ in batches]
        work: _Work = [(self.detector(config, ner=ner) if texts else None, list(texts))
                       for texts, ner in batches]
        found = _cached(work)
        if found is not None:
            return found  # every text seen before (a stream's ids and roles): no queue
        job = _Job(work, sum(len(t) for _, texts in work for t in texts))
        if self.batch_window <= 0:
            await self._run(self._lanes[response].limiter, [job])
        else:
            await self._queue(self._lanes[response], job)
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    async def run(self, work: Callable[[], T], *, response: bool = False) -> T:
        """``work`` (synchronous detection of the caller's own) in a worker thread, in a
        slot of its lane, under the timeout, not batched with others; any failure is a
        DetectionError, so the caller fails closed."""
        try:
            # the timeout starts once the work runs, not while it waits for a slot
            async with self._lanes[response].limiter:
                with anyio.fail_after(self.timeout):
                    return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except TimeoutError:
            raise DetectionError("detection timed out", code="detection_timeout") from None
        except QorganError:
            raise
        except Exception as exc:
            log.error("detector failed: %s", type(exc).__name__)
            raise DetectionError("detection failed") from exc

    # -- batching -------------------------------------------------------------------------

    async def _queue(self, lane: _Lane, job: _Job) -> None:
        if not lane.waiting and lane.drained.is_set():
            lane.drained = anyio.Event()
        lane.waiting.append(job)
        lane.waiting_chars += job.size
        if lane.full is not None and lane.waiting_chars >= self.batch_chars:
            lane.full.set()
        if not lane.leading:
            lane.leading = True
            job.lead = True
        try:
            while not job.finished:
                if job.lead:
                    job.lead = False
                    await self._lead(lane, job)
                else:
                    await job.wake.wait()
                    if not job.finished:
                        job.wake = anyio.Event()
        except BaseException:
            if not job.finished:
                job.abandoned = True
                if job.lead:  # chosen to lead just as its request went away: pass it on
                    job.lead = False
                    self._hand_over(lane)
            raise

    async def _lead(self, lane: _Lane, job: _Job) -> None:
        """Collect for the window, wait for a worker, run what is waiting up to the budget,
        and hand the rest to its oldest caller."""
        try:
            if lane.waiting_chars < self.batch_chars:
                lane.full = anyio.Event()
                with anyio.move_on_after(self.batch_window):
                    await lane.full.wait()
            first = lane.yields_to
            while first is not None and first.waiting:
                await first.drained.wait()
            limiter, token = await _acquire(lane)
        except BaseException:
            # the leader's request went away before its batch ran: the next caller leads
            job.abandoned = True
            self._hand_over(lane)
            raise
        finally:
            lane.full = None
        try:
            # once taken, the batch is everyone's: it runs to the end even if the request
            # that leads it goes away
            with anyio.CancelScope(shield=True):
                batch = self._take(lane)
                self._hand_over(lane)
                await self._run(None, batch)
        finally:
            limiter.release_on_behalf_of(token)

    def _take(self, lane: _Lane) -> list[_Job]:
        batch: list[_Job] = []
        chars = 0
        while lane.waiting and (not batch or chars + lane.waiting[0].size <= self.batch_chars):
            job = lane.waiting.popleft()
            lane.waiting_chars -= job.size
            if job.abandoned:
                continue
            batch.append(job)
            chars += job.size
        return batch

    def _hand_over(self, lane: _Lane) -> None:
        while lane.waiting and lane.waiting[0].abandoned:
            lane.waiting_chars -= lane.waiting.popleft().size
        if lane.waiting:
            nxt = lane.waiting[0]
            nxt.lead = True
            nxt.wake.set()
        else:
            lane.leading = False
            lane.drained.set()

    # -- running --------------------------------------------------------------------------

    async def _run(self, limiter: anyio.CapacityLimiter | None, batch: list[_Job]) -> None:
        """Run ``batch`` in one worker thread (taking a slot of ``limiter`` first, unless
        the caller holds one) and finish every job in it, whatever happens."""
        try:
            if not batch:
                return
            if limiter is not None:
                async with limiter:
                    await self._in_thread(batch)
            else:
                await self._in_thread(batch)
        finally:
            for job in batch:
                if job.result is None and job.error is None:
                    job.error = DetectionError("detection failed")
                job.finished = True
                job.wake.set()

    async def _in_thread(self, batch: list[_Job]) -> None:
        # Waiting for a detection slot is queueing under load, not a detector fault: the
        # timeout starts once this batch's detection runs.
        self.batches += 1
        self.served += len(batch)
        try:
            with anyio.fail_after(self.timeout):
                # a thread cannot be stopped: without abandoning it, the timeout would wait
                # for a hung detector and never fire. The requests fail closed; the thread
                # finishes (or hangs) on its own.
                await anyio.to_thread.run_sync(_run_batch, batch, abandon_on_cancel=True)
        except TimeoutError:
            for job in batch:
                job.error = DetectionError("detection timed out", code="detection_timeout")

    def warm_up(self, config: DetectionConfig) -> None:
        """Load models now rather than on the first request."""
        # every recognizer's patterns compile on first use: give each kind something to find
        self.detector(config).analyze_batch([
            "Warm-up: Aigerim Serikova from Astana, aigerim@example.kz, +7 701 234 56 78, "
            "IIN 901123300258, BIN 940140000385, IBAN KZ86125KZT5004100100, card "
            "4111 1111 1111 1111, IP 10.0.0.1, SSN 078-05-1120, key AKIAIOSFODNN7EXAMPLE.",
            "Меня зовут Ержан Қасымов, Алматы, ТОО «Ромашка». Менің атым Айгерім.",
        ])


async def _acquire(lane: _Lane) -> tuple[anyio.CapacityLimiter, object]:
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


def _cached(work: _Work) -> _Results | None:
    """Every batch's findings from its detector's cache, or None when one text is new."""
    out: _Results = []
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


def _run_batch(batch: Sequence[_Job]) -> None:
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


def _analyze(batch: Sequence[_Job]) -> list[_Results]:
    texts: dict[int, list[str]] = {}
    detectors: dict[int, Detector] = {}
    for job in batch:
        for detector, part in job.work:
            if detector is not None:
                detectors[id(detector)] = detector
                texts.setdefault(id(detector), []).extend(part)
    found = {key: detectors[key].analyze_batch(all_texts) for key, all_texts in texts.items()}
    taken = dict.fromkeys(texts, 0)
    results: list[_Results] = []
    for job in batch:
        result: _Results = []
        for detector, part in job.work:
            if detector is None:
                result.append([])
                continue
            key = id(detector)
            result.append(found[key][taken[key] : taken[key] + len(part)])
            taken[key] += len(part)
        results.append(result)
    return results


__all__ = ["DEFAULT_BATCH_CHARS", "DEFAULT_BATCH_WINDOW", "Batch", "DetectionService",
           "DetectorFactory"]
