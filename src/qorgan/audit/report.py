"""A self-contained HTML report of a decision log for a security team.

One page, no external scripts, fonts or images: inline CSS and SVG drawn here. Records are
read as untrusted data (a log may have been tampered with): every value is type-checked
and every string escaped before it reaches the page.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

from qorgan.audit._svg import OUTCOME_COLORS, hbars, stacked_bars
from qorgan.audit.chain import iter_records
from qorgan.audit.query import parse_time
from qorgan.audit.record import OUTCOMES, denied_consent
from qorgan.audit.verify import VerifyReport

TABLE_ROWS = 200


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _counts(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {
        k: v for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool) and v > 0
    }


@dataclass
class Summary:
    total: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    consent_denials: int = 0
    monitor: int = 0
    subjects: set[str] = field(default_factory=set)
    principals: set[str] = field(default_factory=set)
    findings: int = 0
    first: datetime | None = None
    last: datetime | None = None
    hours: dict[datetime, Counter[str]] = field(default_factory=dict)
    rules: Counter[str] = field(default_factory=Counter)
    block_rules: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    # Log order is time order: the newest rows are the last ones seen, and memory stays
    # bounded however long the log.
    blocked: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=TABLE_ROWS))
    denials: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=TABLE_ROWS))
    policies: dict[tuple[str, str], list[Any]] = field(default_factory=dict)

    def add(self, rec: Mapping[str, Any]) -> None:
        self.total += 1
        outcome = _s(rec.get("outcome"))
        outcome = outcome if outcome in OUTCOMES else "error"
        self.outcomes[outcome] += 1
        if rec.get("mode") == "monitor":
            self.monitor += 1
        for name, target in (("subject", self.subjects), ("principal", self.principals)):
            if _s(rec.get(name)):
                target.add(_s(rec.get(name)))
        ts_text = _s(rec.get("ts"))
        try:
            moment: datetime | None = parse_time(ts_text).astimezone(UTC) if ts_text else None
        except ValueError:
            moment = None
        if moment is not None:
            hour = moment.replace(minute=0, second=0, microsecond=0)
            self.hours.setdefault(hour, Counter())[outcome] += 1
            self.first = moment if self.first is None else min(self.first, moment)
            self.last = moment if self.last is None else max(self.last, moment)
        entities = _counts(rec.get("entities"))
        raw_response = rec.get("response")
        response: dict[str, Any] = raw_response if isinstance(raw_response, dict) else {}
        self.entities.update(entities)
        self.entities.update(_counts(response.get("entities")))
        self.findings += sum(entities.values())
        categories = _counts(rec.get("categories"))
        self.categories.update(categories)
        self.categories.update(_counts(response.get("categories")))
        self.rules.update(set(_strs(rec.get("rules"))))
        row = {
            "ts": ts_text,
            "rules": _strs(rec.get("block_rules")) or _strs(rec.get("rules")),
            "cites": _strs(rec.get("cites")),
            "purpose": _s(rec.get("purpose")),
            "categories": sorted(categories),
            "destination": _s(rec.get("destination")),
            "region": _s(rec.get("region")),
        }
        if outcome == "block":
            self.block_rules.update(_strs(rec.get("block_rules")) or ["(request denied)"])
            self.blocked.append(row)
        consent = _counts(rec.get("consent"))
        if denied_consent(consent):
            self.consent_denials += 1
            self.denials.append({**row, "rules": _strs(rec.get("rules")), "consent": consent})
        key = (_s(rec.get("policy_name")), _s(rec.get("policy_version")))
        if any(key):
            seen = self.policies.setdefault(key, [ts_text, ts_text, 0])
            seen[0] = min(seen[0], ts_text) if seen[0] else ts_text
            seen[1] = max(seen[1], ts_text)
            seen[2] += 1

    def buckets(self) -> list[tuple[str, dict[str, int]]]:
        if self.first is None or self.last is None:
            return []
        hourly = self.last - self.first <= timedelta(hours=72)
        step = timedelta(hours=1) if hourly else timedelta(days=1)

        def floor(m: datetime) -> datetime:
            m = m.replace(minute=0, second=0, microsecond=0)
            return m if hourly else m.replace(hour=0)

        counts: dict[datetime, Counter[str]] = {}
        for hour, per_outcome in self.hours.items():
            counts.setdefault(floor(hour), Counter()).update(per_outcome)
        out: list[tuple[str, dict[str, int]]] = []
        cursor, end = floor(self.first), floor(self.last)
        while cursor <= end and len(out) < 2000:
            label = cursor.strftime("%m-%d %H:00" if hourly else "%Y-%m-%d")
            out.append((label, dict(counts.get(cursor, Counter()))))
            cursor += step
        return out


def summarize(records: Iterable[Mapping[str, Any]]) -> Summary:
    summary = Summary()
    for rec in records:
        summary.add(rec)
    return summary


def _table(headers: list[str], rows: list[list[str]], *, empty: str) -> str:
    if not rows:
        return f'<p class="empty">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _latest(shown: int, total: int) -> str:
    return f' <span class="note">latest {shown} shown</span>' if shown < total else ""


def _when(ts: str) -> str:
    """A record's time for display; a value that is not a time is shown as it is."""
    try:
        return parse_time(ts).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return ts


