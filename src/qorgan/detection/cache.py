"""A bounded, thread-safe LRU of detection results.

Chat clients resend the whole conversation every turn; the key is a hash of the text plus
the detector's fingerprint, so an unchanged message is analysed once. Only the hash is
kept, never the text.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from qorgan.types import Finding

CacheKey = tuple[str, bytes]


class DetectionCache:
    """LRU of ``(fingerprint, sha256(text)) -> findings``. ``maxsize=0`` disables it."""

    def __init__(self, maxsize: int = 4096) -> None:
        if maxsize < 0:
            raise ValueError("cache size must be >= 0")
        self.maxsize = maxsize
        self._data: OrderedDict[CacheKey, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(fingerprint: str, text: str) -> CacheKey:
        return fingerprint, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()

    def get(self, key: CacheKey, *, count: bool = True) -> tuple[Finding, ...] | None:
        """The findings stored for ``key``; ``count=False`` leaves the hit and miss counts
        alone (a look-ahead that the detection itself repeats)."""
        with self._lock:
            found = self._data.get(key)
            if found is None:
                self.misses += count
                return None
            self._data.move_to_end(key)
            self.hits += count
            return found

    def count_hits(self, n: int) -> None:
        with self._lock:
            self.hits += n

    def put(self, key: CacheKey, findings: tuple[Finding, ...]) -> None:
        if self.maxsize == 0:
            return
        with self._lock:
            self._data[key] = findings
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)
