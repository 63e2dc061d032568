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
    """Reports one finding over each whole text; ``behaviour`` injects faults."""

    def __init__(self, behaviour: str = "ok") -> None:
        self.behaviour = behaviour
        self.calls = 0
        self.seen: list[list[str]] = []
        self.threads: list[int] = []
        self.started = threading.Event()

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        self.calls += 1
        self.seen.append(list(texts))
        self.threads.append(threading.get_ident())
        self.started.set()
        if self.behaviour == "slow" or any("hang" in t for t in texts):
            time.sleep(0.5)
        if self.behaviour == "crash" or any("poison" in t for t in texts):
            raise RuntimeError(f"cannot analyse {texts[0]}")
        if self.behaviour == "qorgan":
            raise DetectionError("model missing", code="model_missing")
        return [[Finding("PERSON", 0, len(t), 0.9, "fake")] for t in texts]

    def cached(self, texts: Sequence[str]) -> list[list[Finding]] | None:
        seen = {t for call in self.seen for t in call}
        if self.behaviour != "ok" or not all(t in seen for t in texts):
            return None
        return [[Finding("PERSON", 0, len(t), 0.9, "cached")] for t in texts]


def make(behaviour: str = "ok", *, timeout: float = 10.0, workers: int = 2,
         **options: Any) -> tuple[DetectionService, list[FakeDetector]]:
    made: list[FakeDetector] = []

    def factory(config: DetectionConfig) -> Any:
        made.append(FakeDetector(behaviour))
        return made[-1]

    service = DetectionService(workers=workers, timeout=timeout, factory=factory, **options)
    return service, made


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
    assert detector.seen == [["a", "b", "c"]]  # one call per detector
    assert detector.threads[0] != threading.get_ident()
    assert await service.detect_many(CONFIG, [([], True), ([], False)]) == [[], []]
    assert detector.calls == 1


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
@pytest.mark.parametrize("window", [0.0, 0.001])
@pytest.mark.parametrize(
    ("behaviour", "settings", "code"),
    [
        ("slow", {"timeout": 0.05}, "detection_timeout"),
        ("crash", {}, "detection_failed"),
        ("qorgan", {}, "model_missing"),
    ],
)
async def test_detection_failures_fail_closed(behaviour: str, settings: dict[str, Any],
                                              code: str, window: float) -> None:
    service, _ = make(behaviour, batch_window=window, **settings)
    with pytest.raises(DetectionError) as info:
        await service.detect_many(CONFIG, [([SECRET_TEXT], True)])
    assert info.value.code == code
    assert "Serikova" not in str(info.value)


# -- micro-batching of concurrent callers ---------------------------------------------------


async def _concurrently(
    service: DetectionService, calls: Sequence[tuple[list[str], bool]], *,
    hold: bool = True,
) -> list[Any]:
    """Run ``(texts, response)`` calls concurrently while every worker is busy, so that all
    of them queue up; then free the workers. Each result is the findings or the error."""
    out: list[Any] = [None] * len(calls)
    holders = [object() for _ in range(int(service.limiter.total_tokens))] if hold else []
    for holder in holders:
        await service.limiter.acquire_on_behalf_of(holder)

    async def call(i: int, texts: list[str], response: bool) -> None:
        try:
            out[i] = (await service.detect_many(CONFIG, [(texts, True)], response=response))[0]
        except DetectionError as exc:
            out[i] = exc

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            for i, (texts, response) in enumerate(calls):
                tg.start_soon(call, i, texts, response)
                await anyio.wait_all_tasks_blocked()  # queued in order
            for holder in holders:
                service.limiter.release_on_behalf_of(holder)
    return out


def _ends(found: list[list[Finding]]) -> list[int]:
    return [f.end for findings in found for f in findings]


@pytest.mark.anyio
async def test_concurrent_callers_share_one_call_and_each_gets_its_own_findings() -> None:
    service, made = make(workers=1)
    calls = [(["x" * (i + 1), "y" * (100 + i)], False) for i in range(20)]
    results = await _concurrently(service, calls)
    assert [_ends(r) for r in results] == [[i + 1, 100 + i] for i in range(20)]
    (detector,) = made
    assert detector.calls == 1
    assert service.batches == 1
    assert service.served == 20


@pytest.mark.anyio
async def test_batching_off_runs_each_caller_alone() -> None:
    service, made = make(workers=1, batch_window=0)
    results = await _concurrently(service, [([f"text {i}"], False) for i in range(5)])
    assert [_ends(r) for r in results] == [[6]] * 5
    assert made[0].calls == 5


