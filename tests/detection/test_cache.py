from __future__ import annotations

import threading

import pytest

from qorgan.detection.cache import DetectionCache
from qorgan.types import Finding

F = (Finding("KZ_IIN", 0, 12, 1.0),)


def test_get_put_and_lru_eviction() -> None:
    cache = DetectionCache(maxsize=2)
    a, b, c = (DetectionCache.key("fp", t) for t in ("a", "b", "c"))
    cache.put(a, F)
    cache.put(b, ())
    assert cache.get(a) == F  # a is now the most recent
    cache.put(c, ())
    assert cache.get(b) is None
    assert cache.get(a) == F
    assert cache.get(c) == ()
    assert (cache.hits, cache.misses) == (3, 1)
    assert len(cache) == 2


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        (("fp", "text"), ("fp", "text"), True),
        (("fp", "text"), ("other", "text"), False),
        (("fp", "text"), ("fp", "text "), False),
    ],
)
def test_key_depends_on_fingerprint_and_text(
    left: tuple[str, str], right: tuple[str, str], same: bool
) -> None:
    assert (DetectionCache.key(*left) == DetectionCache.key(*right)) is same


def test_key_holds_no_text() -> None:
    _, digest = DetectionCache.key("fp", "IIN 901123300258")
    assert b"901123300258" not in digest
    assert len(digest) == 32


def test_size_zero_stores_nothing() -> None:
    cache = DetectionCache(maxsize=0)
    key = DetectionCache.key("fp", "x")
    cache.put(key, F)
    assert cache.get(key) is None


def test_negative_size_is_rejected() -> None:
    with pytest.raises(ValueError, match="cache size"):
        DetectionCache(maxsize=-1)


def test_concurrent_use_keeps_the_bound() -> None:
    cache = DetectionCache(maxsize=50)

    def work(worker: int) -> None:
        for i in range(400):
            key = DetectionCache.key("fp", f"{worker}-{i}")
            cache.put(key, F)
            cache.get(key)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 50
    assert cache.hits + cache.misses == 1600
