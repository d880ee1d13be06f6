"""The demo's run: every stage in pipeline order, on one fresh archive."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from dalil.demo import analysis, counting, disclosure, families, vault
from dalil.demo.collection import prepare
from dalil.demo.faces import find_volunteers
from dalil.demo.summary import Summary
from dalil.vault.archive import Archive

DEFAULT_PHOTOS = 120  # about four minutes on two cores; face search is the costly stage


def run(out: Path, photos: int = DEFAULT_PHOTOS) -> bool:
    """Run the main job end to end under ``out``; True when every stage passed."""
    started = time.monotonic()
    summary = Summary()
    volunteers = find_volunteers()
    with summary.stage("synthetic collection (no real image of anyone dead)") as stage:
        collection = prepare(out / "collection", photos, volunteers)
        made = "generated" if collection.generated else "reused"
        stage.found.append(
            f"{made}: {len(collection.truth['cases'])} bodies on "
            f"{len(collection.truth['drives'])} drives in {collection.drives}"
        )
        source = volunteers[0].source if volunteers else "none on this machine"
        stage.found.append(
            f"volunteers' faces on {len(collection.faces['cases'])} bodies; source: {source}"
        )
    if not volunteers:
        summary.notes.append(
            "no volunteer faces found (../shared/data/faces/orl, or scikit-image's "
            "astronaut.png): reports were matched on their numbers and dates alone"
        )
    archive_dir = out / "archive"
    reports = out / "reports"
    for earlier in (archive_dir, reports, out / "court-package", out / "public-release"):
        shutil.rmtree(earlier, ignore_errors=True)  # a fresh archive on every run
    reports.mkdir(parents=True)
    with Archive.create(archive_dir) as archive:
        with summary.stage("ingest with a stated custody claim") as stage:
            vault.ingest(archive, collection.drives, stage)
        with summary.stage("verify every byte; prove a receipt") as stage:
            vault.check(archive, stage, "after ingest")
        with summary.stage("authenticity, collection-wide") as stage:
            analysis.authenticity(archive, reports, stage, summary)
        with summary.stage("catalogue: read the numbers, one case per body") as stage:
            analysis.catalogue(archive, collection, reports, stage, summary)
        with summary.stage("identification: families' reports, two reviewers") as stage:
            found = families.identify(archive, collection, volunteers, out / "families", stage)
        with summary.stage("counting the dead: lists linked, total estimated") as stage:
            counting.count(archive, out / "lists", reports, stage, summary)
        with summary.stage("verify the whole archive again") as stage:
            vault.check(archive, stage, "after every stage")
        with summary.stage("court package, checked by its own verify.py") as stage:
            cases = disclosure.disclosed_cases(archive, [case for _, case in found.confirmed])
            first_list = sorted(counting.list_names(out / "lists"))[0]
            disclosure.court_package(
                archive, cases, first_list, out / "court-package", stage, summary
            )
        with summary.stage("public release") as stage:
            faces = {p["sha256"] for c in collection.faces["cases"] for p in c["photos"]}
            release_to = out / "public-release"
            disclosure.public_release(archive, cases[0], faces, release_to, stage, summary)
    summary.wrote("the archive (try `dalil info -a` on it)", archive_dir)
    summary.print(time.monotonic() - started)
    return summary.ok


__all__ = ["DEFAULT_PHOTOS", "run"]
