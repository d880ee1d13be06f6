"""Two small charts for the report, drawn as inline SVG by hand (no plotting library).

Every label is escaped; sizes are fixed so the report reads the same everywhere.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#1b6ca8", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#2e4057", "#c17c74")
VERDICT_COLOURS = {
    "flagged": "#d1495b",
    "could-not-analyse": "#8d6a9f",
    "info": "#edae49",
    "not-applicable": "#bbbbbb",
    "consistent": "#66a182",
}


def stacked_bars(rows: dict[str, dict[str, int]], order: tuple[str, ...], title: str) -> str:
    """Horizontal bars, one per row, split by ``order`` (e.g. findings by check)."""
    width, left, bar, gap = 640, 110, 22, 10
    height = 40 + len(rows) * (bar + gap) + 30
    top = max((sum(r.values()) for r in rows.values()), default=0) or 1
    parts = [_open(width, height, title), _text(8, 20, title, weight="bold")]
    for i, (label, counts) in enumerate(rows.items()):
        y = 34 + i * (bar + gap)
        parts.append(_text(left - 6, y + 15, label, anchor="end"))
        x = float(left)
        for key in order:
            value = counts.get(key, 0)
            if not value:
                continue
            w = (width - left - 60) * value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" '
                f'fill="{VERDICT_COLOURS.get(key, "#999")}"><title>{escape(label)}: '
                f"{value:,} {escape(key)}</title></rect>"
            )
            x += w
        parts.append(_text(x + 4, y + 15, f"{sum(counts.values()):,}"))
    legend_y = height - 12
    for j, key in enumerate(order):
        x = left + j * 105
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{VERDICT_COLOURS.get(key, "#999")}"/>'
        )
        parts.append(_text(x + 14, legend_y, key))
    parts.append("</svg>")
    return "\n".join(parts)


def timeline(series: dict[str, dict[str, int]], months: list[str], title: str) -> str:
    """One row per camera, one column per month; each dot's area is the photo count."""
    left, cell, row = 230, 14, 24
    width = left + max(len(months), 1) * cell + 20
    height = 50 + len(series) * row + 40
    top = max((v for s in series.values() for v in s.values()), default=0) or 1
    parts = [_open(width, height, title), _text(8, 20, title, weight="bold")]
    for i, (camera, counts) in enumerate(series.items()):
        y = 44 + i * row
        colour = PALETTE[i % len(PALETTE)]
        parts.append(_text(left - 8, y + 4, camera, anchor="end"))
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - 20}" y2="{y}" stroke="#eee"/>')
        for j, month in enumerate(months):
            value = counts.get(month, 0)
            if value:
                radius = 1.5 + 5.5 * (value / top) ** 0.5
                parts.append(
                    f'<circle cx="{left + j * cell + cell / 2:.1f}" cy="{y}" r="{radius:.1f}" '
                    f'fill="{colour}"><title>{escape(camera)} {month}: {value:,} photos'
                    "</title></circle>"
                )
    axis = 44 + len(series) * row
    for j, month in enumerate(months):
        if month.endswith("-01") or j == 0:
            x = left + j * cell + cell / 2
            parts.append(
                _text(x, axis + 12, month[:4] if month.endswith("-01") else month, anchor="middle")
            )
    parts.append("</svg>")
    return "\n".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="sans-serif" font-size="11">'
    )


def _text(x: float, y: float, text: str, anchor: str = "start", weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}">'
        f"{escape(text)}</text>"
    )
