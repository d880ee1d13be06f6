"""`dalil estimate`: multiple systems estimation of the undocumented total, by stratum."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import (
    ArchiveOption,
    BarReporter,
    JsonOption,
    open_archive,
    out,
    print_json,
)
from dalil.errors import InputError
from dalil.estimation.methods import Criterion, Method


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate)


def estimate(
    by: Annotated[
        str | None,
        typer.Option(help="Stratify by these, comma-separated: governorate, year, sex, branch."),
    ] = None,
    table: Annotated[
        Path | None,
        typer.Option(
            help="A capture-history CSV (0/1 column per list and `count`) instead of the archive."
        ),
    ] = None,
    method: Annotated[
        list[Method] | None,
        typer.Option(help="lcmcr, loglinear, independence (repeatable; default all)."),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the HTML report here.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the LCMCR sampler.")] = 20160101,
    samples: Annotated[int, typer.Option(help="LCMCR draws kept per chain.")] = 1000,
    burn_in: Annotated[int, typer.Option(help="LCMCR iterations discarded per chain.")] = 10000,
    criterion: Annotated[
        Criterion, typer.Option(help="Log-linear model selection: aic or bic.")
    ] = Criterion.AIC,
    shared_classes: Annotated[
        bool,
        typer.Option(
            "--shared-classes/--separate-classes",
            help="With --by: LCMCR's latent classes shared by every stratum (strata differ "
            "in how many people of each class they hold), or learned in each stratum alone.",
        ),
    ] = True,
    record: Annotated[
        bool,
        typer.Option(
            help="Record the estimate in the custody log with the linkage run it counted."
        ),
    ] = True,
    archive_dir: ArchiveOption = None,
    json_output: JsonOption = False,
) -> None:
    """Estimate how many people were never documented, with intervals, per stratum."""
    from dalil import report_page
    from dalil.estimation import histories, lcmcr, strata
    from dalil.estimation import record as recording
    from dalil.estimation import report as html_report
    from dalil.vault.provenance import provenance

    methods = [m.value for m in method or Method]
    selection = criterion.value
    variables = [v.strip() for v in by.split(",")] if by else []
    settings = lcmcr.Settings(seed=seed, samples=samples, burn_in=burn_in)
    reporter = BarReporter(enabled=not json_output)
    if table is not None:
        if variables:
            raise InputError("--by needs linked lists in an archive; a --table is one stratum")
        estimation = strata.estimate(
            [({}, histories.read_table(table))], methods, settings, selection, reporter
        )
        made = report_page.of_file(table, "dalil estimate --table")
    else:
        with open_archive(archive_dir) as archive:
            recorded = recording.estimate_archive(
                archive, variables, methods, settings, selection, shared_classes, reporter, record
            )
            made = provenance(archive, "dalil estimate")
        estimation = recorded.estimation
    if report is not None:
        title = "Multiple systems estimation"
        html_report.write(report, estimation, title, made, [f"seed {seed}"])
    if json_output:
        print_json(estimation.to_json())
        return
    shown = [*estimation.strata, *([estimation.total] if estimation.total else [])]
    for result in shown:
        label = ", ".join(f"{k}={v}" for k, v in result.stratum.items()) or "all"
        if result is estimation.total:
            label = f"total over {len(estimation.strata)} strata"
        out.print(f"[bold]{label}[/]: {result.table.observed:,} documented")
        for e in result.estimates:
            interval = f"95% {e.low:,.0f} – {e.high:,.0f}"
            out.print(f"  {e.method:<13} {e.estimate:>10,.0f}   {interval}   {e.detail}")
        for warning in result.warnings:
            out.print(f"  [yellow]warning:[/] {warning}")
    if report is not None:
        out.print(f"report: {report}")
