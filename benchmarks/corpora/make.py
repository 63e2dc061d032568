"""Regenerate the labelled corpora of both splits (deterministic: fixed seeds).

    python -m benchmarks.corpora.make          # dev/{chat,documents,formats,negatives}
                                               # and test/ the same, from their own sources
    python -m benchmarks.make_en_kz            # dev/en_kz.jsonl (the first corpus)

``dev/ru_kk.jsonl`` is hand-written and is not regenerated. The held-out texts are drawn
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


def existing_texts(split: str) -> set[str]:
    texts: set[str] = set()
    for path in (DATA / split).glob("*.jsonl"):
        with path.open(encoding="utf-8") as fh:
            texts.update(json.loads(line)["text"] for line in fh if line.strip())
    return texts


def dev_templates() -> list[Template]:
    from benchmarks.corpora import dev_documents, dev_more, dev_negatives, dev_targeted

    return [*dev_documents.ALL, *dev_targeted.ALL, *dev_more.ALL, *dev_negatives.ALL]


def test_templates() -> list[Template]:
    from benchmarks.corpora import test_documents, test_more, test_negatives, test_targeted

    return [*test_documents.ALL, *test_targeted.ALL, *test_more.ALL, *test_negatives.ALL]


def summary(split: str, rows: Sequence[dict[str, Any]]) -> str:
    types = Counter(s["entity_type"] for r in rows for s in r["spans"])
    negatives = sum(1 for r in rows if r["family"] == "negative")
    return f"{split}: {len(rows)} texts, {negatives} negative; spans {dict(sorted(types.items()))}"


def main() -> None:
    from benchmarks.corpora.sources_dev import DevSource
    from benchmarks.corpora.sources_test import TestSource

    legacy = {"en_kz", "ru_kk"}
    dev_seen = {t for p in (DATA / "dev").glob("*.jsonl") if p.stem in legacy
                for t in (json.loads(line)["text"] for line in p.read_text("utf-8").splitlines())}
    dev_rows = generate(dev_templates(), DevSource(), DEV_SEED, seen=dev_seen)
    write("dev", dev_rows)
    test_rows = generate(test_templates(), TestSource(TEST_SEED), TEST_SEED,
                         seen=existing_texts("dev"))
    write("test", test_rows)
    print(summary("dev (generated)", dev_rows))
    print(summary("test", test_rows))


if __name__ == "__main__":
    main()
