"""Small inline SVG charts for the audit report; every label is escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

OUTCOME_COLORS: dict[str, str] = {
    "allow": "#5b8db8",
    "transform": "#e3a21a",
    "block": "#c8463d",
    "error": "#7d5ba6",
    "client_disconnected": "#98a2b3",
}
_FONT = "font-family=\"inherit\" font-size=\"11\""


def _ticks(peak: int) -> tuple[int, int]:
    """``(step, count)``: at most five round steps that cover ``peak``."""
    scale = 1
    while True:
        for m in (1, 2, 5):
            step = m * scale
            count = max(1, -(-peak // step))
            if count <= 5:
                return step, count
        scale *= 10


def stacked_bars(
    buckets: Sequence[tuple[str, Mapping[str, int]]],
    *,
    series: Sequence[str] = ("allow", "transform", "block", "error"),
    width: int = 920,
    height: int = 240,
) -> str:
    """Stacked columns, one per ``(label, {series: count})`` bucket."""
    left, right, top, bottom = 44, 10, 12, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((sum(c.get(s, 0) for s in series) for _, c in buckets), default=0)
    step, ticks = _ticks(peak)
    ymax = step * ticks
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="decisions over time" class="chart">'
    ]
    for i in range(ticks + 1):
        value = step * i
        y = top + plot_h - plot_h * i / ticks
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e4e7ec" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#667085" {_FONT}>'
            f"{value}</text>"
        )
    n = max(len(buckets), 1)
    slot = plot_w / n
    bar = max(min(slot * 0.72, 48.0), 1.0)
    label_every = max(1, round(n / 10))
    for i, (label, counts) in enumerate(buckets):
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for name in series:
            count = counts.get(name, 0)
            if count <= 0:
                continue
            h = plot_h * count / ymax
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{OUTCOME_COLORS.get(name, "#98a2b3")}">'
                f"<title>{escape(label)}: {count} {escape(name)}</title></rect>"
            )
        if i % label_every == 0:
            cx = left + i * slot + slot / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'fill="#667085" {_FONT}>{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#98a2b3" stroke-width="1"/>'
    )
    lx = left
    for name in series:
        parts.append(
            f'<rect x="{lx}" y="{height - 14}" width="10" height="10" rx="2" '
            f'fill="{OUTCOME_COLORS.get(name, "#98a2b3")}"/>'
            f'<text x="{lx + 14}" y="{height - 5}" fill="#344054" {_FONT}>{escape(name)}</text>'
        )
        lx += 24 + 7 * len(name) + 20
    parts.append("</svg>")
    return "".join(parts)


def hbars(
    items: Sequence[tuple[str, int]],
    *,
    color: str = "#5b8db8",
    width: int = 440,
    row: int = 22,
    label_width: int = 190,
) -> str:
    """Horizontal bars, one row per ``(label, count)``, largest first as given."""
    if not items:
        return '<p class="empty">none</p>'
    height = row * len(items) + 4
    peak = max(count for _, count in items) or 1
    plot_w = width - label_width - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" class="chart hbars">'
    ]
    for i, (label, count) in enumerate(items):
        y = 2 + i * row
        w = max(plot_w * count / peak, 1.5)
        shown = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row * 0.68:.1f}" text-anchor="end" '
            f'fill="#344054" {_FONT}><title>{escape(label)}</title>{escape(shown)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" rx="2" '
            f'fill="{color}"/>'
            f'<text x="{label_width + w + 6:.1f}" y="{y + row * 0.68:.1f}" fill="#475467" '
            f"{_FONT}>{count}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
