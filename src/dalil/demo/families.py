"""The identification stage: families' reports, portraits, ranked candidates, two
reviewers.

Each volunteer stands for a missing man whose family reports him: what they know (the
branch that took him, roughly when) comes from the ground truth of the case that bears
the volunteer's face; one more family reports a man who is not in the collection. The
reports arrive as a spreadsheet, as an NGO collects them, with consent to compare with
the bodies and to use in court. The reviewers are simulated and say so: they look at
the top candidate as a person would at the face crops, and the ground truth stands in
for their eyes (confirm when it is the right body, reject otherwise).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dalil.catalogue.cases import list_cases
from dalil.cli.common import BarReporter
from dalil.demo.collection import Collection, session_day, truth_case
from dalil.demo.faces import Volunteer
from dalil.demo.summary import Stage
from dalil.identification import decisions, matching
from dalil.identification.am_import import import_reports
from dalil.identification.pm_cases import embed_catalogue_faces, load_cases
from dalil.identification.portraits import add_portrait_bytes
from dalil.identification.review import Decision, Status
from dalil.people import registry as people
from dalil.vault.archive import Archive

# Registered people, each with a key of their own written beside the archive, never in it.
REVIEWERS = (("amal", "Amal (identification team)"), ("boris", "Boris (identification team)"))
NAMES = (  # invented names: Arabic given, father, family; Latin the same
    ("سامر", "خالد", "الحلبي", "Samer", "Khaled", "al-Halabi"),
    ("مازن", "أحمد", "العلي", "Mazen", "Ahmad", "al-Ali"),
    ("وسيم", "محمود", "النجار", "Wassim", "Mahmoud", "al-Najjar"),
    ("رامي", "يوسف", "الشامي", "Rami", "Youssef", "al-Shami"),
)
ABSENT_BRANCH = "227"  # the family without a body in the collection


@dataclass
class Identification:
    reports: list[str] = field(default_factory=list)
    expected: dict[str, str | None] = field(default_factory=dict)  # report → true case
    confirmed: list[tuple[str, str]] = field(default_factory=list)


def _arrest(day: str) -> str:
    moment = date.fromisoformat(day)
    months = moment.year * 12 + moment.month - 1 - 5  # arrested about five months before
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def write_reports(path: Path, collection: Collection) -> list[str | None]:
    """The families' spreadsheet; returns, per row, the truth case it describes."""
    rows, truth = [], []
    for (ar_given, ar_father, ar_family, given, father, family), placed in zip(
        NAMES, [*collection.faces["cases"], None], strict=False
    ):
        if placed is None:
            branch, arrest = ABSENT_BRANCH, "2012-03"
        else:
            case = truth_case(collection, placed["case"])
            branch, arrest = str(case["branch"]), _arrest(session_day(collection, case))
        rows.append({
            "name_ar_given": ar_given, "name_ar_father": ar_father, "name_ar_family": ar_family,
            "name_latin_given": given, "name_latin_father": father,
            "name_latin_family": family, "sex": "male", "age_years": "27",
            "arrest_date": arrest, "arrest_governorate": "rif_dimashq",
            "arresting_branch": branch, "contact_name": f"{father} {family} (father)",
            "contact_phone": "+963 000 000 000", "consent_identification": "yes",
            "consent_court": "yes", "source": "interview at the family centre",
        })  # fmt: skip
        truth.append(None if placed is None else placed["case"])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return truth


def _catalogue_case(archive: Archive, photos: list[dict[str, Any]]) -> str | None:
    """The catalogue case that holds the face photos of a truth case."""
    wanted = {p["sha256"] for p in photos}
    with archive.read() as conn:
        for case in list_cases(conn):
            if wanted & {p.sha256 for p in case.photos}:
                return case.case_id
    return None


def identify(
    archive: Archive,
    collection: Collection,
    volunteers: list[Volunteer],
    folder: Path,
    stage: Stage,
) -> Identification:
    folder.mkdir(parents=True, exist_ok=True)
    sheet = folder / "reports.csv"
    truth = write_reports(sheet, collection)
    result = Identification()
    result.reports = import_reports(archive, sheet, datetime.now(UTC).date()).codes
    by_truth = {p["case"]: p for p in collection.faces["cases"]}
    named = {v.name: v for v in volunteers}
    portraits = {p["case"]: named[p["volunteer"]] for p in collection.faces["cases"]}
    for code, case_id in zip(result.reports, truth, strict=True):
        result.expected[code] = None
        if case_id is not None:
            add_portrait_bytes(
                archive, code, portraits[case_id].portrait, portraits[case_id].portrait_is_crop
            )
            result.expected[code] = _catalogue_case(archive, by_truth[case_id]["photos"])
    faces = embed_catalogue_faces(archive, BarReporter())
    gallery = matching.Gallery(load_cases(archive))
    rankings = matching.rank_reports(archive, gallery, None, top=10)
    stage.found.append(
        f"{len(result.reports)} families' reports imported with consent; "
        f"{len(portraits)} portraits sealed; {faces} faces embedded from the cases' photos"
    )
    keys = folder / "keys"
    keys.mkdir(exist_ok=True)
    reviewers = []
    for person, name in REVIEWERS:
        people.add_with_key(archive, person, name, keys / f"{person}.key")
        reviewers.append(people.Author.load(keys / f"{person}.key"))
    for ranking in rankings:
        _review(archive, ranking, result, stage, reviewers)
    stage.brief = (
        f"{len(result.reports)} reports, {len(portraits)} with portraits; "
        f"{len(result.confirmed)} bodies identified, each confirmed by two reviewers"
    )
    return result


def _review(
    archive: Archive,
    ranking: dict[str, Any],
    result: Identification,
    stage: Stage,
    reviewers: list[people.Author],
) -> None:
    code = ranking["report"]
    expected = result.expected.get(code)
    candidates = [c["case"] for c in ranking["candidates"]]
    rank = candidates.index(expected) + 1 if expected in candidates else None
    top = ranking["candidates"][0] if candidates else None
    if top is None:
        stage.found.append(f"{code}: no candidate")
        return
    face = next((lv["weight"] for lv in top["levels"] if lv["comparison"] == "face"), "n/a")
    right = top["case"] == expected
    decision = Decision.LIKELY if right else Decision.REJECT
    reason = "face crops and branch agree" if right else "face crops do not match"
    outcome = None
    for reviewer in reviewers:
        outcome = decisions.decide(archive, code, top["case"], reviewer, decision, reason)
    assert outcome is not None
    if outcome.status is Status.CONFIRMED:
        result.confirmed.append((code, top["case"]))
    where = (
        f"true case at rank {rank}"
        if rank
        else ("not in the collection" if expected is None else "true case not in the top 10")
    )
    stage.found.append(
        f"{code}: top candidate {top['case']} (total {top['total']}, face {face}); {where}; "
        f"two reviewers: {outcome.status.value}"
        + (f", task {outcome.task_id} for the family liaison" if outcome.task_id else "")
    )