def _card(label: str, value: int, tone: str = "") -> str:
    return (
        f'<div class="card {tone}"><div class="num" data-metric="{escape(label)}">{value}</div>'
        f'<div class="lbl">{escape(label)}</div></div>'
    )


def _integrity(report: VerifyReport | None) -> str:
    if report is None:
        return '<div class="integrity unknown" id="integrity">Integrity not checked</div>'
    tone = "good" if report.ok else "bad"
    if report.ok:
        head = "Chain intact"
        text = (
            f"{report.records} records in {report.files} file(s); signatures "
            f"{'verified' if report.signatures_checked else 'not checked (no public key)'}"
            + (f"; last seq {report.last_seq}, head {report.head}" if report.head else "")
        )
    else:
        head = "Log damaged"
        text = str(report.problem)
    return f'<div class="integrity {tone}" id="integrity">{head}: {escape(text)}</div>'


_CSS = """
:root{--ink:#101828;--muted:#667085;--line:#e4e7ec;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header{background:#0f2740;color:#fff;padding:22px 32px}
header h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.2px}
header p{margin:4px 0 0;color:#b8c7d9;font-size:13px}
main{max-width:1000px;margin:0 auto;padding:22px 24px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;
 margin:16px 0}
h2{font-size:15px;margin:0 0 12px;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px;
 border-top:3px solid #5b8db8}
.card.block{border-top-color:#c8463d}.card.transform{border-top-color:#e3a21a}
.card.consent{border-top-color:#7d5ba6}
.num{font-size:26px;font-weight:600;font-variant-numeric:tabular-nums}
.lbl{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.4px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.grid2 section{margin:0}
.chart{width:100%;height:auto;display:block}
table{width:100%;border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase}
td{word-break:break-word}
.empty{color:var(--muted);margin:0}
.note{color:var(--muted);font-size:13px;margin:10px 2px 0}
.integrity{padding:10px 14px;border-radius:6px;margin-top:16px;font-size:13px}
.integrity.good{background:#ecfdf3;color:#05603a;border:1px solid #abefc6}
.integrity.bad{background:#fef3f2;color:#912018;border:1px solid #fecdca}
.integrity.unknown{background:#f2f4f7;color:#344054;border:1px solid var(--line)}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:24px}
"""


