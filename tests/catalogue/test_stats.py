"""Counts by branch and month, the CSV and the offline page."""

from __future__ import annotations

import csv
from pathlib import Path

from dalil.catalogue.cases import CaseField, CasePhoto, CaseRecord
from dalil.catalogue.report import render_html
from dalil.catalogue.stats import NOT_KNOWN, compute_stats, write_csv
from dalil.catalogue.vocabulary import parse_vocabulary
from dalil.report_page import Provenance

VOCABULARY = parse_vocabulary(
    "number,name_ar,name_en,agency\n215,سرية المداهمة,<b>Raids</b>,MI\n251,الخطيب,=cmd(),GI\n"
    .encode(), "test",
)  # fmt: skip


def case(n: int, branch: CaseField, month: str, review: str = "awaiting",
         category: str = "detainee") -> CaseRecord:  # fmt: skip
    fields = {
        "detainee": CaseField(str(1000 + n), 9990, True, None),
        "branch": branch,
        "report": CaseField(str(2000 + n), 9990, True, None),
    }
    photos = tuple(CasePhoto(f"{n:064x}", (f"d/{n}.jpg",), f"{month}-03T10:00:00", "numbers")
                   for _ in range(n % 3 + 1))  # fmt: skip
    return CaseRecord(f"{n:016x}", category, "s", photos, fields, review, (),
                      f"{month}-03T10:00:00", None, ())  # fmt: skip


CASES = [
    case(1, CaseField("215", 9990, True, None), "2012-05"),
    case(2, CaseField("215", 6000, False, "215"), "2012-05", "confirmed"),
    case(3, CaseField("251", 6000, False, None), "2012-06", "disputed"),  # not yet known
    case(4, CaseField("215", 9990, True, "251"), "2012-06"),  # confident, but wrong
]


def test_branches_count_only_what_can_be_relied_on() -> None:
    stats = compute_stats(CASES, VOCABULARY, unassigned=2)
    counts = {b.branch: b.cases for b in stats.branches}
    assert counts == {"215": 2, "251": 1, NOT_KNOWN: 1}
    assert stats.months == [("2012-05", 2), ("2012-06", 2)]
    assert stats.review == {"awaiting": 2, "confirmed": 1, "disputed": 1}
    assert stats.checked == {"right": 0, "wrong": 1}
    assert stats.photos == sum(len(c.photos) for c in CASES) + 2


def test_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    stats = compute_stats(CASES, VOCABULARY)
    write_csv(tmp_path, stats, CASES)
    with (tmp_path / "by_branch.csv").open(encoding="utf-8") as handle:
        names = [row["name_en"] for row in csv.DictReader(handle)]
    assert "'=cmd()" in names and "=cmd()" not in names


def test_the_page_escapes_names_and_loads_nothing() -> None:
    made = Provenance(
        "dalil test", "2026-12-03T10:00:00Z", "a test", "dalil.archive/t", 41, "ab" * 32
    )
    page = render_html(compute_stats(CASES, VOCABULARY), made)
    assert "custody log then held 41 events" in page
    assert "<b>Raids</b>" not in page and "&lt;b&gt;Raids&lt;/b&gt;" in page
    assert "<script" not in page and "src=" not in page
    assert page.count("<svg") == 3
