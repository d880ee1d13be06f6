"""`dalil analyze authenticity`, `dalil findings`, `dalil report authenticity`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.authenticity.finding import Check, Severity, Verdict
from dalil.authenticity.params import Device
from dalil.cli.common import (
    ArchiveOption,
    BarReporter,
    JsonOption,
    console,
    open_archive,
    out,
    print_json,
)

analyze_app = typer.Typer(help="Analyses run over the whole archive.", no_args_is_help=True)
report_app = typer.Typer(help="Reports an analyst reads without dalil.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(analyze_app, name="analyze")
    app.add_typer(report_app, name="report")
    app.command("findings")(findings)


@analyze_app.command("authenticity")
def analyze_authenticity(
    collection: Annotated[
        str | None, typer.Option(help="Analyse only the images of this collection.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (0: one per core).")] = 0,
    device: Annotated[
        Device, typer.Option(help="Sensor-noise arrays on cpu, gpu (CuPy) or auto.")
    ] = Device.CPU,
    prnu_crop: Annotated[
        int, typer.Option(help="Side of the centre crop used for sensor noise, in pixels.")
    ] = 512,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Check every image: cameras and tables, sensor noise (PRNU), timeline, re-encoding
    and edits, near-duplicates. Resumable; a re-run records only what changed."""
    from dataclasses import replace

    from dalil.authenticity.backend import array_module
    from dalil.authenticity.params import Parameters
    from dalil.authenticity.pipeline import analyze

    array_module(device.value)  # refuse an unavailable GPU before any work
    defaults = Parameters()
    sensing = replace(defaults.sensors, device=device.value, crop=prnu_crop)
    params = replace(defaults, sensors=sensing)
    with open_archive(archive_dir) as archive:
        result = analyze(archive, collection, params, workers, BarReporter(enabled=not json_))
    if json_:
        print_json(result.as_json())
        return
    summary = result.summary
    sensors = summary["sensors"]
    out.print(
        f"run {result.run}: {result.images:,} images; {summary['cameras_by_exif']} cameras by "
        f"EXIF, {sensors['physical_cameras']} physical cameras by sensor noise"
    )
    for check, count in summary["flagged"].items():
        out.print(f"  {check:<11} {count:>7,} images flagged")
    counts = summary["findings"]
    out.print(
        f"findings: {counts['added']:,} new, {counts['superseded']:,} superseded, "
        f"{counts['unchanged']:,} unchanged; list them with `dalil findings`"
    )


def findings(
    check: Annotated[
        Check | None,
        typer.Option(help="cameras, sensors, timeline, reencoding or duplicates."),
    ] = None,
    severity: Annotated[
        Severity | None, typer.Option(help="At least this severity: none, low, medium, high.")
    ] = None,
    verdict: Annotated[
        Verdict | None,
        typer.Option(
            help="Only this verdict: flagged, could-not-analyse, info, consistent, "
            "not-applicable (default: flagged and could-not-analyse)."
        ),
    ] = None,
    camera: Annotated[str | None, typer.Option(help="Part of the camera's name.")] = None,
    collection: Annotated[
        str | None, typer.Option(help="Only images received in this collection.")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Every verdict, consistent ones included.")
    ] = False,
    image: Annotated[
        str | None,
        typer.Option(help="Only this image: its SHA-256 (8+ hex digits) or a path received."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Show at most this many images.")] = None,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """List the current authenticity findings by image: each image once, with its paths
    and every finding on it (check, verdict, score, and the check's measured error rate)."""
    from dalil.authenticity.listing import group_by_image, list_findings, rate_text

    with open_archive(archive_dir) as archive, archive.read() as conn:
        items = list_findings(
            conn, check, severity, verdict, camera, collection, everything, image=image
        )
    images = group_by_image(items)[:limit] if limit else group_by_image(items)
    if json_:
        print_json(images)
        return
    for entry in images:
        paths = entry["paths"] or ["(no path)"]
        more = f" (+{len(paths) - 1} more paths)" if len(paths) > 1 else ""
        out.print(f"{paths[0]}{more}  {entry['sha256']}", markup=False, style="bold")
        for item in entry["findings"]:
            score = f" [{item['score']}]" if item["score"] else ""
            out.print(
                f"  {item['check']} {item['code']} ({item['verdict']}, {item['severity']})"
                f"{score}: {item['message']}\n    error rate: {rate_text(item['error_rate'])}",
                markup=False,
            )
    shown = sum(len(entry["findings"]) for entry in images)
    console.print(f"{shown:,} findings on {len(images):,} images")


@report_app.command("authenticity")
def report_authenticity(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the HTML report.")
    ] = Path("authenticity-report.html"),
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Write the authenticity report: cameras over time, findings by check, every finding
    that needs attention with its check's error rate (HTML, readable without dalil)."""
    from dalil.authenticity.report import write

    with open_archive(archive_dir) as archive:
        path = write(archive, output)
    if json_:
        print_json({"report": str(path)})
        return
    out.print(f"report: {path}")
