"""Counts an analyst asks for: cases by branch and by month, photos per case, what is
unread or disputed, and how precise the machine's confident readings proved against
double entry. Pure: computed from ``CaseRecord``s.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dalil.catalogue.cases import CaseRecord
from dalil.catalogue.review import FIELDS, NOT_WRITTEN, UNREADABLE
from dalil.catalogue.vocabulary import Vocabulary

NOT_KNOWN = "not yet known"


@dataclass(frozen=True)
class BranchCount:
    branch: str
    name_en: str
    name_ar: str
    agency: str
    cases: int


@dataclass
class CatalogueStats:
    cases: int = 0
    photos: int = 0
    unassigned: int = 0
    categories: dict[str, int] = field(default_factory=dict)
    branches: list[BranchCount] = field(default_factory=list)
    months: list[tuple[str, int]] = field(default_factory=list)  # (YYYY-MM of the photos, cases)
    photos_per_case: list[tuple[int, int]] = field(default_factory=list)
    unread: int = 0  # cases with no number known (none confirmed, none read confidently)
    review: dict[str, int] = field(default_factory=dict)  # awaiting | disputed | confirmed
    fields: dict[str, int] = field(default_factory=dict)  # confirmed | confident | to review
    checked: dict[str, int] = field(default_factory=dict)  # confident readings vs double entry

    def as_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "photos": self.photos,
            "unassigned_photos": self.unassigned,
            "categories": self.categories,
            "by_branch": [b.__dict__ for b in self.branches],
            "by_month": [{"month": m, "cases": n} for m, n in self.months],
            "photos_per_case": [{"photos": k, "cases": n} for k, n in self.photos_per_case],
            "unread": self.unread,
            "disputed": self.review.get("disputed", 0),
            "review": self.review,
            "fields": self.fields,
            "confident_checked_by_double_entry": self.checked,
        }


def compute_stats(
    cases: list[CaseRecord], vocabulary: Vocabulary, unassigned: int = 0
) -> CatalogueStats:
    stats = CatalogueStats(cases=len(cases), unassigned=unassigned)
    stats.photos = sum(len(c.photos) for c in cases) + unassigned
    stats.categories = dict(sorted(Counter(c.category for c in cases).items()))
    branches = Counter(c.fields["branch"].value or NOT_KNOWN for c in cases
                       if c.category != "other")  # fmt: skip
    stats.branches = [_branch(b, n, vocabulary) for b, n in _by_count(branches)]
    months = Counter((c.first_taken or "")[:7] or NOT_KNOWN for c in cases)
    stats.months = sorted(months.items())
    stats.photos_per_case = sorted(Counter(len(c.photos) for c in cases).items())
    stats.unread = sum(all(f.value is None for f in c.fields.values()) for c in cases)
    stats.review = dict(sorted(Counter(c.review for c in cases).items()))
    counts: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    for case in cases:
        for name in FIELDS:
            f = case.fields[name]
            counts["confirmed" if f.confirmed is not None else
                   "confident" if f.confident else "to review"] += 1  # fmt: skip
            if f.confident and f.confirmed is not None:
                written = f.confirmed not in (NOT_WRITTEN, UNREADABLE)
                checked["right" if written and f.confirmed == f.suggestion else "wrong"] += 1
    stats.fields = dict(sorted(counts.items()))
    stats.checked = {"right": checked["right"], "wrong": checked["wrong"]}
    return stats


def _by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (kv[0] == NOT_KNOWN, -kv[1], kv[0]))


def _branch(number: str, cases: int, vocabulary: Vocabulary) -> BranchCount:
    known = vocabulary.get(number)
    if known is None:
        name = "" if number == NOT_KNOWN else "not in the vocabulary"
        return BranchCount(number, name, "", "", cases)
    return BranchCount(number, known.name_en, known.name_ar, known.agency, cases)


def write_csv(folder: Path, stats: CatalogueStats, cases: list[CaseRecord]) -> list[Path]:
    """cases.csv (one row per case), by_branch.csv, by_month.csv, photos_per_case.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    header = ["case_id", "category", "review", "first_taken", "last_taken", "photos"]
    for name in FIELDS:
        header += [f"{name}", f"{name}_suggestion", f"{name}_confidence", f"{name}_confident",
                   f"{name}_confirmed"]  # fmt: skip
    rows: list[list[Any]] = []
    for case in cases:
        row: list[Any] = [case.case_id, case.category, case.review, case.first_taken or "",
                          case.last_taken or "", len(case.photos)]  # fmt: skip
        for name in FIELDS:
            f = case.fields[name]
            row += [f.value or "", f.suggestion or "", f"{f.confidence_bp / 10_000:.4f}",
                    "yes" if f.confident else "no", f.confirmed or ""]  # fmt: skip
        rows.append(row)
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {
        "cases.csv": (header, rows),
        "by_branch.csv": (["branch", "name_en", "name_ar", "agency", "cases"],
                          [[b.branch, b.name_en, b.name_ar, b.agency, b.cases]
                           for b in stats.branches]),
        "by_month.csv": (["month", "cases"], [[m, n] for m, n in stats.months]),
        "photos_per_case.csv": (["photos", "cases"], [[k, n] for k, n in stats.photos_per_case]),
    }  # fmt: skip
    for name, (head, body) in tables.items():
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(head)
            writer.writerows(_safe(r) for r in body)
        written.append(path)
    return written


def _safe(row: list[Any]) -> list[Any]:
    """Cells that a spreadsheet would run as a formula are quoted with an apostrophe."""
    return [f"'{v}" if isinstance(v, str) and _formula(v) else v for v in row]


def _formula(value: str) -> bool:
    return value[:1] in ("=", "+", "@", "\t", "\r") or (value[:1] == "-" and len(value) > 1)