@pytest.mark.anyio
async def test_a_batch_holds_at_most_its_budget_and_callers_keep_their_order() -> None:
    service, made = make(workers=1, batch_chars=25)
    texts = [f"{i:02d}" + "." * 8 for i in range(7)]  # 10 characters each
    results = await _concurrently(service, [([t], False) for t in texts])
    assert all(_ends(r) == [10] for r in results)
    assert made[0].seen == [texts[0:2], texts[2:4], texts[4:6], texts[6:7]]


@pytest.mark.anyio
async def test_a_caller_over_the_budget_runs_alone_and_the_rest_follow() -> None:
    service, made = make(workers=1, batch_chars=100)
    calls = [(["a" * 10], False), (["b" * 500], False), (["c" * 10], False), (["d" * 10], False)]
    results = await _concurrently(service, calls)
    assert [_ends(r) for r in results] == [[10], [500], [10], [10]]
    assert made[0].seen == [["a" * 10], ["b" * 500], ["c" * 10, "d" * 10]]


@pytest.mark.anyio
async def test_answers_are_batched_in_their_own_lane_ahead_of_queued_prompts() -> None:
    service, made = make(workers=2)
    holders = [object() for _ in range(int(service.limiter.total_tokens))]
    for holder in holders:  # the request lane is full
        await service.limiter.acquire_on_behalf_of(holder)
    prompts: list[Any] = []
    answers: list[Any] = []

    async def call(out: list[Any], text: str, response: bool) -> None:
        out.append(await service.detect_many(CONFIG, [([text], True)], response=response))

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            for i in range(6):
                tg.start_soon(call, prompts, f"prompt {i}", False)
            await anyio.wait_all_tasks_blocked()
            async with anyio.create_task_group() as answering:
                for i in range(4):
                    answering.start_soon(call, answers, f"word {i}", True)
            # every answer is served, in one shared call, while the prompts still queue
            assert len(answers) == 4
            assert prompts == []
            assert made[0].seen == [[f"word {i}" for i in range(4)]]
            for holder in holders:
                service.limiter.release_on_behalf_of(holder)
    assert len(prompts) == 6
    assert made[0].seen[1] == [f"prompt {i}" for i in range(6)]


@pytest.mark.anyio
async def test_a_text_that_breaks_the_detector_fails_its_own_caller_only() -> None:
    service, made = make(workers=1)
    calls = [(["fine one"], False), ([f"poison {SECRET_TEXT}"], False), (["fine two"], False)]
    results = await _concurrently(service, calls)
    assert _ends(results[0]) == [8]
    assert _ends(results[2]) == [8]
    assert isinstance(results[1], DetectionError)
    assert results[1].code == "detection_failed"
    assert "Serikova" not in str(results[1])
    # the shared call failed, then each caller ran alone
    assert made[0].seen[0] == ["fine one", f"poison {SECRET_TEXT}", "fine two"]
    assert made[0].calls == 4


@pytest.mark.anyio
async def test_a_hung_batch_times_out_every_caller_in_it_and_the_next_batch_runs() -> None:
    service, _made = make(workers=1, timeout=0.05, batch_chars=30)
    calls = [(["hang " + "x" * 10], False), (["fine " + "x" * 10], False),
             (["next " + "x" * 20], False)]
    results = await _concurrently(service, calls)
    assert [getattr(r, "code", None) for r in results[:2]] == ["detection_timeout"] * 2
    assert _ends(results[2]) == [25]


@pytest.mark.anyio
async def test_the_timeout_starts_when_the_batch_runs_not_while_it_queues() -> None:
    service, _ = make(workers=1, timeout=0.05)
    holder = object()
    await service.limiter.acquire_on_behalf_of(holder)
    async with anyio.create_task_group() as tg:
        found: list[Any] = []

        async def call() -> None:
            found.append((await service.detect_many(CONFIG, [(["queued"], True)]))[0])

        tg.start_soon(call)
        await anyio.sleep(0.2)  # four timeouts' worth of waiting for a worker
        service.limiter.release_on_behalf_of(holder)
    assert _ends(found[0]) == [6]


