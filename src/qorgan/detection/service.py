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
from collections.abc import Callable, Sequence
from typing import TypeVar

import anyio

from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.engine import Detector
from qorgan.detection.lanes import Job, Lane, Results, Work, acquire, cached, run_batch
from qorgan.errors import DetectionError, QorganError

log = logging.getLogger("qorgan.detection")

DetectorFactory = Callable[[DetectionConfig], Detector]
T = TypeVar("T")

#: ``(texts, ner)``: a batch of texts, scanned with NER or by the pattern recognizers alone
Batch = tuple[Sequence[str], bool]

#: seconds a lane collects concurrent callers before it runs them
DEFAULT_BATCH_WINDOW = 0.0015
#: characters a batch may hold; a single caller with more runs alone
DEFAULT_BATCH_CHARS = 16 * 1024


class DetectionService:
    """Detectors per configuration, run in two lanes of worker threads (module docstring)."""

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
        self._lanes = {False: Lane(self.limiter),
                       True: Lane(self.response_limiter, borrow=self.limiter)}
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
    ) -> Results:
        """Findings for several batches of texts, each with NER or patterns only, in one
        detection slot and one hop to a worker thread, shared with concurrent callers of
        the same lane. ``response`` takes the lane of answers under way rather than that of
        new requests."""
        if not any(texts for texts, _ in batches):
            return [[] for _ in batches]
        work: Work = [(self.detector(config, ner=ner) if texts else None, list(texts))
                       for texts, ner in batches]
        found = cached(work)
        if found is not None:
            return found  # every text seen before (a stream's ids and roles): no queue
        job = Job(work, sum(len(t) for _, texts in work for t in texts))
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

    async def _queue(self, lane: Lane, job: Job) -> None:
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

    async def _lead(self, lane: Lane, job: Job) -> None:
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
            limiter, token = await acquire(lane)
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

    def _take(self, lane: Lane) -> list[Job]:
        batch: list[Job] = []
        chars = 0
        while lane.waiting and (not batch or chars + lane.waiting[0].size <= self.batch_chars):
            job = lane.waiting.popleft()
            lane.waiting_chars -= job.size
            if job.abandoned:
                continue
            batch.append(job)
            chars += job.size
        return batch

    def _hand_over(self, lane: Lane) -> None:
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

    async def _run(self, limiter: anyio.CapacityLimiter | None, batch: list[Job]) -> None:
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

    async def _in_thread(self, batch: list[Job]) -> None:
        # Waiting for a detection slot is queueing under load, not a detector fault: the
        # timeout starts once this batch's detection runs.
        self.batches += 1
        self.served += len(batch)
        try:
            with anyio.fail_after(self.timeout):
                # a thread cannot be stopped: without abandoning it, the timeout would wait
                # for a hung detector and never fire. The requests fail closed; the thread
                # finishes (or hangs) on its own.
                await anyio.to_thread.run_sync(run_batch, batch, abandon_on_cancel=True)
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


__all__ = ["DEFAULT_BATCH_CHARS", "DEFAULT_BATCH_WINDOW", "Batch", "DetectionService",
           "DetectorFactory"]
