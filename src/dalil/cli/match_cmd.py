"""`dalil match ...`: rank PM cases for AM reports; reviewers' decisions; liaison tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.acting import AsOption, KeyOption, actor
from dalil.cli.common import ArchiveOption, JsonOption, open_archive, out, print_json
from dalil.identification.comparison import ExclusionRule
from dalil.identification.review import Decision, TaskOutcome

app = typer.Typer(
    help="Match reports against PM cases; two-person review; tasks for the family liaison.",
    no_args_is_help=True,
)

CasesOption = Annotated[
    Path | None,
    typer.Option(
        "--cases",
        help="PM cases as a JSON list (case_id, branch, death_date, photo_dates, sex, "
        "age_min, age_max, marks, place) instead of the catalogue's cases.",
    ),
]


@app.command("faces")
def faces(
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Embed the faces in every catalogued case's photos (once each), for matching."""
    from dalil.cli.common import BarReporter
    from dalil.identification.pm_cases import embed_catalogue_faces

    with open_archive(archive_dir) as archive:
        added = embed_catalogue_faces(archive, BarReporter(enabled=not json_))
    if json_:
        print_json({"faces_added": added})
    else:
        out.print(f"{added} faces embedded")


@app.command("run")
def run(
    cases_file: CasesOption = None,
    code: Annotated[str | None, typer.Argument(help="Report code; omit with --all.")] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every report with identification consent.")
    ] = False,
    top: Annotated[int, typer.Option(help="Candidates shown per report.")] = 10,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Rank PM cases for a report (or all): explained scores, exclusions listed apart."""
    from dalil.errors import InputError
    from dalil.identification import matching
    from dalil.identification.pm_cases import load_cases

    if (code is None) == (not all_):
        raise InputError("name one report code, or give --all")
    with open_archive(archive_dir) as archive:
        gallery = matching.Gallery(load_cases(archive, cases_file))
        codes = None if all_ else [str(code)]
        results = matching.rank_reports(archive, gallery, codes, top)
    if json_:
        print_json(results)
        return
    for result in results:
        out.print(f"[bold]{result['report']}[/]  ({len(result['excluded'])} cases excluded)")
        for rank, cand in enumerate(result["candidates"], start=1):
            levels = ", ".join(
                f"{lv['comparison']} {lv['weight']}"
                for lv in cand["levels"]
                if lv["weight"] != "+0.00"
            )
            out.print(f"  {rank:3}. {cand['case']:16} {cand['total']:>7}  {levels}")


@app.command("review")
def review(
    code: Annotated[str, typer.Argument(help="Report code.")],
    case: Annotated[str, typer.Argument(help="PM case id.")],
    decision: Annotated[Decision, typer.Option(help="reject, possible or likely.")],
    reason: Annotated[str, typer.Option(help="What supports the decision.")],
    person: AsOption = None,
    key: KeyOption = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Record your decision on a candidate; two different people's "likely" confirm it."""
    from dalil.identification import decisions

    with open_archive(archive_dir) as archive:
        outcome = decisions.decide(archive, code, case, actor(person, key), decision, reason)
    out.print(f"{code} / {outcome.case_id}: {outcome.status.value}")
    if outcome.task_id is not None:
        out.print(f"confirmed: task {outcome.task_id} opened for the family liaison")


@app.command("override")
def override(
    code: Annotated[str, typer.Argument(help="Report code.")],
    case: Annotated[str, typer.Argument(help="PM case id.")],
    rule: Annotated[ExclusionRule, typer.Option(help="sex_mismatch or death_before_arrest.")],
    reason: Annotated[str, typer.Option(help="Why the rule does not hold for this pair.")],
    person: AsOption = None,
    key: KeyOption = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Lift a hard exclusion for one report and case, with your reason."""
    from dalil.identification import decisions

    who = actor(person, key)
    with open_archive(archive_dir) as archive:
        decisions.override_exclusion(archive, code, case, rule.value, who, reason)
    out.print(f"{code} / {case}: {rule} overridden")


@app.command("tasks")
def tasks(
    archive_dir: ArchiveOption = None,
    all_: Annotated[bool, typer.Option("--all", help="Closed tasks too.")] = False,
    json_: JsonOption = False,
) -> None:
    """List notification tasks for the family liaison (never sent automatically)."""
    from dalil.identification.listing import list_tasks

    with open_archive(archive_dir) as archive, archive.read() as conn:
        rows = list_tasks(conn, open_only=not all_)
    if json_:
        print_json(rows)
        return
    for row in rows:
        out.print(f"task {row['id']:<5} {row['report']}  {row['case_id']:16} {row['status']}")


@app.command("close")
def close(
    task: Annotated[int, typer.Argument(help="Task number.")],
    outcome: Annotated[
        TaskOutcome,
        typer.Option(help="family informed, family not reachable, family declined."),
    ],
    person: AsOption = None,
    key: KeyOption = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Record how a notification task ended."""
    from dalil.identification import decisions

    with open_archive(archive_dir) as archive:
        decisions.close_task(archive, task, actor(person, key), outcome.value)
    out.print(f"task {task}: {outcome}")


@app.command("crops")
def crops(
    case: Annotated[str, typer.Argument(help="PM case id.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the PNG face crops.")],
    purpose: Annotated[str, typer.Option(help="Why (recorded in the custody log).")],
    archive_dir: ArchiveOption = None,
) -> None:
    """Write the face crops of a case for review: faces only, never the whole photo."""
    from dalil.identification.pm_faces import face_crops

    with open_archive(archive_dir) as archive:
        found = face_crops(archive, case, purpose)
    out_dir.mkdir(parents=True, exist_ok=True)
    for sha, png in found:
        (out_dir / f"{case}-{sha[:12]}.png").write_bytes(png)
    out.print(f"{case}: {len(found)} face crops written to {out_dir}")
