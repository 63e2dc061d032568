"""`qorgan policy`: validate, test and explain policy files."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qorgan.consent.model import ConsentRecord, ConsentView
from qorgan.errors import PayloadError, PolicyError
from qorgan.policy.context import DecisionContext
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.explain import explain, extract_texts, render
from qorgan.policy.loader import load_policy
from qorgan.policy.testing import run_policy_tests
from qorgan.types import Principal


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("policy", help="validate, test and explain policies")
    commands = parser.add_subparsers(dest="policy_command", metavar="ACTION", required=True)

    validate = commands.add_parser("validate", help="check policy files")
    validate.add_argument("files", nargs="+", metavar="FILE", help="a path or builtin:NAME")
    validate.set_defaults(func=_validate)

    test = commands.add_parser("test", help="run a policy's test cases")
    test.add_argument("file", metavar="FILE")
    test.add_argument("--tests", metavar="TESTS", help="tests file (default: FILE.tests.yaml)")
    test.set_defaults(func=_test)

    schema = commands.add_parser(
        "schema",
        help="write the policy file's JSON Schema (for editors and the YAML language server)",
        description="Writes the JSON Schema of a policy file, generated from qorgan's policy "
        "models. Point the YAML language server at it with a first line "
        "'# yaml-language-server: $schema=qorgan-policy.schema.json' (docs/policy.md).",
    )
    schema.add_argument("--out", metavar="FILE", help="write here (default: standard output)")
    schema.set_defaults(func=_schema)

    hash_key = commands.add_parser(
        "hash-key",
        help="print the sha256 of an API key (read from stdin) for auth.api_keys",
        description="Reads one API key from standard input (so it stays out of shell "
        "history and process lists) and prints the hex sha256 a policy's "
        "auth.api_keys[].sha256 holds. The key itself never goes into a policy.",
    )
    hash_key.set_defaults(func=_hash_key)

    exp = commands.add_parser("explain", help="show how a request body would be decided")
    exp.add_argument("--policy", required=True, metavar="FILE")
    exp.add_argument("--input", required=True, metavar="REQUEST_JSON")
    exp.add_argument("--principal", default="cli", metavar="ID")
    exp.add_argument("--roles", default="", help="comma-separated roles")
    exp.add_argument("--tenant", default="default")
    exp.add_argument("--purpose")
    exp.add_argument("--subject", help="data subject named (without --consent-granted: no consent)")
    exp.add_argument("--model", help="model name (default: the body's model)")
    exp.add_argument("--route", default="/v1/chat/completions")
    exp.add_argument(
        "--consent-granted",
        nargs="*",
        default=None,
        metavar="CATEGORY",
        help="categories the subject consented to, cross-border included (none listed: all)",
    )
    exp.set_defaults(func=_explain)


def _validate(args: argparse.Namespace) -> int:
    for name in args.files:
        try:
            loaded = load_policy(name)
        except PolicyError as exc:
            print(exc.message, file=sys.stderr)
            return 1
        print(f"ok {name} ({loaded.policy.name}, {loaded.version[:12]})")
    return 0


def _test(args: argparse.Namespace) -> int:
    report = run_policy_tests(args.file, args.tests)
    for case in report.cases:
        print(f"{'PASS' if case.passed else 'FAIL'} {case.name}")
        for line in case.diff:
            print(f"    {line}")
    print(report.summary())
    return 0 if report.ok else 1


def _consent(args: argparse.Namespace) -> ConsentView | None:
    if args.consent_granted is None and args.subject is None:
        # Neither a subject nor consent on the command line: as without a consent registry.
        return None
    now = datetime.now(UTC)
    records = []
    if args.consent_granted is not None:
        records.append(
            ConsentRecord(
                id="cli",
                subject_key="cli",
                purpose=args.purpose or "",
                categories=frozenset(args.consent_granted),
                cross_border=True,
                valid_from=now,
            )
        )
    return ConsentView(records=records, now=now, subject_present=True)


def _explain(args: argparse.Namespace) -> int:
    engine = PolicyEngine(load_policy(args.policy))
    try:
        body = json.loads(Path(args.input).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PayloadError(f"{args.input}: cannot read ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError(f"{args.input}: not a JSON document") from exc
    texts = extract_texts(body, args.route)
    from qorgan.detection.engine import Detector  # heavy: loaded only for explain

    findings = Detector(engine.detection_config()).analyze_batch([t for _, t in texts])
    model = args.model
    if model is None and isinstance(body, dict) and isinstance(body.get("model"), str):
        model = body["model"]
    roles = frozenset(r for r in args.roles.split(",") if r)
    ctx = DecisionContext(
        principal=Principal(id=args.principal, roles=roles, tenant=args.tenant),
        purpose=args.purpose,
        destination=engine.resolve_destination(model, args.route),
        route=args.route,
    )
    for line in render(explain(engine, findings, ctx, _consent(args)), [p for p, _ in texts]):
        print(line)
    return 0


def _schema(args: argparse.Namespace) -> int:
    from qorgan.policy.jsonschema import policy_json_schema

    text = json.dumps(policy_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _hash_key(args: argparse.Namespace) -> int:
    from qorgan.identity import hash_api_key

    key = sys.stdin.readline().strip()
    if not key:
        print("qorgan policy hash-key: no key on standard input", file=sys.stderr)
        return 2
    print(hash_api_key(key))
    return 0
