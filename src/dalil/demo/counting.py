"""Counting the dead: synthetic victim lists imported, linked into people, and the
undocumented total estimated by multiple systems estimation, against the known truth."""

from __future__ import annotations

import json
from pathlib import Path

from dalil.cli.common import BarReporter
from dalil.demo.summary import Stage, Summary
from dalil.estimation import lcmcr
from dalil.estimation import report as estimation_report
from dalil.estimation.record import estimate_archive
from dalil.linkage import pipeline
from dalil.synth import lists as synth_lists
from dalil.vault.archive import Archive
from dalil.vault.provenance import provenance

PEOPLE = 3_000  # simulated victims; the lists document some of them, several times
LISTS = 4
SEED = 11


def make_lists(folder: Path) -> dict[str, object]:
    """The lists and their truth, generated once (the same seed gives the same lists)."""
    summary_file = folder / "summary.json"
    if summary_file.exists():
        data: dict[str, object] = json.loads(summary_file.read_text("utf-8"))
        if data.get("population") == PEOPLE and len(data.get("records", {})) == LISTS:  # type: ignore[arg-type]
            return data
    return synth_lists.write(synth_lists.generate(PEOPLE, LISTS, SEED), folder)


def list_names(folder: Path) -> list[str]:
    records = json.loads((folder / "summary.json").read_text("utf-8"))["records"]
    return list(records)


def count(archive: Archive, folder: Path, reports: Path, stage: Stage, summary: Summary) -> None:
    truth = make_lists(folder)
    records = truth["records"]
    assert isinstance(records, dict)
    for name in records:
        imported, _errors = pipeline.import_file(archive, folder / f"{name}.csv", name)
        stage.found.append(f"list {name!r}: {imported.rows:,} records imported")
    linked = pipeline.link(archive, reporter=BarReporter())
    stage.found.append(
        f"linkage run {linked.run_id}: {linked.records:,} records → {linked.clusters:,} people "
        f"({linked.candidate_pairs:,} candidate pairs); truth: {truth['documented']:,} "
        "documented people"
    )
    recorded = estimate_archive(archive, [], settings=lcmcr.Settings(), reporter=BarReporter())
    result = recorded.estimation.strata[0]
    lcmcr_estimate = next(e for e in result.estimates if e.method == "lcmcr")
    stage.brief = (
        f"{linked.records:,} records → {linked.clusters:,} people; LCMCR "
        f"{lcmcr_estimate.estimate:,.0f} dead (95% {lcmcr_estimate.low:,.0f} – "
        f"{lcmcr_estimate.high:,.0f}); truth {truth['population']:,}"
    )
    for e in result.estimates:
        stage.found.append(f"{e.method}: {e.estimate:,.0f} dead (95% {e.low:,.0f} – {e.high:,.0f})")
    stage.found.append(
        f"truth: {truth['population']:,} dead, of whom {truth['documented']:,} on a list; "
        f"estimate recorded as event #{recorded.seq}"
    )
    path = reports / "estimate.html"
    made = provenance(archive, "make demo (dalil.demo.counting)")
    title = "Multiple systems estimation (demo)"
    estimation_report.write(path, recorded.estimation, title, made)
    summary.wrote("estimate of the undocumented total (HTML)", path)
