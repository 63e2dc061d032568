"""The detection service: detectors built once per configuration and run off the event
loop, in lanes, under a timeout (failing closed)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import anyio
import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.service import DetectionService
from qorgan.errors import DetectionError
from qorgan.types import Finding

SECRET_TEXT = "Aigerim Serikova 901123300258"
CONFIG = DetectionConfig()


class FakeDetector:
    def __init__(self, behaviour: str = "ok") -> None:
        self.behaviour = behaviour
        self.calls = 0
        self.threads: list[int] = []

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        self.calls += 1
        self.threads.append(threading.get_ident())
        if self.behaviour == "slow":
            time.sleep(0.5)
        if self.behaviour == "crash":
            raise RuntimeError(f"cannot analyse {texts[0]}")
        if self.behaviour == "qorgan":
            raise DetectionError("model missing", code="model_missing")
        return [[Finding("PERSON", 0, 5, 0.9, "fake")] for _ in texts]


def make(behaviour: str = "ok", *, timeout: float = 10.0,
         workers: int = 2) -> tuple[DetectionService, list[FakeDetector]]:
    made: list[FakeDetector] = []

    def factory(config: DetectionConfig) -> Any:
        made.append(FakeDetector(behaviour))
        return made[-1]

    return DetectionService(workers=workers, timeout=timeout, factory=factory), made


@pytest.mark.anyio
async def test_detector_is_built_once_and_reused() -> None:
    service, made = make()
    (first,) = await service.detect_many(CONFIG, [(["Hello"], True)])
    (second,) = await service.detect_many(CONFIG, [(["Hi", "there"], True)])
    assert len(made) == 1
    assert made[0].calls == 2
    assert [len(f) for f in first + second] == [1, 1, 1]
    assert service.detector(CONFIG) is made[0]


@pytest.mark.anyio
async def test_several_batches_run_in_one_hop_off_the_event_loop() -> None:
    service, made = make()
    results = await service.detect_many(CONFIG, [(["a"], True), ([], False), (["b", "c"], True)])
    assert [len(batch) for batch in results] == [1, 0, 2]
    (detector,) = made
    assert detector.calls == 2
    assert len(set(detector.threads)) == 1
    assert detector.threads[0] != threading.get_ident()
    assert await service.detect_many(CONFIG, [([], True), ([], False)]) == [[], []]
    assert detector.calls == 2


@pytest.mark.anyio
async def test_answers_under_way_have_their_own_lane() -> None:
    service, _ = make()
    holders = [object() for _ in range(int(service.limiter.total_tokens))]
    for holder in holders:  # every request slot busy with other prompts
        await service.limiter.acquire_on_behalf_of(holder)
    try:
        with anyio.fail_after(5):
            found = await service.detect_many(CONFIG, [(["an answer"], True)], response=True)
        assert [len(batch) for batch in found] == [1]
        with pytest.raises(TimeoutError), anyio.fail_after(0.2):
            await service.detect_many(CONFIG, [(["a new prompt"], True)])
    finally:
        for holder in holders:
            service.limiter.release_on_behalf_of(holder)


@pytest.mark.anyio
async def test_no_texts_no_detection() -> None:
    service, made = make()
    assert await service.detect_many(CONFIG, [([], True)]) == [[]]
    assert made == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("behaviour", "settings", "code"),
    [
        ("slow", {"timeout": 0.05}, "detection_timeout"),
        ("crash", {}, "detection_failed"),
        ("qorgan", {}, "model_missing"),
    ],
)
async def test_detection_failures_fail_closed(behaviour: str, settings: dict[str, Any],
                                              code: str) -> None:
    service, _ = make(behaviour, **settings)
    with pytest.raises(DetectionError) as info:
        await service.detect_many(CONFIG, [([SECRET_TEXT], True)])
    assert info.value.code == code
    assert "Serikova" not in str(info.value)
