from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qorgan.audit.chain import canonical, log_files, signed_payload
from qorgan.audit.log import DecisionLog
from qorgan.audit.record import AuditRecord
from qorgan.audit.signing import key_id
from qorgan.audit.verify import verify_log
from qorgan.errors import ConfigError

Lines = list[bytes]
ATTACKER = Ed25519PrivateKey.generate()


def _edit(lines: Lines, index: int) -> None:
    lines[index] = lines[index].replace(b'"purpose":"support"', b'"purpose":"analytics"')


def _resign(lines: Lines, index: int, *, keep_key_id: bool = False) -> None:
    obj = json.loads(lines[index])
    obj["outcome"] = "allow"
    if not keep_key_id:
        obj["key_id"] = key_id(ATTACKER)
    obj["sig"] = base64.b64encode(ATTACKER.sign(signed_payload(obj))).decode()
    lines[index] = canonical(obj) + b"\n"


def _resign_all(lines: Lines) -> None:
    for i in range(len(lines)):
        _resign(lines, i)
    # the attacker also repairs the chain; only the key can tell
    prev = "0" * 64
    import hashlib

    for i, raw in enumerate(lines):
        obj = json.loads(raw)
        obj["prev"] = prev
        obj["sig"] = base64.b64encode(ATTACKER.sign(signed_payload(obj))).decode()
        lines[i] = canonical(obj) + b"\n"
        prev = hashlib.sha256(canonical(obj)).hexdigest()


def _drop_field(lines: Lines, index: int, name: str) -> None:
    obj = json.loads(lines[index])
    del obj[name]
    lines[index] = canonical(obj) + b"\n"


TAMPER: list[tuple[str, Callable[[Lines], None], bool, int, str]] = [
    # id, change, check signatures, expected line (1-based), message fragment
    ("edit-signed", lambda ls: _edit(ls, 2), True, 3, "signature does not match"),
    ("edit-unsigned", lambda ls: _edit(ls, 2), False, 3, "record altered"),
    ("delete", lambda ls: ls.__delitem__(2), True, 3, "seq jumps from 2 to 4: 1 record(s) deleted"),
    ("delete-first", lambda ls: ls.__delitem__(0), True, 1, "earlier records are missing"),
    ("swap", lambda ls: ls.insert(2, ls.pop(3)), True, 3, "out of order"),
    ("duplicate", lambda ls: ls.insert(2, ls[1]), False, 3, "repeated or reordered"),
    ("resign-other-key", lambda ls: _resign(ls, 3), True, 4, "untrusted key"),
    (
        "resign-keep-key-id",
        lambda ls: _resign(ls, 3, keep_key_id=True),
        True,
        4,
        "signature does not match",
    ),
    ("resign-everything", _resign_all, True, 1, "untrusted key"),
    ("truncate", lambda ls: ls.__setitem__(-1, ls[-1][:40]), True, 6, "incomplete last line"),
    ("garbage", lambda ls: ls.insert(4, b"garbage\n"), True, 5, "unparsable line (not JSON)"),
    ("array", lambda ls: ls.insert(1, b"[1,2]\n"), False, 2, "not a JSON object"),
    ("unsigned", lambda ls: _drop_field(ls, 1, "sig"), True, 2, "not signed"),
    ("no-seq", lambda ls: _drop_field(ls, 1, "seq"), False, 2, "no integer seq"),
    ("prev-edited", lambda ls: _drop_field(ls, 4, "prev"), False, 5, "no prev hash"),
]


@pytest.fixture
def signed_log(
    tmp_path: Path, make_record: Callable[..., AuditRecord], signing_key: Ed25519PrivateKey
) -> Path:
    path = tmp_path / "decisions.jsonl"
    kinds = ["allow", "transform", "block", "consent", "transform", "allow"]
    with DecisionLog(path, signing_key=signing_key, strict=True) as log:
        for i, kind in enumerate(kinds):
            log.append(make_record(kind, minutes=i))
    return path


@pytest.mark.parametrize(
    ("change", "check_sig", "line", "message"),
    [t[1:] for t in TAMPER],
    ids=[t[0] for t in TAMPER],
)
def test_tampering_is_found_at_the_right_line(
    signed_log: Path,
    signing_key: Ed25519PrivateKey,
    change: Callable[[Lines], None],
    check_sig: bool,
    line: int,
    message: str,
) -> None:
    assert verify_log(signed_log, public_key=signing_key.public_key()).ok
    lines = signed_log.read_bytes().splitlines(keepends=True)
    change(lines)
    signed_log.write_bytes(b"".join(lines))
    report = verify_log(signed_log, public_key=signing_key.public_key() if check_sig else None)
    assert not report.ok
    assert report.problem is not None
    assert (report.problem.file, report.problem.line) == (signed_log, line)
    assert message in report.problem.message
    assert str(report).startswith(f"{signed_log}:{line}: ")


def test_tampering_in_an_archive_names_the_archive(
    tmp_path: Path, make_record: Callable[..., AuditRecord], signing_key: Ed25519PrivateKey
) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path, signing_key=signing_key, max_bytes=4096, strict=True) as log:
        for i in range(30):
            log.append(make_record(minutes=i))
    archive = log_files(path)[1]
    lines = archive.read_bytes().splitlines(keepends=True)
    _edit(lines, 1)
    archive.write_bytes(b"".join(lines))
    report = verify_log(tmp_path, public_key=signing_key.public_key())
    assert report.problem is not None
    assert (report.problem.file.name, report.problem.line) == ("decisions.jsonl.2", 2)


def test_a_deleted_archive_is_found(
    tmp_path: Path, make_record: Callable[..., AuditRecord]
) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path, signing_key=None, max_bytes=4096, strict=True) as log:
        for i in range(30):
            log.append(make_record(minutes=i))
    files = log_files(path)
    files[1].unlink()
    report = verify_log(path)
    assert report.problem is not None
    assert (report.problem.file, report.problem.line) == (files[2], 1)
    assert "deleted" in report.problem.message


def test_several_trusted_keys(
    tmp_path: Path, make_record: Callable[..., AuditRecord], signing_key: Ed25519PrivateKey
) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path, signing_key=signing_key, strict=True) as log:
        log.append(make_record())
    with DecisionLog(path, signing_key=ATTACKER, strict=True) as log:  # key rotation
        log.append(make_record())
    assert not verify_log(path, public_key=signing_key.public_key()).ok
    both = [signing_key.public_key(), ATTACKER.public_key()]
    assert verify_log(path, public_key=both).ok


def test_cut_at_a_line_boundary_changes_the_head(signed_log: Path) -> None:
    before = verify_log(signed_log)
    lines = signed_log.read_bytes().splitlines(keepends=True)
    signed_log.write_bytes(b"".join(lines[:-1]))
    after = verify_log(signed_log)
    # the chain alone cannot see a cut tail; the head recorded elsewhere can
    assert after.ok
    assert (after.last_seq, before.last_seq) == (5, 6)
    assert after.head != before.head


def test_empty_and_missing_logs(tmp_path: Path) -> None:
    (tmp_path / "decisions.jsonl").write_bytes(b"")
    report = verify_log(tmp_path / "decisions.jsonl")
    assert (report.ok, report.records, report.head) == (True, 0, None)
    with pytest.raises(ConfigError, match="no decision log"):
        verify_log(tmp_path / "other.jsonl")


def test_directory_with_several_logs_is_ambiguous(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(b"")
    (tmp_path / "b.jsonl").write_bytes(b"")
    with pytest.raises(ConfigError, match="several"):
        verify_log(tmp_path)
