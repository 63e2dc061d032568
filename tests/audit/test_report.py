from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qorgan.audit.log import DecisionLog
from qorgan.audit.record import AuditRecord
from qorgan.audit.report import render_report, summarize, write_report
from qorgan.audit.verify import verify_log

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists()
                                        else None)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PLAN = [  # (kind, subject, minutes)
    ("allow", "s1", 0), ("transform", "s1", 5), ("block", "s2", 30), ("consent", "s3", 65),
    ("transform", "s2", 70), ("block", "s4", 130), ("transform", None, 200),
]
EVIL = '<script>alert(1)</script>'


@pytest.fixture
def log_path(
    tmp_path: Path, make_record: Callable[..., AuditRecord], signing_key: Ed25519PrivateKey
) -> Path:
    path = tmp_path / "log" / "decisions.jsonl"
    with DecisionLog(path, signing_key=signing_key, strict=True) as log:
        for kind, subject, minutes in PLAN:
            log.append(make_record(kind, subject=subject, minutes=minutes))
    return path


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def _metric(html_text: str, name: str) -> int:
    m = re.search(rf'data-metric="{re.escape(name)}">(\d+)<', html_text)
    assert m is not None, name
    return int(m.group(1))


def test_summary_numbers(log_path: Path) -> None:
    s = summarize(_records(log_path))
    assert (s.total, s.outcomes["block"], s.outcomes["transform"], s.outcomes["allow"]) == (
        7, 2, 4, 1
    )
    assert (s.consent_denials, len(s.subjects)) == (1, 4)
    assert s.block_rules == {"national-id-abroad": 2}
    assert [label for label, _ in s.buckets()] == [
        "01-18 09:00", "01-18 10:00", "01-18 11:00", "01-18 12:00"
    ]


def test_page_content(log_path: Path, no_canary: Callable[[str], None]) -> None:
    page = render_report(_records(log_path), integrity=verify_log(log_path))
    expected = {"requests": 7, "blocked": 2, "transformed": 4, "allowed": 1,
                "consent denials": 1, "distinct subjects": 4}
    assert {k: _metric(page, k) for k in expected} == expected
    for fragment in ("national-id-abroad", "Law 94-V Art. 16", "support-with-consent",
                     "KZ_IIN", "national_id", "Chain intact", "<svg"):
        assert fragment in page
    no_canary(page)
    # self-contained: nothing is fetched
    for needle in ("<script", "<link", "src=", "@import", "url("):
        assert needle not in page


def test_tampered_records_are_escaped(log_path: Path) -> None:
    records = _records(log_path)
    records[2].update(
        block_rules=[EVIL], cites=[EVIL], purpose=EVIL, ts=EVIL, policy_name=EVIL,
        categories={EVIL: 1, "x": "NaN"}, entities=[EVIL], outcome=EVIL,
    )
    records.append({"unexpected": EVIL})
    records.append({"rules": "not-a-list", "consent": {"none": True}})
    page = render_report(records)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert _metric(page, "requests") == 9


def test_empty_log(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    path.write_bytes(b"")
    out = write_report(path, tmp_path / "r.html", integrity=verify_log(path))
    page = out.read_text(encoding="utf-8")
    assert "No decisions" in page
    assert _metric(page, "requests") == 0
    assert "no blocked requests" in page


def test_damaged_log_is_flagged(log_path: Path) -> None:
    data = log_path.read_bytes().replace(b'"purpose":"support"', b'"purpose":"sales"', 1)
    log_path.write_bytes(data)
    page = render_report(_records(log_path), integrity=verify_log(log_path))
    assert "Log damaged" in page
    assert f"{log_path}:1:" in page


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={tmp_path / 'chromium-profile'}", *args,
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.skipif(
    CHROMIUM is None and not IN_CI,
    reason="chromium is not installed (the CI installs it; apt-get install chromium)",
)
def test_report_in_chromium(log_path: Path, tmp_path: Path) -> None:
    out = write_report(log_path, tmp_path / "report.html", integrity=verify_log(log_path))
    url = out.resolve().as_uri()
    dom = _chromium(["--dump-dom", url], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert _metric(dom.stdout, "requests") == 7
    assert _metric(dom.stdout, "blocked") == 2
    assert "national-id-abroad" in dom.stdout
    assert "Chain intact" in dom.stdout
    assert dom.stdout.count("<rect") >= 10  # the SVG charts were parsed into the DOM

    shot = tmp_path / "report.png"
    run = _chromium(["--window-size=1100,1600", f"--screenshot={shot}", url], tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.exists()
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (1600, 1100)
    flat = pixels.reshape(-1, pixels.shape[-1])[:, :3]
    assert flat.std() > 0.05  # not a blank page
    distinct = {tuple(int(c * 255) for c in px) for px in flat[::97]}
    assert len(distinct) > 20


def test_tables_keep_the_newest_rows(log_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qorgan.audit import report

    monkeypatch.setattr(report, "TABLE_ROWS", 1)
    page = render_report(_records(log_path))
    assert "Blocked requests (2) <span" in page
    assert "latest 1 shown" in page
    assert "2026-01-18 11:10:00" in page  # the second block, 130 minutes in
    assert "2026-01-18 09:30:00" not in page.split('id="blocked"')[1].split("</section>")[0]
