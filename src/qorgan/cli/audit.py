"""`qorgan audit`: signing keys, verifying, querying and reporting on the decision log.

    qorgan audit keygen --out FILE              new Ed25519 signing key (mode 0600)
    qorgan audit pubkey --key FILE              print its public key (PEM)
    qorgan audit verify PATH [--pubkey FILE]    exit 0 intact, 1 with FILE:LINE: problem
    qorgan audit query [PATH] < ids.txt         decisions about data subjects (ids on stdin)
    qorgan audit report PATH --out FILE.html    self-contained HTML report

PATH is the log's base file or its directory; ``QORGAN_AUDIT_LOG`` is the default for
``query``. The subject id is hashed with the subject key (``QORGAN_SUBJECT_KEY``, else
``QORGAN_MASTER_KEY``, or ``--subject-key-file``), as the guard hashed it; the clear id is
never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from qorgan.cli.subjects import add_subject_arguments, read_subjects
from qorgan.errors import ConfigError


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("audit", help="verify, query and report on the decision log")
    cmds = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    p = cmds.add_parser("keygen", help="create an Ed25519 signing key (PEM, mode 0600)")
    p.add_argument("--out", required=True, type=Path, help="private key file to create")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=_keygen)

    p = cmds.add_parser("pubkey", help="print the public key of a signing key")
    p.add_argument("--key", required=True, type=Path, help="private key file")
    p.set_defaults(func=_pubkey)

    p = cmds.add_parser("verify", help="check the hash chain and signatures of a log")
    p.add_argument("path", type=Path, help="log file or directory")
    p.add_argument(
        "--pubkey", action="append", type=Path, default=[],
        help="trusted public key (PEM); repeat for logs signed by several keys",
    )
    p.set_defaults(func=_verify)

    p = cmds.add_parser("query", help="decisions about a data subject (Law 230-VIII Art. 16); "
                                      "the subject's id on standard input")
    p.add_argument("path", type=Path, nargs="?", help="log file or directory")
    add_subject_arguments(p)
    p.add_argument("--since", help="ISO time, inclusive")
    p.add_argument("--until", help="ISO time, exclusive")
    p.add_argument("--subject-key-file", type=Path, help="subject key (hex or base64)")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=_query)

    p = cmds.add_parser("report", help="render a self-contained HTML report")
    p.add_argument("path", type=Path, help="log file or directory")
    p.add_argument("--out", required=True, type=Path, help="HTML file to write")
    p.add_argument("--pubkey", action="append", type=Path, default=[],
                   help="verify signatures with this key for the integrity panel")
    p.add_argument("--title", default="qorgan decision log")
    p.set_defaults(func=_report)


def _keygen(args: argparse.Namespace) -> int:
    from qorgan.audit.signing import generate_signing_key, key_id

    key = generate_signing_key(args.out, overwrite=args.force)
    print(f"wrote {args.out} (key_id {key_id(key)})")
    return 0


def _pubkey(args: argparse.Namespace) -> int:
    from qorgan.audit.signing import load_signing_key, public_key_pem

    sys.stdout.write(public_key_pem(load_signing_key(args.key)))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from qorgan.audit.signing import load_public_key
    from qorgan.audit.verify import verify_log

    keys = [load_public_key(p) for p in args.pubkey]
    report = verify_log(args.path, public_key=keys or None)
    print(report)
    return 0 if report.ok else 1


def _subject_key(args: argparse.Namespace) -> bytes:
    from qorgan.settings import Settings, parse_key

    if args.subject_key_file is not None:
        try:
            raw = args.subject_key_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read {args.subject_key_file}: {exc.strerror}") from exc
        return parse_key(raw, name=str(args.subject_key_file))
    names = ("QORGAN_SUBJECT_KEY", "QORGAN_MASTER_KEY")
    settings = Settings.from_env({k: os.environ[k] for k in names if k in os.environ})
    key = settings.subject_key or settings.master_key
    if key is None:
        raise ConfigError("set QORGAN_SUBJECT_KEY or pass --subject-key-file")
    return key


def _log_path(args: argparse.Namespace) -> Path:
    if args.path is not None:
        return Path(args.path)
    from qorgan.settings import Settings

    env = {k: os.environ[k] for k in ("QORGAN_AUDIT_LOG",) if k in os.environ}
    configured = Settings.from_env(env).audit_log
    if not configured:
        raise ConfigError("name the log (PATH) or set QORGAN_AUDIT_LOG")
    return Path(configured)


def _time(value: str | None, flag: str) -> Any:
    from qorgan.audit.query import parse_time

    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as exc:
        raise ConfigError(f"{flag} must be an ISO 8601 time") from exc


def _query(args: argparse.Namespace) -> int:
    from qorgan.audit.query import query_subject
    from qorgan.keys import keyed_hash

    path = _log_path(args)
    key = _subject_key(args)
    since, until = _time(args.since, "--since"), _time(args.until, "--until")
    rows: list[dict[str, Any]] = []
    for subject in read_subjects(args):
        hashed = keyed_hash(key, subject, domain="subject")
        rows.extend(query_subject(path, hashed, since=since, until=until))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no decisions about this subject")
        return 0
    for row in rows:
        print(_describe(row))
    print(f"{len(rows)} decision(s)")
    return 0


def _join(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in sorted(value.items())) or "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return "-" if value is None else str(value)


def _describe(row: dict[str, Any]) -> str:
    lines = [f"{row.get('ts')}  {row.get('outcome')}  ({row.get('mode')})"]
    for label, key in (
        ("rules", "rules"),
        ("cites", "cites"),
        ("purpose", "purpose"),
        ("categories", "categories"),
        ("actions", "actions"),
        ("consent", "consent"),
        ("destination", "destination"),
    ):
        lines.append(f"    {label + ':':<12} {_join(row.get(key))}")
    return "\n".join(lines)


def _report(args: argparse.Namespace) -> int:
    from qorgan.audit.report import write_report
    from qorgan.audit.signing import load_public_key
    from qorgan.audit.verify import verify_log

    keys = [load_public_key(p) for p in args.pubkey]
    integrity = verify_log(args.path, public_key=keys or None)
    out = write_report(args.path, args.out, integrity=integrity, title=args.title)
    print(f"wrote {out}")
    return 0
