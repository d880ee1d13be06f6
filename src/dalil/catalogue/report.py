"""The catalogue's statistics as one HTML page: tables and bar charts drawn in inline SVG.

Made offline: no script, no font, no image or style sheet from anywhere else, so the
page opens on an air-gapped machine and can be attached to a report as it is. Every
text from the archive (branch names typed by a custodian) is escaped.
"""

from __future__ import annotations

from html import escape

from dalil import report_page
from dalil.catalogue.stats import CatalogueStats
from dalil.report_page import Provenance

BAR = 18
WIDTH = 640
LABEL = 190


def bar_chart(rows: list[tuple[str, int]], title: str) -> str:
    """Horizontal bars, one per row, labelled, with the count at the end."""
    if not rows:
        return f"<p>{escape(title)}: nothing to show.</p>"
    top = max(n for _, n in rows) or 1
    height = BAR * len(rows) + 10
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, count) in enumerate(rows):
        y = 5 + i * BAR
        length = (WIDTH - LABEL - 70) * count / top
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL}" y="{y + 2}" width="{length:.1f}" height="{BAR - 5}" '
            f'fill="#4a6d8c"/>'
            f'<text x="{LABEL + length + 5:.1f}" y="{y + 13}" font-size="12">{count:,}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: list[list[object]], numeric: set[int] | None = None) -> str:
    cells = [[escape(str(v)) for v in row] for row in rows]  # each cell takes its text's direction
    return report_page.table(head, cells, numeric)


def render_html(
    stats: CatalogueStats, provenance: Provenance, title: str = "dalil catalogue"
) -> str:
    branches = [(f"{b.branch} {b.name_en}".strip(), b.cases) for b in stats.branches]
    sections = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{stats.cases:,} cases from {stats.photos:,} photos; {stats.unassigned:,} photos "
        f"not yet placed in a case; {stats.unread:,} cases with no number known; "
        f"{stats.review.get('disputed', 0):,} cases disputed between reviewers.</p>",
        "<h2>Cases by branch</h2>",
        "<p>The branch to rely on: confirmed by two reviewers, else read confidently. "
        "Cases that are not detainees (report number alone) are not counted.</p>",
        bar_chart(branches, "cases by branch"),
        _table(["branch", "name", "الاسم", "agency", "cases"],
               [[b.branch, b.name_en, b.name_ar, b.agency, f"{b.cases:,}"]
                for b in stats.branches], {0, 4}),
        "<h2>Cases by month of death</h2>",
        "<p>Month of the case's first photo (camera clock): the death was on or before it.</p>",
        bar_chart(stats.months, "cases by month"),
        "<h2>Photos per case</h2>",
        bar_chart([(str(k), n) for k, n in stats.photos_per_case], "photos per case"),
        "<h2>Review</h2>",
        _table(["state", "cases"], [[k, f"{v:,}"] for k, v in stats.review.items()], {1}),
        _table(["number fields", "count"], [[k, f"{v:,}"] for k, v in stats.fields.items()],
               {1}),
        "<p>Confident machine readings later typed by two reviewers: "
        f"{stats.checked.get('right', 0):,} right, {stats.checked.get('wrong', 0):,} wrong.</p>",
        _table(["category", "cases"], [[k, f"{v:,}"] for k, v in stats.categories.items()],
               {1}),
    ]  # fmt: skip
    return report_page.document(title, "".join(sections), provenance)
