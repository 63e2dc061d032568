"""Detection as a service of the running guard: detectors built once per configuration and
shared, run off the event loop, in lanes, under a timeout.

Detection is synchronous and CPU-bound, so it runs in worker threads behind a limiter: a
slow or failing detector fails the request closed, never the event loop. Answers under way
have a lane of their own, so new prompts do not hold up a stream in progress.
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
from qorgan.errors import DetectionError, QorganError
from qorgan.types import Finding

log = logging.getLogger("qorgan.detection")

DetectorFactory = Callable[[DetectionConfig], Detector]
T = TypeVar("T")

#: ``(texts, ner)``: a batch of texts, scanned with NER or by the pattern recognizers alone
Batch = tuple[Sequence[str], bool]


class DetectionService:
    def __init__(
        self,
        *,
        workers: int,
        timeout: float,
        factory: DetectorFactory = build_detector,
    ) -> None:
        if workers < 1:
            raise ValueError("detection needs at least one worker")
        if timeout <= 0:
            raise ValueError("the detection timeout must be positive")
        self.timeout = timeout
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
    ) -> list[list[list[Finding]]]:
        """Findings for several batches of texts, each with NER or patterns only, in one
        detection slot and one hop to a worker thread. ``response`` takes a slot in the
        lane of answers under way rather than that of new requests."""
        if not any(texts for texts, _ in batches):
            return [[] for _ in batches]
        jobs = [(self.detector(config, ner=ner) if texts else None, list(texts))
                for texts, ner in batches]

        def work() -> list[list[list[Finding]]]:
            return [detector.analyze_batch(texts) if detector is not None else []
                    for detector, texts in jobs]

        return await self.run(work, response=response)

    async def run(self, work: Callable[[], T], *, response: bool = False) -> T:
        """``work`` (synchronous detection) in a worker thread, in a detection slot of the
        lane it belongs to, under the timeout; any failure is a DetectionError, so the
        caller fails closed."""
        try:
            # Waiting for a detection slot is queueing under load, not a detector fault: the
            # timeout starts once this request's detection runs.
            async with self.response_limiter if response else self.limiter:
                with anyio.fail_after(self.timeout):
                    # a thread cannot be stopped: without abandoning it, the timeout would
                    # wait for a hung detector and never fire. The request fails closed; the
                    # thread finishes (or hangs) on its own.
                    return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except TimeoutError:
            raise DetectionError("detection timed out", code="detection_timeout") from None
        except QorganError:
            raise
        except Exception as exc:
            log.error("detector failed: %s", type(exc).__name__)
            raise DetectionError("detection failed") from exc

    def warm_up(self, config: DetectionConfig) -> None:
        """Load models now rather than on the first request."""
        # every recognizer's patterns compile on first use: give each kind something to find
        self.detector(config).analyze_batch([
            "Warm-up: Aigerim Serikova from Astana, aigerim@example.kz, +7 701 234 56 78, "
            "IIN 901123300258, BIN 940140000385, IBAN KZ86125KZT5004100100, card "
            "4111 1111 1111 1111, IP 10.0.0.1, SSN 078-05-1120, key AKIAIOSFODNN7EXAMPLE.",
            "Меня зовут Ержан Қасымов, Алматы, ТОО «Ромашка». Менің атым Айгерім.",
        ])


__all__ = ["Batch", "DetectionService", "DetectorFactory"]
