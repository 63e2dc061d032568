"""`qorgan consent`: grant, withdraw, show and list data-subject consents.

The registry comes from ``--registry URL`` or ``QORGAN_CONSENT_URL`` (default
``sqlite:///qorgan-consent.db``, a file in the current directory). Subject ids are hashed
with the deployment's subject key before they reach the registry: ``--subject-key-file``
(a file holding the key) or ``QORGAN_SUBJECT_KEY``, as hex, at least 16 bytes
(e.g. ``python -c "import secrets; print(secrets.token_hex(32))"``). The guard must use the
same key, or it will not find the consents given here.

Subject ids (an IIN, an e-mail) are read from standard input or ``--subject-file PATH``,
one per line, never from the command line, where they would stay in the shell history and
the process list; at a terminal they are asked for without echo. ``grant`` checks the
purpose and the categories against the active policy (``--policy``, ``QORGAN_POLICY``,
default ``builtin:default``) and refuses ones it does not declare; ``withdraw --purpose``
checks the purpose.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import anyio
from rich.console import Console
from rich.table import Table

from qorgan.cli.subjects import add_subject_arguments, read_subjects
from qorgan.consent.base import ConsentRegistry, GrantRequest, utcnow
from qorgan.consent.identifiers import identifier_keys
from qorgan.consent.model import ConsentRecord
from qorgan.consent.registry import SubjectHasher, open_registry
from qorgan.consent.serialize import record_state, record_to_dict
from qorgan.consent.validate import Vocabulary, check_grant, check_purpose
from qorgan.errors import ConfigError, QorganError

DEFAULT_URL = "sqlite:///qorgan-consent.db"
URL_ENV = "QORGAN_CONSENT_URL"
KEY_ENV = "QORGAN_SUBJECT_KEY"
POLICY_ENV = "QORGAN_POLICY"


def vocabulary(args: argparse.Namespace) -> Vocabulary:
    """What the active policy declares (``--policy``, ``QORGAN_POLICY``, the default)."""
    from qorgan.policy.loader import load_policy

    source = args.policy or os.environ.get(POLICY_ENV) or "builtin:default"
    return Vocabulary.of(load_policy(source).policy)


def _checked(check: Callable[[], None]) -> None:
    try:
        check()
    except QorganError as exc:
        raise ConfigError(exc.message) from None


def _parse_key(text: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError as exc:
        raise ConfigError(f"the subject key in {source} is not hex") from exc
    if len(key) < 16:
        raise ConfigError(f"the subject key in {source} must be at least 16 bytes")
    return key


def subject_hasher(args: argparse.Namespace) -> SubjectHasher:
    """The hasher from ``--subject-key-file`` or ``QORGAN_SUBJECT_KEY``; required."""
    if args.subject_key_file:
        try:
            with open(args.subject_key_file, encoding="ascii") as fh:
                content = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError("cannot read the subject key file") from exc
        return SubjectHasher(_parse_key(content, "--subject-key-file"))
    text = os.environ.get(KEY_ENV)
    if not text:
        raise ConfigError(
            f"the subject key is not set: pass --subject-key-file or set {KEY_ENV} "
            "(hex, at least 16 bytes)"
        )
    return SubjectHasher(_parse_key(text, KEY_ENV))


def _timestamp(name: str) -> Callable[[str], datetime]:
    def parse(value: str) -> datetime:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{name} must be an ISO 8601 date or time") from exc
        if len(value) == 10:  # a bare date: the start of that day in UTC
            return parsed.replace(tzinfo=UTC)
        if parsed.tzinfo is None:
            raise argparse.ArgumentTypeError(f"{name} needs a UTC offset, e.g. +05:00 or Z")
        return parsed.astimezone(UTC)

    return parse


def _categories(value: str) -> frozenset[str]:
    return frozenset(c.strip() for c in value.split(",") if c.strip())


def _limit(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 10_000:
        raise argparse.ArgumentTypeError("--limit must be an integer between 1 and 10000")
    return int(value)


def _with_registry(
    args: argparse.Namespace, action: Callable[[ConsentRegistry], Awaitable[Any]]
) -> Any:
    url = args.registry or os.environ.get(URL_ENV) or DEFAULT_URL

    async def main() -> Any:
        registry = open_registry(url)
        try:
            return await action(registry)
        finally:
            await registry.close()

    return anyio.run(main)


def _console() -> Console:
    # Built per call so output goes to whatever stdout is now (tests capture it); piped
    # output gets a width that keeps a row on one line.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _emit_json(value: Any) -> None:
    print(json.dumps(value, indent=2, sort_keys=True))


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _table(records: Sequence[ConsentRecord], *, title: str, with_subject: bool) -> Table:
    now = utcnow()
    table = Table(title=title, caption="times in UTC")
    if with_subject:
        table.add_column("subject key")
    for column in ("id", "purpose", "categories", "cross-border", "from", "until", "status"):
        table.add_column(column)
    for rec in records:
        row = [
            rec.id[:8],
            rec.purpose,
            ",".join(sorted(rec.categories)) or "(all)",
            "yes" if rec.cross_border else "no",
            _when(rec.valid_from),
            _when(rec.valid_until),
            record_state(rec, now),
        ]
        table.add_row(*([rec.subject_key[:16]] if with_subject else []), *row)
    return table


def _identifiers(path: str | None, hasher: SubjectHasher) -> frozenset[str]:
    """The keyed hashes of the identifiers listed in ``path`` (one per line)."""
    if path is None:
        return frozenset()
    try:
        with open(path, encoding="utf-8") as fh:
            values = [line.strip() for line in fh if line.strip()]
    except OSError as exc:
        raise ConfigError("cannot read the identifiers file") from exc
    return frozenset(key for value in values for key in identifier_keys(hasher, value))


def _grant(args: argparse.Namespace) -> int:
    words = vocabulary(args)
    _checked(lambda: check_grant(words, purpose=args.purpose, categories=args.categories))
    hasher = subject_hasher(args)
    identifiers = _identifiers(args.identifiers_file, hasher)
    requests = [GrantRequest(
        subject_key=hasher(subject),
        purpose=args.purpose,
        categories=args.categories,
        cross_border=args.cross_border,
        valid_from=args.valid_from,
        valid_until=args.valid_until,
        evidence=args.evidence,
        identifiers=identifiers,
    ) for subject in read_subjects(args)]

    async def act(registry: ConsentRegistry) -> list[ConsentRecord]:
        return [await registry.grant(request) for request in requests]

    records: list[ConsentRecord] = _with_registry(args, act)
    if args.json:
        now = utcnow()
        dicts = [record_to_dict(r, now) for r in records]
        _emit_json(dicts[0] if len(dicts) == 1 else {"records": dicts})
    else:
        for record in records:
            _console().print(f"granted consent {record.id} for purpose {record.purpose}")
    return 0


def _withdraw(args: argparse.Namespace) -> int:
    if args.purpose:
        words = vocabulary(args)
        _checked(lambda: check_purpose(words, args.purpose))
    hasher = subject_hasher(args)
    keys = [hasher(subject) for subject in read_subjects(args)]

    async def act(registry: ConsentRegistry) -> int:
        total = 0
        for key in keys:
            total += await registry.withdraw(subject_key=key, purpose=args.purpose)
        return total

    count: int = _with_registry(args, act)
    if args.json:
        _emit_json({"withdrawn": count})
    else:
        scope = f"purpose {args.purpose}" if args.purpose else "all purposes"
        _console().print(f"withdrew {count} consent(s) for {scope}")
    return 0


def _show(args: argparse.Namespace) -> int:
    hasher = subject_hasher(args)
    keys = [hasher(subject) for subject in read_subjects(args)]

    async def act(registry: ConsentRegistry) -> list[list[ConsentRecord]]:
        return [await registry.list(subject_key=key, purpose=args.purpose, limit=10_000)
                for key in keys]

    found: list[list[ConsentRecord]] = _with_registry(args, act)
    now = utcnow()
    for key, records in zip(keys, found, strict=True):
        if args.json:
            _emit_json({"subject_key": key,
                        "records": [record_to_dict(r, now) for r in records]})
        else:
            _console().print(_table(records, title=f"subject key {key[:16]}",
                                    with_subject=False))
    return 0


def _list(args: argparse.Namespace) -> int:
    async def act(registry: ConsentRegistry) -> list[ConsentRecord]:
        return await registry.list(purpose=args.purpose, limit=args.limit)

    records: list[ConsentRecord] = _with_registry(args, act)
    if args.json:
        now = utcnow()
        _emit_json({"records": [record_to_dict(r, now) for r in records]})
    else:
        _console().print(_table(records, title="consents", with_subject=True))
    return 0


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--registry", metavar="URL", help=f"registry URL (default: ${URL_ENV} or {DEFAULT_URL})"
    )
    common.add_argument(
        "--subject-key-file",
        metavar="PATH",
        help=f"file holding the hex subject key (default: ${KEY_ENV})",
    )
    common.add_argument("--json", action="store_true", help="print JSON instead of a table")
    subjects = argparse.ArgumentParser(add_help=False)
    add_subject_arguments(subjects)
    subjects.add_argument(
        "--policy", metavar="PATH",
        help=f"the policy whose purposes and categories consents name "
             f"(default: ${POLICY_ENV} or builtin:default)")

    parser = sub.add_parser("consent", help="grant, withdraw and inspect data-subject consents")
    actions = parser.add_subparsers(dest="consent_command", metavar="ACTION", required=True)

    grant = actions.add_parser("grant", parents=[common, subjects],
                               help="record a consent (subject ids on standard input)")
    grant.add_argument("--purpose", required=True)
    grant.add_argument(
        "--categories", type=_categories, default=frozenset(), help="a,b (default: all)"
    )
    grant.add_argument("--cross-border", action="store_true", help="allow transfer abroad")
    grant.add_argument("--from", dest="valid_from", type=_timestamp("--from"), metavar="ISO")
    grant.add_argument("--until", dest="valid_until", type=_timestamp("--until"), metavar="ISO")
    grant.add_argument("--evidence", metavar="REF", help="reference to the signed consent")
    grant.add_argument(
        "--identifiers-file", metavar="PATH",
        help="the subject's own identifiers (name, e-mail, phone, IIN), one per line: the "
             "personal data the consent covers besides the subject id; stored as keyed "
             "hashes only")
    grant.set_defaults(func=_grant)

    withdraw = actions.add_parser("withdraw", parents=[common, subjects],
                                  help="withdraw consents (subject ids on standard input)")
    withdraw.add_argument("--purpose", help="only this purpose (default: all)")
    withdraw.set_defaults(func=_withdraw)

    show = actions.add_parser("show", parents=[common, subjects],
                              help="a subject's consents (subject ids on standard input)")
    show.add_argument("--purpose")
    show.set_defaults(func=_show)

    listing = actions.add_parser("list", parents=[common], help="recent consents")
    listing.add_argument("--purpose")
    listing.add_argument("--limit", type=_limit, default=100)
    listing.set_defaults(func=_list)