def render_report(
    records: Iterable[Mapping[str, Any]],
    *,
    title: str = "qorgan decision log",
    source: str = "",
    integrity: VerifyReport | None = None,
    generated_at: datetime | None = None,
) -> str:
    """The report page for ``records`` (log lines as dicts) as one HTML string."""
    s = summarize(records)
    now = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    span = (
        f"{s.first:%Y-%m-%d %H:%M} – {s.last:%Y-%m-%d %H:%M} UTC"
        if s.first and s.last
        else "no decisions"
    )
    out = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1><p>{escape(source)} · {escape(span)} · "
        f"generated {escape(now)}</p></header><main>",
        '<div class="cards" id="summary">',
        _card("requests", s.total),
        _card("blocked", s.outcomes["block"], "block"),
        _card("transformed", s.outcomes["transform"], "transform"),
        _card("allowed", s.outcomes["allow"]),
        _card("errors", s.outcomes["error"], "block"),
        _card("client disconnected", s.outcomes["client_disconnected"]),
        _card("consent denials", s.consent_denials, "consent"),
        _card("distinct subjects", len(s.subjects)),
        _card("findings", s.findings),
        "</div>",
        (f'<p class="note">{s.monitor} decision(s) were taken in monitor mode: counted as '
         "decided, nothing was changed or blocked.</p>") if s.monitor else "",
        _integrity(integrity),
    ]
    if s.total == 0:
        out.append('<section id="empty"><h2>No decisions</h2>'
                   '<p class="empty">The log holds no decisions yet.</p></section>')
    else:
        out.append('<section id="timeline"><h2>Decisions over time</h2>')
        out.append(stacked_bars(s.buckets()))
        out.append("</section>")
        out.append('<div class="grid2">')
        for sid, heading, counter, color in (
            ("rules", "Top rules", s.rules, "#0f2740"),
            ("block-rules", "Blocking rules", s.block_rules, OUTCOME_COLORS["block"]),
            ("entities", "Entity types", s.entities, "#5b8db8"),
            ("categories", "Categories", s.categories, "#3f8f7b"),
        ):
            out.append(f'<section id="{sid}"><h2>{escape(heading)}</h2>')
            out.append(hbars(counter.most_common(12), color=color))
            out.append("</section>")
        out.append("</div>")
    blocked = sorted(s.blocked, key=lambda r: r["ts"], reverse=True)
    out.append(f'<section id="blocked"><h2>Blocked requests ({s.outcomes["block"]})'
               f'{_latest(len(blocked), s.outcomes["block"])}</h2>')
    out.append(_table(
        ["time (UTC)", "rule", "cite", "purpose", "categories", "destination"],
        [[_when(r["ts"]), ", ".join(r["rules"]), "; ".join(r["cites"]), r["purpose"],
          ", ".join(r["categories"]), " ".join(x for x in (r["destination"], r["region"]) if x)]
         for r in blocked],
        empty="no blocked requests",
    ))
    out.append("</section>")
    denials = sorted(s.denials, key=lambda r: r["ts"], reverse=True)
    out.append(f'<section id="consent"><h2>Consent denials ({s.consent_denials})'
               f'{_latest(len(denials), s.consent_denials)}</h2>')
    out.append(_table(
        ["time (UTC)", "rule", "purpose", "categories", "consent"],
        [[_when(r["ts"]), ", ".join(r["rules"]), r["purpose"], ", ".join(r["categories"]),
          ", ".join(f"{k} {v}" for k, v in sorted(r["consent"].items()))] for r in denials],
        empty="no consent denials",
    ))
    out.append("</section>")
    out.append('<section id="policies"><h2>Policy versions seen</h2>')
    out.append(_table(
        ["policy", "version", "first seen", "last seen", "decisions"],
        [[name, version[:12], _when(first), _when(last), str(count)]
         for (name, version), (first, last, count) in sorted(
             s.policies.items(), key=lambda kv: kv[1][0])],
        empty="no policy recorded",
    ))
    out.append("</section>")
    out.append("<footer>Counts and identifiers only: the log never holds personal values."
               "</footer></main></body></html>")
    return "".join(out)


def write_report(
    path: str | Path,
    out: str | Path,
    *,
    integrity: VerifyReport | None = None,
    title: str = "qorgan decision log",
) -> Path:
    """Render the log at ``path`` into ``out``; returns ``out``."""
    html_text = render_report(
        iter_records(path), title=title, source=Path(path).name, integrity=integrity
    )
    target = Path(out)
    target.write_text(html_text, encoding="utf-8")
    return target
