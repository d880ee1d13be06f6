"""Stages of analysis: authenticity over the whole collection; the catalogue's numbers
read on every photo and the photos grouped into one case per body."""

from __future__ import annotations

from pathlib import Path

from dalil.authenticity import report as authenticity_report
from dalil.authenticity.pipeline import analyze
from dalil.catalogue.assembly import group_archive
from dalil.catalogue.cases import count_unassigned, list_cases
from dalil.catalogue.grouping import GroupingParameters
from dalil.catalogue.reading import read_photos
from dalil.catalogue.report import render_html
from dalil.catalogue.stats import compute_stats
from dalil.catalogue.vocabulary import load_vocabulary
from dalil.cli.common import BarReporter
from dalil.demo.collection import Collection
from dalil.demo.summary import Stage, Summary
from dalil.vault.archive import Archive
from dalil.vault.provenance import provenance


def authenticity(archive: Archive, reports: Path, stage: Stage, summary: Summary) -> None:
    result = analyze(archive, reporter=BarReporter())
    s = result.summary
    flagged = ", ".join(f"{check} {n}" for check, n in s["flagged"].items()) or "none"
    stage.found += [
        f"{result.images:,} images: {s['cameras_by_exif']} cameras by EXIF, "
        f"{s['sensors']['physical_cameras']} physical cameras by sensor noise (PRNU)",
        f"{s['findings']['added']:,} findings recorded; images flagged by check: {flagged}",
    ]
    path = authenticity_report.write(archive, reports / "authenticity.html")
    summary.wrote("authenticity report (HTML)", path)


def catalogue(
    archive: Archive, collection: Collection, reports: Path, stage: Stage, summary: Summary
) -> None:
    read = read_photos(archive, reporter=BarReporter())
    grouped = group_archive(archive, None, GroupingParameters())
    bodies = len(collection.truth["cases"])
    scripts = ", ".join(f"{k} {v}" for k, v in sorted(read.scripts.items()))
    stage.found += [
        f"{read.read:,} photos read, {read.with_numbers:,} with numbers found ({scripts})",
        f"{grouped.photos:,} photos → {grouped.cases:,} cases (the generator made {bodies} "
        f"bodies), {grouped.unassigned} unassigned; {grouped.confident_fields:,} of "
        f"{grouped.fields:,} numbers read confidently, the rest wait for double entry",
    ]
    with archive.read() as conn:
        records = list_cases(conn)
        unassigned = count_unassigned(conn)
    stats = compute_stats(records, load_vocabulary(archive.root), unassigned)
    stage.brief = (
        f"{read.read:,} photos read → {grouped.cases:,} cases (truth: {bodies} bodies), "
        f"{grouped.unassigned} unassigned"
    )
    path = reports / "catalogue.html"
    made = provenance(archive, "make demo (dalil.demo.analysis)")
    path.write_text(render_html(stats, made), encoding="utf-8")
    summary.wrote("catalogue statistics (HTML)", path)
