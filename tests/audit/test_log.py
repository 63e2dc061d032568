from __future__ import annotations

import errno
import itertools
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qorgan.audit.chain import GENESIS, line_hash, log_files
from qorgan.audit.log import AuditLogError, DecisionLog
from qorgan.audit.record import AuditRecord
from qorgan.audit.signing import key_id
from qorgan.audit.verify import verify_log

Factory = Callable[..., AuditRecord]


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def test_chain_and_signature(
    tmp_path: Path, make_record: Factory, signing_key: Ed25519PrivateKey,
    no_canary: Callable[[str], None],
) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path, signing_key=signing_key, instance="node-1", strict=True) as log:
        for i, kind in enumerate(["allow", "transform", "block", "consent"]):
            log.append(make_record(kind, minutes=i))
    lines = _lines(path)
    assert [line["seq"] for line in lines] == [1, 2, 3, 4]
    assert lines[0]["prev"] == GENESIS
    for before, after in itertools.pairwise(lines):
        assert after["prev"] == line_hash(before)
    assert {line["key_id"] for line in lines} == {key_id(signing_key)}
    assert all(line["instance"] == "node-1" for line in lines)
    no_canary(path.read_text(encoding="utf-8"))
    report = verify_log(path, public_key=signing_key.public_key())
    assert (report.ok, report.records, report.files, report.signatures_checked) == (
        True, 4, 1, True
    )


@pytest.mark.parametrize("signed", [True, False])
def test_rotation_keeps_the_chain(
    tmp_path: Path, make_record: Factory, signing_key: Ed25519PrivateKey, signed: bool
) -> None:
    path = tmp_path / "decisions.jsonl"
    key = signing_key if signed else None
    with DecisionLog(path, signing_key=key, max_bytes=4096, strict=True) as log:
        for i in range(40):
            log.append(make_record(minutes=i))
    files = log_files(path)
    assert len(files) >= 3
    assert files[0].name == "decisions.jsonl.1"
    assert files[-1] == path
    assert all(f.stat().st_size <= 4096 for f in files)
    first_of_second = _lines(files[1])[0]
    assert first_of_second["prev"] == line_hash(_lines(files[0])[-1])
    report = verify_log(tmp_path, public_key=signing_key.public_key() if signed else None)
    assert (report.ok, report.records, report.files) == (True, 40, len(files))


def test_resume_after_restart(
    tmp_path: Path, make_record: Factory, signing_key: Ed25519PrivateKey
) -> None:
    path = tmp_path / "decisions.jsonl"
    for round_ in range(3):
        with DecisionLog(path, signing_key=signing_key, max_bytes=4096, strict=True) as log:
            assert log.seq == round_ * 7
            for i in range(7):
                log.append(make_record(minutes=i))
    report = verify_log(path, public_key=signing_key.public_key())
    assert (report.ok, report.records, report.last_seq) == (True, 21, 21)


def test_resume_from_archive_when_base_is_missing(
    tmp_path: Path, make_record: Factory
) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path, signing_key=None, max_bytes=4096, strict=True) as log:
        for i in range(30):
            log.append(make_record(minutes=i))
    # an operator moved the base file away right after a rotation: emulate with a rename
    archived = path.with_name("decisions.jsonl.99")
    path.rename(archived)
    with DecisionLog(path, signing_key=None, strict=True) as log:
        log.append(make_record())
        assert log.seq == 31
    assert verify_log(path, public_key=None).ok


