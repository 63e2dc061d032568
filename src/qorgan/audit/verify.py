"""Walk a decision log and report the first place where it is not what the writer wrote.

Checks, line by line in chain order: the line is complete JSON; with trusted public keys,
its signature verifies under the key its ``key_id`` names; ``seq`` is one more than the
previous record's; ``prev`` is the hash of the previous line. The first record of a log
must be seq 1 chained to the genesis hash.

What a chain cannot show: records cut off the end of the newest file at a line boundary.
``VerifyReport.head`` (hash of the last record) and ``last_seq`` are meant to be copied
somewhere the writer cannot change, so a later check can compare.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from qorgan.audit.chain import GENESIS, iter_lines, line_hash, log_files, signed_payload
from qorgan.audit.signing import key_id
from qorgan.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Problem:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    records: int
    files: int
    problem: Problem | None = None
    last_seq: int | None = None
    head: str | None = None
    signatures_checked: bool = False

    def __str__(self) -> str:
        if self.problem is not None:
            return str(self.problem)
        sig = "signatures verified" if self.signatures_checked else "signatures not checked"
        return (
            f"ok: {self.records} records in {self.files} file(s), chain intact, {sig}"
            + (f"; last seq {self.last_seq}, head {self.head}" if self.head else "")
        )


class _Bad(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def verify_log(
    path: str | Path,
    *,
    public_key: Ed25519PublicKey | Iterable[Ed25519PublicKey] | None = None,
) -> VerifyReport:
    """Verify the log at ``path`` (its base file or the directory holding it).

    With ``public_key`` (one key, or several when the signing key was changed), every
    record must carry a valid signature by one of them.
    """
    files = log_files(path)
    if not files:
        raise ConfigError(f"no decision log at {path}")
    if public_key is None:
        keys: dict[str, Ed25519PublicKey] = {}
    elif isinstance(public_key, Ed25519PublicKey):
        keys = {key_id(public_key): public_key}
    else:
        keys = {key_id(k): k for k in public_key}
    count = 0
    expected: int | None = None
    prev_hash = GENESIS
    prev_at: tuple[Path, int] | None = None
    for file, number, raw in iter_lines(path):
        try:
            obj = _parse(raw)
            if keys:
                _check_signature(obj, keys)
            seq, prev = obj["seq"], obj["prev"]
            if expected is None and seq != 1:
                raise _Bad(f"the log starts at seq {seq}, not 1: earlier records are missing")
            if expected is not None and seq != expected:
                raise _Bad(_seq_problem(path, expected, seq))
            if prev != prev_hash:
                if prev_at is None:
                    raise _Bad("the first record does not chain to the genesis hash")
                return _failed(
                    prev_at[0],
                    prev_at[1],
                    f"record altered: its hash does not match prev of the next record "
                    f"({file}:{number})",
                    count,
                    files,
                )
        except _Bad as bad:
            return _failed(file, number, bad.message, count, files)
        count += 1
        expected = seq + 1
        prev_hash = line_hash(obj)
        prev_at = (file, number)
    return VerifyReport(
        ok=True,
        records=count,
        files=len(files),
        last_seq=None if expected is None else expected - 1,
        head=prev_hash if count else None,
        signatures_checked=bool(keys),
    )


def _failed(file: Path, line: int, message: str, count: int, files: list[Path]) -> VerifyReport:
    return VerifyReport(
        ok=False, records=count, files=len(files), problem=Problem(file, line, message)
    )


def _parse(raw: bytes) -> dict[str, Any]:
    if not raw.endswith(b"\n"):
        raise _Bad("incomplete last line (torn write; the writer moves it aside on restart)")
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        raise _Bad("unparsable line (not JSON)") from exc
    if not isinstance(obj, dict):
        raise _Bad("unparsable line (not a JSON object)")
    if not isinstance(obj.get("seq"), int) or isinstance(obj.get("seq"), bool):
        raise _Bad("record has no integer seq")
    if not isinstance(obj.get("prev"), str):
        raise _Bad("record has no prev hash")
    return obj


def _check_signature(obj: dict[str, Any], keys: dict[str, Ed25519PublicKey]) -> None:
    sig, kid = obj.get("sig"), obj.get("key_id")
    if not isinstance(sig, str) or not sig:
        raise _Bad("record is not signed")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise _Bad(f"record signed by an untrusted key (key_id {str(kid)[:16]!r})")
    try:
        key.verify(base64.b64decode(sig, validate=True), signed_payload(obj))
    except (binascii.Error, ValueError) as exc:
        raise _Bad("malformed signature") from exc
    except InvalidSignature as exc:
        raise _Bad("signature does not match the record (record edited or re-signed)") from exc


def _seq_problem(path: str | Path, expected: int, seq: int) -> str:
    if seq < expected:
        return f"seq {seq} after seq {expected - 1}: record repeated or reordered"
    where = next(_find_seq(path, expected), None)
    if where is not None:
        return (
            f"record out of order: seq {seq} where seq {expected} belongs "
            f"(found at {where[0]}:{where[1]})"
        )
    missing = seq - expected
    return f"seq jumps from {expected - 1} to {seq}: {missing} record(s) deleted"


def _find_seq(path: str | Path, seq: int) -> Iterator[tuple[Path, int]]:
    for file, number, raw in iter_lines(path):
        try:
            obj = json.loads(raw)
        except ValueError:
            continue
        if isinstance(obj, dict) and obj.get("seq") == seq:
            yield file, number
