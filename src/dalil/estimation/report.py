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

from dalil import report_page
from dalil.estimation.results import StratumResult
from dalil.estimation.strata import Estimation
from dalil.report_page import Provenance

_COLOURS = {"lcmcr": "#1b6ca8", "loglinear": "#c75000", "independence": "#6b6b6b"}
_STYLE = (
    "td,th{text-align:end}"
    ".warn{color:#8a4b00;background:#fff4e0;padding:.3rem .6rem;margin:.2rem 0}"
)


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


def _methods(results: Sequence[StratumResult]) -> list[str]:
    """Every method any stratum was estimated with, in the order first met: one column each."""
    seen: dict[str, None] = {}
    for result in results:
        seen.update((e.method, None) for e in result.estimates)
    return list(seen)


def _summary_row(
    result: StratumResult, label: str, methods: Sequence[str], cell: str = "td"
) -> str:
    """One row, one cell per method (empty where this stratum has no estimate by it)."""
    by_method = {e.method: e for e in result.estimates}
    cells = [f"{result.table.observed:,}"] + [
        f"{e.estimate:,.0f} ({e.low:,.0f}–{e.high:,.0f})" if (e := by_method.get(m)) else "–"
        for m in methods
    ]
    return (
        f"<tr><{cell} style='text-align:left'>{_esc(label)}</{cell}>"
        + "".join(f"<{cell}>{_esc(c)}</{cell}>" for c in cells)
        + f"<{cell}>{len(result.warnings)}</{cell}></tr>"
    )


def render(
    estimation: Estimation, title: str, provenance: Provenance, notes: Sequence[str] = ()
) -> str:
    """The whole report as one HTML document: the total first, then every stratum."""
    results = estimation.strata
    total_observed = sum(r.table.observed for r in results)
    methods = _methods([*results, *([estimation.total] if estimation.total else [])])
    rows = [_summary_row(r, _label(r.stratum), methods) for r in results]
    sections = [_section(r, _label(r.stratum)) for r in results]
    if estimation.total is not None:
        heading = f"Total over {len(results)} strata"
        rows.append(_summary_row(estimation.total, heading, methods, "th"))
        sections.insert(
            0,
            _section(estimation.total, heading)
            + "<p class='note'>The capture histories of every stratum added up. LCMCR's total "
            "adds the strata's posterior draws one by one; the log-linear totals add the "
            "estimates, and each side of their intervals in quadrature (approximate).</p>",
        )
    note_html = "".join(f"<p class='note'>{_esc(n)}</p>" for n in notes)
    body = (
        f"<h1>{_esc(title)}</h1>"
        f"<p>{total_observed:,} documented people in {len(results)} strata.</p>"
        f"{note_html}<div class='table'><table><thead><tr><th>stratum</th><th>documented</th>"
        + "".join(f"<th>{_esc(m)}: estimate (95% interval)</th>" for m in methods)
        + f"<th>warnings</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f"{''.join(sections)}"
    )
    return report_page.document(title, body, provenance, _STYLE)


def write(
    path: Path,
    estimation: Estimation,
    title: str,
    provenance: Provenance,
    notes: Sequence[str] = (),
) -> None:
    path.write_text(render(estimation, title, provenance, notes), encoding="utf-8")
