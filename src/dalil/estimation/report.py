"""The HTML report of an estimation run: one self-contained file, no scripts, no network.

Per stratum: the capture-history table, each method's estimate and 95% interval, the
warnings, and an interval plot (inline SVG) that puts the methods side by side with
the number documented, so a reader sees at once how much is estimated and how sure
the methods are. Nothing is fetched when the file is opened: it can be attached to a
court filing and read offline.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from dalil.estimation.results import StratumResult
from dalil.estimation.strata import Estimation

_COLOURS = {"lcmcr": "#1b6ca8", "loglinear": "#c75000", "independence": "#6b6b6b"}
# The report runs nothing and loads nothing: only its own inline styles are allowed.
_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}
th{background:#f2f2f2}.warn{color:#8a4b00;background:#fff4e0;padding:.3rem .6rem;margin:.2rem 0}
h2{border-top:2px solid #ddd;padding-top:1rem}.note{color:#555;font-size:.9rem}
"""


def _esc(value: object) -> str:
    return html.escape(str(value))


def _label(stratum: dict[str, str]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in stratum.items()) or "all"


def _histories(result: StratumResult) -> str:
    x, n = result.table.matrix()
    head = "".join(f"<th>{_esc(name)}</th>" for name in result.table.lists) + "<th>people</th>"
    body = "".join(
        "<tr>" + "".join(f"<td>{bit}</td>" for bit in row) + f"<td>{count}</td></tr>"
        for row, count in zip(x, n, strict=True)
    )
    unseen = "".join("<td>0</td>" for _ in result.table.lists) + "<td><b>?</b></td>"
    return f"<table><tr>{head}</tr>{body}<tr>{unseen}</tr></table>"


def _estimates(result: StratumResult) -> str:
    rows = "".join(
        f"<tr><td style='text-align:left'>{_esc(e.method)}</td><td>{e.estimate:,.0f}</td>"
        f"<td>{e.low:,.0f} – {e.high:,.0f}</td><td style='text-align:left'>{_esc(e.detail)}</td>"
        f"<td>{_esc(', '.join(f'{k} {v:.3g}' for k, v in e.diagnostics.items()))}</td></tr>"
        for e in result.estimates
    )
    return (
        "<table><tr><th>method</th><th>estimate</th><th>95% interval</th><th>model</th>"
        f"<th>diagnostics</th></tr>{rows}</table>"
    )


def _plot(result: StratumResult) -> str:
    if not result.estimates:
        return ""
    top = max(e.high for e in result.estimates) * 1.05
    width, row_h, left = 640, 26, 110

    def x(v: float) -> float:
        return left + (width - left - 20) * v / top

    parts = [f"<svg width='{width}' height='{row_h * (len(result.estimates) + 2)}' role='img'>"]
    observed = result.table.observed
    bottom = row_h * (len(result.estimates) + 1)
    seen = x(observed)
    parts.append(
        f"<line x1='{seen:.1f}' x2='{seen:.1f}' y1='0' y2='{bottom}' "
        "stroke='#2a2' stroke-dasharray='4 3'/>"
        f"<text x='{seen + 4:.1f}' y='12' font-size='11' fill='#2a2'>"
        f"documented {observed:,}</text>"
    )
    for i, e in enumerate(result.estimates, start=1):
        y = row_h * i + 8
        colour = _COLOURS.get(e.method, "#333")
        parts.append(
            f"<text x='4' y='{y + 4}' font-size='12'>{_esc(e.method)}</text>"
            f"<line x1='{x(e.low):.1f}' x2='{x(e.high):.1f}' y1='{y}' y2='{y}' "
            f"stroke='{colour}' stroke-width='3'/>"
            f"<circle cx='{x(e.estimate):.1f}' cy='{y}' r='5' fill='{colour}'/>"
        )
    axis = row_h * (len(result.estimates) + 2) - 6
    parts.append(
        f"<text x='{left}' y='{axis}' font-size='11' fill='#555'>0</text>"
        f"<text x='{width - 60}' y='{axis}' font-size='11' fill='#555'>{top:,.0f}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _histogram(result: StratumResult) -> str:
    bayes = [e for e in result.estimates if e.histogram]
    if not bayes:
        return ""
    e = bayes[0]
    width, height = 640, 120
    step = width / len(e.histogram)
    peak = max(c for _, c in e.histogram) or 1
    bars = "".join(
        f"<rect x='{i * step:.1f}' y='{height - 20 - (height - 30) * c / peak:.1f}' "
        f"width='{step - 1:.1f}' height='{(height - 30) * c / peak:.1f}' fill='#1b6ca8'/>"
        for i, (_, c) in enumerate(e.histogram)
    )
    first, last = e.histogram[0][0], e.histogram[-1][0]
    return (
        f"<h3>Posterior of the total ({_esc(e.method)})</h3>"
        f"<svg width='{width}' height='{height}' role='img'>{bars}"
        f"<text x='0' y='{height - 4}' font-size='11' fill='#555'>{first:,.0f}</text>"
        f"<text x='{width - 60}' y='{height - 4}' font-size='11' fill='#555'>{last:,.0f}</text>"
        "</svg>"
    )


def _section(result: StratumResult, heading: str) -> str:
    warnings = "".join(f"<div class='warn'>{_esc(w)}</div>" for w in result.warnings)
    return (
        f"<h2>{_esc(heading)}</h2>{warnings}"
        f"<h3>Capture histories</h3>{_histories(result)}"
        f"<h3>Estimates</h3>{_estimates(result)}{_plot(result)}{_histogram(result)}"
    )


def _summary_row(result: StratumResult, label: str, cell: str = "td") -> str:
    cells = [f"{result.table.observed:,}"] + [
        f"{e.method}: {e.estimate:,.0f} ({e.low:,.0f}–{e.high:,.0f})" for e in result.estimates
    ]
    return (
        f"<tr><{cell} style='text-align:left'>{_esc(label)}</{cell}>"
        + "".join(f"<{cell}>{_esc(c)}</{cell}>" for c in cells)
        + f"<{cell}>{len(result.warnings)}</{cell}></tr>"
    )


def render(estimation: Estimation, title: str, notes: Sequence[str] = ()) -> str:
    """The whole report as one HTML document: the total first, then every stratum."""
    results = estimation.strata
    total_observed = sum(r.table.observed for r in results)
    rows = [_summary_row(r, _label(r.stratum)) for r in results]
    sections = [_section(r, _label(r.stratum)) for r in results]
    if estimation.total is not None:
        heading = f"Total over {len(results)} strata"
        rows.append(_summary_row(estimation.total, heading, "th"))
        sections.insert(
            0,
            _section(estimation.total, heading)
            + "<p class='note'>The capture histories of every stratum added up. LCMCR's total "
            "adds the strata's posterior draws one by one; the log-linear totals add the "
            "estimates, and each side of their intervals in quadrature (approximate).</p>",
        )
    note_html = "".join(f"<p class='note'>{_esc(n)}</p>" for n in notes)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{_CSP}\">"
        f"<title>{_esc(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{_esc(title)}</h1>"
        f"<p>{total_observed:,} documented people in {len(results)} strata.</p>"
        f"{note_html}<table><tr><th>stratum</th><th>documented</th>"
        "<th colspan='3'>estimates (95% interval)</th>"
        f"<th>warnings</th></tr>{''.join(rows)}</table>{''.join(sections)}</body></html>"
    )


def write(path: Path, estimation: Estimation, title: str, notes: Sequence[str] = ()) -> None:
    path.write_text(render(estimation, title, notes), encoding="utf-8")