@pytest.mark.anyio
async def test_a_leader_that_goes_away_before_its_batch_runs_hands_it_on() -> None:
    service, made = make(workers=1)
    holder = object()
    await service.limiter.acquire_on_behalf_of(holder)
    results: dict[str, Any] = {}

    async def call(name: str, scope: anyio.CancelScope | None = None) -> None:
        if scope is None:
            results[name] = (await service.detect_many(CONFIG, [([name], True)]))[0]
            return
        with scope:
            results[name] = (await service.detect_many(CONFIG, [([name], True)]))[0]

    leader_scope = anyio.CancelScope()
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(call, "leader", leader_scope)
            await anyio.wait_all_tasks_blocked()
            tg.start_soon(call, "second")
            tg.start_soon(call, "third")
            await anyio.wait_all_tasks_blocked()
            leader_scope.cancel()  # the leader's client hung up while all workers were busy
            await anyio.wait_all_tasks_blocked()
            service.limiter.release_on_behalf_of(holder)
    assert "leader" not in results
    assert _ends(results["second"]) == [6]
    assert _ends(results["third"]) == [5]
    assert made[0].seen == [["second", "third"]]


@pytest.mark.anyio
async def test_a_batch_under_way_finishes_for_everyone_when_its_leader_goes_away() -> None:
    service, made = make(workers=1, timeout=5)
    results: dict[str, Any] = {}
    leader_scope = anyio.CancelScope()

    async def lead() -> None:
        with leader_scope:
            results["leader"] = (await service.detect_many(CONFIG, [(["hang leader"], True)]))[0]

    async def follow() -> None:
        results["follower"] = (await service.detect_many(CONFIG, [(["follower"], True)]))[0]

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(lead)
            tg.start_soon(follow)
            await anyio.wait_all_tasks_blocked()
            await anyio.to_thread.run_sync(made[0].started.wait)  # the shared batch runs
            leader_scope.cancel()
    assert _ends(results["follower"]) == [8]
    assert made[0].seen == [["hang leader", "follower"]]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"batch_window": -1.0}, "window"), ({"batch_chars": 0}, "budget")],
)
def test_batching_settings_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DetectionService(workers=1, timeout=1.0, **options)


@pytest.mark.anyio
async def test_texts_already_detected_are_answered_without_a_slot() -> None:
    service, made = make(workers=1)
    await service.detect_many(CONFIG, [(["assistant"], True)], response=True)
    holders = [object(), object()]
    await service.limiter.acquire_on_behalf_of(holders[0])
    await service.response_limiter.acquire_on_behalf_of(holders[1])
    try:
        with anyio.fail_after(5):  # every slot busy, and still answered
            (found,) = await service.detect_many(CONFIG, [(["assistant"], True)], response=True)
        assert [f.recognizer for f in found[0]] == ["cached"]
        with pytest.raises(TimeoutError), anyio.fail_after(0.2):
            await service.detect_many(CONFIG, [(["a new word"], True)], response=True)
    finally:
        service.limiter.release_on_behalf_of(holders[0])
        service.response_limiter.release_on_behalf_of(holders[1])
    assert made[0].calls == 1


@pytest.mark.anyio
async def test_answers_take_a_free_prompt_slot_and_prompts_wait_for_waiting_answers() -> None:
    service, made = make(workers=2)  # one slot for answers, two for prompts
    holders = [object(), object(), object()]
    await service.response_limiter.acquire_on_behalf_of(holders[0])
    await service.limiter.acquire_on_behalf_of(holders[1])
    await service.limiter.acquire_on_behalf_of(holders[2])
    order: list[str] = []

    async def call(text: str, response: bool) -> None:
        await service.detect_many(CONFIG, [([text], True)], response=response)
        order.append(text)

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(call, "answer", True)
            await anyio.wait_all_tasks_blocked()
            tg.start_soon(call, "prompt", False)
            await anyio.wait_all_tasks_blocked()
            # a prompt slot frees up: the waiting answer takes it, the prompt waits its turn
            service.limiter.release_on_behalf_of(holders[1])
    assert order == ["answer", "prompt"]
    assert made[0].seen == [["answer"], ["prompt"]]
    service.limiter.release_on_behalf_of(holders[2])
    service.response_limiter.release_on_behalf_of(holders[0])


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("work", "code"),
    [
        (lambda: time.sleep(0.5), "detection_timeout"),
        (lambda: 1 / 0, "detection_failed"),
    ],
)
async def test_run_holds_a_slot_under_the_timeout_and_fails_closed(work: Any, code: str) -> None:
    service, _ = make(timeout=0.05)
    assert await service.run(lambda: threading.get_ident()) != threading.get_ident()
    with pytest.raises(DetectionError) as info:
        await service.run(work)
    assert info.value.code == code