def test_torn_tail_is_moved_aside(
    tmp_path: Path, make_record: Factory, signing_key: Ed25519PrivateKey,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path, signing_key=signing_key, strict=True) as log:
        for i in range(3):
            log.append(make_record(minutes=i))
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"seq":4,"prev":"ab')  # a crash in the middle of a write
    with (
        caplog.at_level(logging.WARNING, logger="qorgan.audit"),
        DecisionLog(path, signing_key=signing_key, strict=True) as log,
    ):
        log.append(make_record(minutes=9))
    aside = list(tmp_path.glob("decisions.jsonl.torn-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == b'{"seq":4,"prev":"ab'
    assert "torn" in caplog.text
    report = verify_log(path, public_key=signing_key.public_key())
    assert (report.ok, report.records) == (True, 4)


def test_damaged_last_line_stops_the_chain(tmp_path: Path, make_record: Factory) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path, signing_key=None, strict=True) as log:
        log.append(make_record())
    path.write_bytes(path.read_bytes() + b"not json\n")
    with pytest.raises(AuditLogError, match="damaged"):
        DecisionLog(path, signing_key=None, strict=True)
    log = DecisionLog(path, signing_key=None, retry_interval=0)
    log.append(make_record())
    log.close()
    assert (log.dropped, path.read_bytes().count(b"\n")) == (1, 2)


def test_concurrent_appends_keep_the_chain(
    tmp_path: Path, make_record: Factory, signing_key: Ed25519PrivateKey
) -> None:
    path = tmp_path / "decisions.jsonl"
    records = [make_record(minutes=i) for i in range(8)]
    with DecisionLog(path, signing_key=signing_key, max_bytes=16384, strict=True) as log:

        def work() -> None:
            for i in range(25):
                log.append(records[i % len(records)])

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    report = verify_log(path, public_key=signing_key.public_key())
    assert (report.ok, report.records) == (True, 200)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_directory_failsafe(tmp_path: Path, make_record: Factory) -> None:
    locked = tmp_path / "ro"
    locked.mkdir(mode=0o500)
    log = DecisionLog(locked / "decisions.jsonl", signing_key=None)
    log.append(make_record())
    assert (log.errors >= 1, log.dropped) == (True, 1)


@pytest.mark.parametrize("strict", [False, True])
def test_unusable_path(tmp_path: Path, make_record: Factory, strict: bool) -> None:
    # a regular file where the log's directory should be: fails even for root
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    path = blocker / "decisions.jsonl"
    if strict:
        with pytest.raises(AuditLogError):
            DecisionLog(path, signing_key=None, strict=True)
        return
    log = DecisionLog(path, signing_key=None, retry_interval=0)
    for _ in range(3):
        log.append(make_record())
    log.close()
    assert (log.dropped, log.errors >= 4) == (3, True)


def test_write_error_is_counted_and_recovered(tmp_path: Path, make_record: Factory) -> None:
    path = tmp_path / "decisions.jsonl"
    log = DecisionLog(path, signing_key=None, retry_interval=0)
    log.append(make_record())
    assert log._fh is not None
    log._fh.close()  # the next write fails with an I/O error
    log.append(make_record())
    log.append(make_record())  # reopens and resumes the chain
    log.close()
    assert (log.errors, log.dropped, log.seq) == (1, 1, 2)
    assert verify_log(path, public_key=None).ok


class _DiskFullHalfway:
    """A file whose next write stores half the bytes and then fails, as on a full disk."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def write(self, data: bytes) -> int:
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_partial_write_is_repaired_on_reopen(
    tmp_path: Path, make_record: Factory, signing_key: Ed25519PrivateKey
) -> None:
    path = tmp_path / "decisions.jsonl"
    log = DecisionLog(path, signing_key=signing_key, retry_interval=0)
    log.append(make_record(minutes=0))
    log._fh = _DiskFullHalfway(log._fh)  # type: ignore[assignment]
    log.append(make_record(minutes=1))  # half a line reaches the disk
    log.append(make_record(minutes=2))  # reopens, moves the torn half aside, resumes
    log.close()
    assert (log.errors, log.dropped, log.seq) == (1, 1, 2)
    assert len(list(tmp_path.glob("decisions.jsonl.torn-*"))) == 1
    report = verify_log(path, public_key=signing_key.public_key())
    assert (report.ok, report.records) == (True, 2)


def test_directory_path_holds_decisions_jsonl(tmp_path: Path, make_record: Factory) -> None:
    with DecisionLog(tmp_path, signing_key=None, strict=True) as log:
        log.append(make_record())
    assert log.path == tmp_path / "decisions.jsonl"
    assert verify_log(tmp_path).records == 1


def test_second_writer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    first = DecisionLog(path, signing_key=None, strict=True)
    with pytest.raises(AuditLogError, match="in use"):
        DecisionLog(path, signing_key=None, strict=True)
    first.close()
    DecisionLog(path, signing_key=None, strict=True).close()  # free again once closed


def test_closed_log_drops(tmp_path: Path, make_record: Factory) -> None:
    log = DecisionLog(tmp_path / "d.jsonl", signing_key=None)
    log.close()
    log.append(make_record())
    assert log.dropped == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"max_bytes": 100}, "max_bytes"), ({"fsync": "sometimes"}, "fsync")],
)
def test_bad_options(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DecisionLog(tmp_path / "d.jsonl", signing_key=None, **kwargs)  # type: ignore[arg-type]


def test_workers_sharing_a_path_each_take_a_slot(
    tmp_path: Path, make_record: Factory, signing_key: Ed25519PrivateKey
) -> None:
    """``qorgan serve --workers 2``: one configured path, one chain per worker; a restarted
    worker continues the chain of the slot it finds free."""
    base = tmp_path / "decisions.jsonl"
    first = DecisionLog(base, signing_key=signing_key, slots=2, strict=True)
    second = DecisionLog(base, signing_key=signing_key, slots=2, strict=True)
    assert (first.path.name, second.path.name) == ("decisions.w0.jsonl", "decisions.w1.jsonl")
    first.append(make_record("allow"))
    second.append(make_record("block"))
    with pytest.raises(AuditLogError, match="in use by another writer"):
        DecisionLog(base, signing_key=signing_key, slots=2, strict=True)
    first.close()
    again = DecisionLog(base, signing_key=signing_key, slots=2, strict=True)
    assert again.path.name == "decisions.w0.jsonl"
    again.append(make_record("transform"))
    again.close()
    second.close()
    for name, records in (("decisions.w0.jsonl", 2), ("decisions.w1.jsonl", 1)):
        report = verify_log(tmp_path / name, public_key=signing_key.public_key())
        assert (report.ok, report.records) == (True, records)
