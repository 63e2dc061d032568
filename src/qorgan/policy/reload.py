"""Hot reload: build the new policy completely, then swap one reference; on error keep the old.

``PolicyHolder.current`` is read once per request, so a request sees one policy from start
to end even when a reload happens meanwhile. Changes are found by polling the file's
inode, mtime and size (cheap; the inode catches a Kubernetes ConfigMap update, an atomic
swap of the ``..data`` symlink), confirmed by its sha256 (an editor that rewrites the same
bytes is not a change), or on SIGHUP.

A changed file is loaded only once it has *settled*: its inode, mtime, size and sha256 the
same for ``settle`` seconds. An editor that truncates the file, writes part of it and
pauses never puts the half-written policy in force (a policy cut before its ``auth:``
section is still valid YAML, and weaker). Replacing the file atomically (write a new file,
then rename it over the old; what a ConfigMap update does) is what deployments should do;
the settle time covers editors that write in place. SIGHUP reloads at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import anyio
import anyio.to_thread

from qorgan.errors import ConfigError, PolicyError
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.loader import BUILTIN_PREFIX, load_policy, parse_policy, read_source

log = logging.getLogger("qorgan.policy")

OnReload = Callable[[PolicyEngine], None]
OnError = Callable[[PolicyError], None]


class PolicyHolder:
    def __init__(
        self,
        path: str | Path,
        on_reload: OnReload | None = None,
        on_error: OnError | None = None,
        *,
        settle: float = 2.0,
    ) -> None:
        if settle < 0:
            raise ValueError("settle must not be negative")
        self._path = path
        self._on_reload = on_reload
        self._on_error = on_error
        self._settle = settle
        self._stamp = self._stat()
        #: the changed file as last seen (stat, sha256) and since when it looks so
        self._seen: tuple[tuple[int, int, int, int] | None, str | None] | None = None
        self._seen_since = 0.0
        self._current = PolicyEngine(load_policy(path))
        self._previous_handler: Callable[[int, FrameType | None], Any] | int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def current(self) -> PolicyEngine:
        return self._current

    @property
    def path(self) -> str | Path:
        return self._path

    def _stat(self) -> tuple[int, int, int, int] | None:
        if str(self._path).startswith(BUILTIN_PREFIX):
            return None  # bundled policies change only with the package
        try:
            st = os.stat(self._path)  # follows symlinks: the file behind the path
        except OSError:
            return None
        # The inode too: a mounted ConfigMap changes by swapping a symlink to a new file,
        # which can have the old one's size and, within one timestamp tick, its mtime.
        return st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size

    def reload(self) -> bool:
        """Load the file again; True when a new version is now in force."""
        return self._swap(self._build())

    def _build(self) -> PolicyEngine | PolicyError | None:
        """A new engine, the error that prevents one, or None when the bytes are unchanged."""
        self._stamp = self._stat()
        try:
            raw, source = read_source(self._path)
            if hashlib.sha256(raw).hexdigest() == self._current.version:
                return None
            return PolicyEngine(parse_policy(raw, source))
        except PolicyError as exc:
            return exc

    def _swap(self, built: PolicyEngine | PolicyError | None) -> bool:
        if built is None:
            return False
        if isinstance(built, PolicyError):
            # The message has positions and key names, never request content.
            log.error("policy reload failed, keeping version %s: %s", self._short, built.message)
            if self._on_error is not None:
                self._on_error(built)
            return False
        self._current = built
        log.info("policy %s reloaded, version %s", built.name, self._short)
        if self._on_reload is not None:
            self._on_reload(built)
        return True

    @property
    def _short(self) -> str:
        return self._current.version[:12]

    def changed(self) -> bool:
        """Whether the file's mtime or size differ from the last load."""
        return self._stat() != self._stamp

    def settled(self, now: float) -> bool:
        """Whether the file changed since the last load and has since stayed the same for
        ``settle`` seconds (``now`` on a monotonic clock)."""
        if not self.changed():
            self._seen = None
            return False
        looks = (self._stat(), self._digest())
        if looks != self._seen:
            self._seen, self._seen_since = looks, now
        return now - self._seen_since >= self._settle

    def _digest(self) -> str | None:
        try:
            raw, _ = read_source(self._path)
        except PolicyError:
            return None
        return hashlib.sha256(raw).hexdigest()

    async def watch(self, interval: float = 1.0) -> None:
        """Poll for changes until cancelled; reload a changed file once it has settled.

        Reading and parsing run in a worker thread so requests keep flowing; the swap and
        the callbacks run on the event loop.
        """
        while True:
            await anyio.sleep(interval)
            if self.changed() and await anyio.to_thread.run_sync(
                    self.settled, time.monotonic()):
                self._seen = None
                self._swap(await anyio.to_thread.run_sync(self._build))

    def install_sighup(self) -> None:
        """Reload on SIGHUP: via the running event loop when there is one, else a handler."""
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        try:
            if self._loop is not None:
                self._loop.add_signal_handler(signal.SIGHUP, self.reload)
            else:
                self._previous_handler = signal.signal(signal.SIGHUP, self._on_signal)
        except (ValueError, RuntimeError) as exc:
            self._loop = None
            raise ConfigError("SIGHUP can be handled only from the main thread") from exc

    def uninstall_sighup(self) -> None:
        if self._loop is not None:
            self._loop.remove_signal_handler(signal.SIGHUP)
            self._loop = None
        else:
            previous = self._previous_handler
            signal.signal(signal.SIGHUP, signal.SIG_DFL if previous is None else previous)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.reload()
