"""``qorgan scan``: find personal data in texts, one result line per input line.

Input is JSON Lines (``{"text": ..., "language": ...}``) or, with ``--plain``, one text per
line. Output is JSON Lines, ``{"findings": [{"entity_type", "start", "end", "score"}]}``
with offsets in code points of the original text. Values are never printed unless
``--show-values`` is given. A malformed line is reported on stderr by its number (never
its content), gets ``{"error": ...}`` in the output, and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any

from qorgan.detection.config import DEFAULT_ENTITIES, SUPPORTED_LANGUAGES, DetectionConfig
from qorgan.errors import ConfigError
from qorgan.types import Finding

if TYPE_CHECKING:
    from qorgan.detection.engine import Detector

_BATCH = 64
_PROGRESS_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class _Item:
    number: int
    text: str | None
    language: str | None = None
    error: str | None = None


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "scan",
        help="find personal data in texts (JSON Lines or plain lines)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", nargs="?", default="-", help="file to scan, or - for stdin")
    parser.add_argument("--plain", action="store_true", help="input is plain text, one per line")
    parser.add_argument(
        "--entities", help=f"comma-separated entity types (default: {','.join(DEFAULT_ENTITIES)})"
    )
    parser.add_argument("--threshold", type=float, help="minimum score, 0..1 (default 0.5)")
    parser.add_argument(
        "--language",
        choices=sorted(SUPPORTED_LANGUAGES),
        help="language of lines that do not name one (default: detected per text)",
    )
    parser.add_argument(
        "--policy", metavar="FILE", help="take the detection settings from a policy"
    )
    parser.add_argument(
        "--show-values", action="store_true", help="include the matched text in the output"
    )
    parser.add_argument("--pretty", action="store_true", help="human-readable, highlighted view")
    parser.set_defaults(func=run)


def build_detector(args: argparse.Namespace, languages: dict[str, str]) -> Detector:
    from qorgan.detection.default import build_detector as deployed_detector
    from qorgan.detection.language import detect_languages

    base = DetectionConfig()
    if args.policy:
        from qorgan.policy.engine import PolicyEngine
        from qorgan.policy.loader import load_policy

        base = PolicyEngine(load_policy(args.policy)).detection_config()
    options: dict[str, Any] = {}
    if args.entities:
        options["entities"] = tuple(e.strip() for e in args.entities.split(",") if e.strip())
    if args.threshold is not None:
        options["threshold"] = args.threshold
    try:
        config = replace(base, **options)
    except ValueError as exc:
        raise ConfigError(f"invalid detection settings: {exc}") from exc

    def router(text: str) -> frozenset[str]:
        # a line's own "language" wins, then --language, then what the text is written in
        named = languages.get(text) or args.language
        return frozenset({named}) if named else detect_languages(text)

    return deployed_detector(config, language_router=router)


def run(args: argparse.Namespace) -> int:
    languages: dict[str, str] = {}
    detector = build_detector(args, languages)
    failed = 0
    counts: Counter[str] = Counter()
    with ExitStack() as stack:
        source = _open(args.input, stack)
        lines = _with_progress(source, args.input, stack)
        for batch in _batches(_parse(lines, plain=args.plain), _BATCH):
            good = [item for item in batch if item.text is not None]
            languages.clear()
            languages.update({i.text: i.language for i in good if i.text and i.language})
            results = iter(detector.analyze_batch([i.text or "" for i in good]))
            for item in batch:
                if item.error is not None or item.text is None:
                    failed += 1
                    print(f"qorgan scan: line {item.number}: {item.error}", file=sys.stderr)
                    _emit({"error": item.error, "line": item.number}, args)
                    continue
                findings = next(results)
                counts.update(f.entity_type for f in findings)
                if args.pretty:
                    _pretty(item, findings, args.show_values)
                else:
                    _emit(_record(item.text, findings, args.show_values), args)
    if args.pretty:
        _summary(counts, failed)
    return 1 if failed else 0


def _open(name: str, stack: ExitStack) -> IO[str]:
    if name == "-":
        return sys.stdin
    try:
        return stack.enter_context(open(name, encoding="utf-8", errors="strict"))
    except OSError as exc:
        raise ConfigError(f"cannot read {name}: {exc.strerror}") from exc


def _with_progress(source: IO[str], name: str, stack: ExitStack) -> Iterable[str]:
    size = os.path.getsize(name) if name != "-" and os.path.isfile(name) else 0
    if size < _PROGRESS_BYTES or not sys.stderr.isatty():
        return source
    from rich.console import Console
    from rich.progress import Progress

    progress = stack.enter_context(Progress(console=Console(stderr=True), transient=True))
    task = progress.add_task("scanning", total=size)

    def lines() -> Iterator[str]:
        for line in source:
            progress.advance(task, len(line.encode("utf-8")))
            yield line

    return lines()


def _parse(lines: Iterable[str], *, plain: bool) -> Iterator[_Item]:
    number = 0
    iterator = iter(lines)
    while True:
        number += 1
        try:
            line = next(iterator)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield _Item(number, None, error="not valid UTF-8")
            return
        line = line.rstrip("\r\n")
        if plain:
            yield _Item(number, line)
        elif line.strip():
            yield _json_item(number, line)


def _json_item(number: int, line: str) -> _Item:
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return _Item(number, None, error="not valid JSON")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return _Item(number, None, error='expected an object with a string "text"')
    language = data.get("language")
    if language is not None and language not in SUPPORTED_LANGUAGES:
        return _Item(number, None, error=f"language must be one of {sorted(SUPPORTED_LANGUAGES)}")
    return _Item(number, data["text"], language)


def _batches(items: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    batch: list[_Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _record(text: str, findings: Sequence[Finding], show_values: bool) -> dict[str, Any]:
    out = []
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        entry: dict[str, Any] = {
            "entity_type": f.entity_type,
            "start": f.start,
            "end": f.end,
            "score": round(f.score, 4),
        }
        if show_values:
            entry["text"] = text[f.start : f.end]
        out.append(entry)
    return {"findings": out}


def _emit(record: dict[str, Any], args: argparse.Namespace) -> None:
    if not args.pretty:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def _pretty(item: _Item, findings: Sequence[Finding], show_values: bool) -> None:
    from rich.console import Console
    from rich.text import Text

    text = item.text or ""
    out = Text(f"{item.number:>4} ", style="dim")
    pos = 0
    for f in sorted(findings, key=lambda f: f.start):
        out.append(text[pos : f.start])
        shown = text[f.start : f.end] if show_values else "█" * min(f.end - f.start, 12)
        out.append(shown, style="bold black on yellow")
        out.append(f"⟨{f.entity_type}⟩", style="bold red")
        pos = f.end
    out.append(text[pos:])
    Console(highlight=False).print(out)


def _summary(counts: Counter[str], failed: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="findings by entity")
    table.add_column("entity")
    table.add_column("count", justify="right")
    for entity, count in counts.most_common():
        table.add_row(entity, str(count))
    console = Console(highlight=False)
    console.print(table)
    if failed:
        console.print(f"[red]{failed} line(s) could not be read[/red]")
