"""Regenerate the labelled corpora of both splits (deterministic: fixed seeds).

    python -m benchmarks.corpora.make          # dev/{chat,documents,formats,negatives}
                                               # and test/ the same, from their own sources
    python -m benchmarks.make_en_kz            # dev/en_kz.jsonl (the first corpus)

``dev/ru_kk.jsonl`` is hand-written and is not regenerated, and so is ``dev/probes.jsonl``:
938 texts written apart from every template (chat, support transcripts, voice-assistant
lines, listings, records, code review, sports results; English, Russian, Kazakh and mixed),
each measured once before any rule was changed for it. The held-out texts are drawn
after the development ones, and any text already in the development split is drawn again,
so no text is in both.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.corpora.build import Template, generate

DATA = Path(__file__).parents[1] / "data"

#: corpus file -> the families it holds (the same grouping in both splits)
FILES: dict[str, tuple[str, ...]] = {
    "chat": ("chat", "common_word_names", "name_case", "name_cue", "edge_position", "places"),
    "documents": ("email", "crm", "log", "ticket", "address", "medical", "hr", "id_documents"),
    "formats": ("code", "phone_intl", "email_obfuscated", "card_format", "iin_format"),
    "negatives": ("negative",),
}
DEV_SEED = 1301
TEST_SEED = 7919


def write(split: str, rows: Sequence[dict[str, Any]]) -> None:
    folder = DATA / split
    folder.mkdir(parents=True, exist_ok=True)
    for name, families in FILES.items():
        chosen = [r for r in rows if r["family"] in families]
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for row in chosen:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    grouped = {f for fs in FILES.values() for f in fs}
    stray = {r["family"] for r in rows} - grouped
    if stray:
        raise SystemExit(f"families without a corpus file: {sorted(stray)}")


def dev_templates() -> list[Template]:
    from benchmarks.corpora import (
        dev_documents,
        dev_more,
        dev_negatives,
        dev_second,
        dev_targeted,
    )

    return [*dev_documents.ALL, *dev_targeted.ALL, *dev_more.ALL, *dev_negatives.ALL,
            *dev_second.ALL]


def heldout_templates() -> list[Template]:
    from benchmarks.corpora import (
        heldout_documents,
        heldout_more,
        heldout_negatives,
        heldout_targeted,
    )

    return [*heldout_documents.ALL, *heldout_targeted.ALL, *heldout_more.ALL,
            *heldout_negatives.ALL]


def summary(split: str, rows: Sequence[dict[str, Any]]) -> str:
    types = Counter(s["entity_type"] for r in rows for s in r["spans"])
    negatives = sum(1 for r in rows if r["family"] == "negative")
    return f"{split}: {len(rows)} texts, {negatives} negative; spans {dict(sorted(types.items()))}"


LEGACY = ("en_kz", "ru_kk", "probes")


def read(split: str, name: str) -> list[dict[str, Any]]:
    with (DATA / split / f"{name}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build() -> dict[str, list[dict[str, Any]]]:
    """The generated rows of both splits, as ``main`` writes them."""
    from benchmarks.corpora.sources_dev import SecondRoundSource
    from benchmarks.corpora.sources_test import TestSource

    legacy = {row["text"] for name in LEGACY for row in read("dev", name)}
    dev_rows = generate(dev_templates(), SecondRoundSource(), DEV_SEED, seen=legacy)
    seen = legacy | {row["text"] for row in dev_rows}
    test_rows = generate(heldout_templates(), TestSource(TEST_SEED), TEST_SEED, seen=seen)
    return {"dev": dev_rows, "test": test_rows}


def main() -> None:
    rows = build()
    for split, chosen in rows.items():
        write(split, chosen)
        print(summary(split, chosen))


if __name__ == "__main__":
    main()
