"""The decision log: append-only JSON Lines, sha256-chained, Ed25519-signed, rotated by size.

File layout and line format: see ``qorgan.audit.chain``.

Failure policy. Auditing is telemetry for the request path: an I/O error is logged
(without content), counted in ``qorgan.audit.log_errors`` and the record is dropped
(``dropped`` counts them); the writer retries opening the file after ``retry_interval``.
``strict=True`` raises ``AuditLogError`` instead, for tests and tools.

Crash recovery. A line and its newline are written with one ``write``; a crash can still
leave a partial last line. On start (and after a write error) the writer moves such a torn
tail to ``<base>.torn-<UTC time>`` for inspection, truncates the file to its last complete
line and resumes the chain from that line. A last complete line that does not parse is not
a torn write but damage: the writer refuses to continue the chain (the records are
dropped and counted) until an operator has looked at the file.

One process writes one log: ``<base>.lock`` is held with ``flock`` while the log is open.
Several processes sharing one configured path (``qorgan serve --workers N``) pass
``slots=N``: each then writes the first of ``<stem>.w0<suffix>`` ... ``<stem>.w<N-1><suffix>``
whose lock is free, its own chain, which a restarted worker continues.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qorgan.audit.chain import GENESIS, archives, canonical, line_hash, signed_payload
from qorgan.audit.record import INVALID, AuditRecord, ident
from qorgan.audit.signing import key_id
from qorgan.errors import QorganError

if TYPE_CHECKING:
    from qorgan.audit.metrics import Metrics

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("qorgan.audit")

MiB = 1024 * 1024
FsyncPolicy = Literal["always", "interval", "never"]


class AuditLogError(QorganError):
    code = "audit_log_error"


class DecisionLog:
    """Append ``AuditRecord``s to a chained, signed log at ``path``: the base file, or a
    directory, which then holds ``decisions.jsonl``. Without ``signing_key`` the lines
    are chained but carry ``sig``/``key_id`` null.

    ``fsync``: ``always`` syncs every line, ``interval`` at most once per
    ``fsync_interval`` seconds, ``never`` leaves it to the OS. ``append`` is thread-safe.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        signing_key: Ed25519PrivateKey | None,
        max_bytes: int = 64 * MiB,
        instance: str | None = None,
        fsync: FsyncPolicy = "interval",
        fsync_interval: float = 1.0,
        strict: bool = False,
        retry_interval: float = 5.0,
        metrics: Metrics | None = None,
        slots: int = 1,
    ) -> None:
        if max_bytes < 4096:
            raise ValueError("max_bytes must be at least 4096")
        if fsync not in ("always", "interval", "never"):
            raise ValueError("fsync must be 'always', 'interval' or 'never'")
        self.path = Path(path) / "decisions.jsonl" if Path(path).is_dir() else Path(path)
        if slots < 1:
            raise ValueError("slots must be at least 1")
        base = self.path
        #: the files this writer may take, the first free one wins (fixed once taken)
        self._candidates = [base] if slots == 1 else [
            base.with_name(f"{base.stem}.w{i}{base.suffix}") for i in range(slots)]
        self.instance = ident(instance or socket.gethostname()) or INVALID
        self._key = signing_key
        self._key_id = key_id(signing_key) if signing_key is not None else None
        self._max_bytes = max_bytes
        self._fsync = fsync
        self._fsync_interval = fsync_interval
        self._strict = strict
        self._retry_interval = retry_interval
        self._metrics = metrics
        self._lock = threading.Lock()
        self._fh: IO[bytes] | None = None
        self._lock_fh: IO[bytes] | None = None
        self._seq = 0
        self._prev = GENESIS
        self._size = 0
        self._last_sync = time.monotonic()
        self._next_retry = 0.0
        self._closed = False
        #: records that could not be written
        self.dropped = 0
        #: I/O failures seen (open, write, rotate)
        self.errors = 0
        with self._lock:
            try:
                self._open()
            except (OSError, AuditLogError) as exc:
                self._failed("open", exc)

    @property
    def key_id(self) -> str | None:
        return self._key_id

    @property
    def seq(self) -> int:
        """The sequence number of the last record written (0 before the first)."""
        return self._seq

    def append(self, record: AuditRecord) -> None:
        with self._lock:
            if self._closed:
                self._drop("closed", AuditLogError("the decision log is closed"))
                return
            if self._fh is None:
                if time.monotonic() < self._next_retry:
                    self._drop("unavailable", AuditLogError("the decision log is unavailable"))
                    return
                try:
                    self._open()
                except (OSError, AuditLogError) as exc:
                    self._failed("open", exc, dropped=True)
                    return
            try:
                data, line = self._encode(record.to_dict())
            except Exception as exc:  # noqa: BLE001 - never raise into the request path
                log.error("decision log: record not encodable (%s)", type(exc).__name__)
                self._drop("encode", AuditLogError("the record cannot be encoded"))
                return
            try:
                self._write(data, line)
            except Exception as exc:  # noqa: BLE001 - never raise into the request path
                self._failed("write", exc, dropped=True)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._fh is not None and self._fsync != "never":
                with contextlib.suppress(OSError, ValueError):
                    self._fh.flush()
                    os.fsync(self._fh.fileno())
            self._close_files()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals, called with self._lock held ------------------------------------

    def _encode(self, data: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        if not data.get("instance"):
            data["instance"] = self.instance
        data.update(seq=self._seq + 1, prev=self._prev, key_id=self._key_id)
        data["sig"] = (
            base64.b64encode(self._key.sign(signed_payload(data))).decode("ascii")
            if self._key is not None
            else None
        )
        return data, canonical(data) + b"\n"

    def _write(self, data: dict[str, Any], line: bytes) -> None:
        if self._size > 0 and self._size + len(line) > self._max_bytes:
            self._rotate()
        fh = self._fh
        if fh is None:  # the rotation above failed half-way and raised; never reached
            raise OSError("decision log file is not open")
        fh.write(line)
        fh.flush()
        now = time.monotonic()
        if self._fsync == "always" or (
            self._fsync == "interval" and now - self._last_sync >= self._fsync_interval
        ):
            os.fsync(fh.fileno())
            self._last_sync = now
        self._seq += 1
        self._prev = hashlib.sha256(line[:-1]).hexdigest()  # == line_hash(data)
        self._size += len(line)

    def _rotate(self) -> None:
        if self._fh is not None:
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
        taken = archives(self.path)
        number = taken[-1][0] + 1 if taken else 1
        os.rename(self.path, self.path.with_name(f"{self.path.name}.{number}"))
        _fsync_dir(self.path.parent)
        self._fh = self.path.open("ab")
        self._size = 0

    def _open(self) -> None:
        self._close_files()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            last = self._resume_from()
            self._fh = self.path.open("ab")
            self._size = self._fh.tell()
        except BaseException:
            self._close_files()
            raise
        if last is None:
            self._seq, self._prev = 0, GENESIS
        else:
            self._seq, self._prev = last

    def _take_lock(self) -> None:
        for index, path in enumerate(self._candidates):
            lock_fh = path.with_name(path.name + ".lock").open("ab")
            if fcntl is not None:
                try:
                    fcntl.flock(lock_fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    lock_fh.close()
                    if index + 1 < len(self._candidates):
                        continue
                    raise AuditLogError(
                        f"{path} is in use by another writer", path=str(path)
                    ) from exc
            self._lock_fh = lock_fh
            self.path = path
            self._candidates = [path]
            return

    def _resume_from(self) -> tuple[int, str] | None:
        """``(seq, hash)`` of the last record of the log, repairing a torn tail."""
        if self.path.exists() and self.path.stat().st_size > 0:
            line, end, size = _tail(self.path)
            if end < size:
                self._set_torn_aside(end, size)
            if line is not None:
                return _parse_last(line, self.path)
        taken = archives(self.path)
        if taken:
            line, _end, _size = _tail(taken[-1][1])
            if line is not None:
                return _parse_last(line, taken[-1][1])
        return None

    def _set_torn_aside(self, end: int, size: int) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.name}.torn-{stamp}")
        with self.path.open("r+b") as fh:
            fh.seek(end)
            aside.write_bytes(fh.read())
            fh.truncate(end)
            os.fsync(fh.fileno())
        log.warning(
            "decision log %s ended in a torn line (%d bytes); moved to %s",
            self.path,
            size - end,
            aside.name,
        )

    def _close_files(self) -> None:
        for fh in (self._fh, self._lock_fh):
            if fh is not None:
                with contextlib.suppress(OSError):
                    fh.close()
        self._fh = None
        self._lock_fh = None

    def _failed(self, what: str, exc: BaseException, *, dropped: bool = False) -> None:
        self.errors += 1
        self._close_files()
        self._next_retry = time.monotonic() + self._retry_interval
        if dropped:
            self.dropped += 1
        self._count(what)
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        log.error("decision log %s: %s failed (%s)", self.path, what, detail)
        if self._strict:
            if isinstance(exc, AuditLogError):
                raise exc
            raise AuditLogError(f"decision log {what} failed: {detail}") from exc

    def _drop(self, what: str, exc: AuditLogError) -> None:
        self.dropped += 1
        self._count(what)
        if self._strict:
            raise exc

    def _count(self, what: str) -> None:
        if self._metrics is not None:
            self._metrics.log_error(what)
        else:
            from qorgan.audit.metrics import default_metrics

            default_metrics().log_error(what)


def _tail(file: Path) -> tuple[bytes | None, int, int]:
    """``(last complete line, offset just past it, file size)``; a line is complete when
    it ends with a newline."""
    size = file.stat().st_size
    with file.open("rb") as fh:
        pos, buf = size, b""
        while pos > 0:
            step = min(65536, pos)
            pos -= step
            fh.seek(pos)
            buf = fh.read(step) + buf
            last_nl = buf.rfind(b"\n")
            if last_nl == -1:
                continue
            prev_nl = buf.rfind(b"\n", 0, last_nl)
            if prev_nl != -1 or pos == 0:
                return buf[prev_nl + 1 : last_nl], pos + last_nl + 1, size
    return None, 0, size


def _parse_last(line: bytes, file: Path) -> tuple[int, str]:
    try:
        obj = json.loads(line)
    except ValueError:
        obj = None
    if not isinstance(obj, dict) or not isinstance(obj.get("seq"), int):
        raise AuditLogError(
            f"the last record of {file} is damaged; the chain cannot be resumed "
            "(inspect the file and move it aside)",
            path=str(file),
        )
    return obj["seq"], line_hash(obj)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
