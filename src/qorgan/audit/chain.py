"""The on-disk form of the decision log, shared by the writer, the verifier and readers.

A log is a base file (``decisions.jsonl``) plus archives made by rotation:
``decisions.jsonl.1`` is the oldest, ``.2`` the next, and so on; the base file is always
the newest. Archives are never renamed again once written, so a crash during rotation
cannot reorder history. Each line is canonical JSON (sorted keys, no spaces, UTF-8) of a
record plus ``seq``, ``prev``, ``key_id`` and ``sig``; ``prev`` is the sha256 of the
previous line's canonical bytes, ``sig`` signs the canonical bytes of the line without
``sig``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qorgan.errors import ConfigError

GENESIS = "0" * 64
CHAIN_FIELDS = ("seq", "prev", "key_id", "sig")
_ARCHIVE = re.compile(r"\.(\d{1,9})")


def canonical(obj: dict[str, Any]) -> bytes:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def line_hash(obj: dict[str, Any]) -> str:
    """The hash the next line's ``prev`` must carry."""
    return hashlib.sha256(canonical(obj)).hexdigest()


def signed_payload(obj: dict[str, Any]) -> bytes:
    return canonical({k: v for k, v in obj.items() if k != "sig"})


def archives(base: Path) -> list[tuple[int, Path]]:
    """Rotated files of ``base``, oldest first."""
    found: list[tuple[int, Path]] = []
    if not base.parent.is_dir():
        return found
    prefix = base.name
    for entry in base.parent.iterdir():
        if not entry.name.startswith(prefix):
            continue
        m = _ARCHIVE.fullmatch(entry.name[len(prefix) :])
        if m and entry.is_file():
            found.append((int(m.group(1)), entry))
    found.sort()
    return found


def resolve_base(path: str | Path) -> Path:
    """The base file of a log named by its base path or by the directory holding it."""
    p = Path(path)
    if not p.is_dir():
        return p
    bases = sorted(e for e in p.iterdir() if e.is_file() and e.name.endswith(".jsonl"))
    if len(bases) != 1:
        what = "no" if not bases else "several"
        raise ConfigError(f"{p} holds {what} *.jsonl logs; name the log file")
    return bases[0]


def log_files(path: str | Path) -> list[Path]:
    """Every file of the log in chain order (archives oldest first, then the base)."""
    base = resolve_base(path)
    files = [p for _, p in archives(base)]
    if base.is_file():
        files.append(base)
    return files


def iter_lines(path: str | Path) -> Iterator[tuple[Path, int, bytes]]:
    """``(file, line number, raw line with its newline if it has one)`` over the whole log."""
    for file in log_files(path):
        with file.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                yield file, number, raw


def iter_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Parsed records, skipping lines that are not JSON objects (``verify`` reports those)."""
    for _file, _number, raw in iter_lines(path):
        try:
            obj = json.loads(raw)
        except ValueError:
            continue
        if isinstance(obj, dict):
            yield obj
