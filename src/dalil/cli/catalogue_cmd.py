"""`dalil catalogue ...`: read the numbers, group photos into cases, double-entry review,
list the cases, and count them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.catalogue.review import Category, ReviewState
from dalil.cli.acting import AsOption, KeyOption, actor
from dalil.cli.common import (
    ArchiveOption,
    BarReporter,
    JsonOption,
    console,
    open_archive,
    out,
    print_json,
)

app = typer.Typer(
    help="The catalogue: numbers read on every body, one case per body, double-entry review.",
    no_args_is_help=True,
)

CollectionOption = Annotated[
    str | None, typer.Option(help="Only the photos received in this collection.")
]


@app.command("read")
def read(
    collection: CollectionOption = None,
    workers: Annotated[int, typer.Option(help="Worker processes (0: one per core).")] = 0,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Read the detainee, branch and report numbers on every photo not read yet
    (Western and Eastern Arabic digits), with a confidence per number. Resumable."""
    from dalil.catalogue.reading import read_photos

    with open_archive(archive_dir) as archive:
        result = read_photos(archive, collection, workers, BarReporter(enabled=not json_))
    if json_:
        print_json(result.as_dict())
        return
    out.print(
        f"read {result.read:,} photos ({result.skipped:,} read before): "
        f"{result.with_numbers:,} with numbers found"
    )
    for script, count in sorted(result.scripts.items()):
        out.print(f"  {script:<10} {count:>8,} photos")
    for flag, count in sorted(result.flagged.items()):
        out.print(f"  {flag:<26} {count:>8,}")
    out.print("next: `dalil catalogue group`")


@app.command("group")
def group(
    collection: CollectionOption = None,
    case_pause: Annotated[
        int,
        typer.Option(help="Seconds: a longer pause between photos usually means the next body."),
    ] = 60,
    session_gap: Annotated[
        int, typer.Option(help="Seconds: a longer pause starts a new shooting session.")
    ] = 1200,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Group the photos into one case per body, from confirmed or read numbers, time order
    within a session and near-duplicates; photos that cannot be placed stay unassigned."""
    from dalil.catalogue.assembly import group_archive
    from dalil.catalogue.grouping import GroupingParameters

    parameters = GroupingParameters(session_gap=session_gap, case_pause=case_pause)
    with open_archive(archive_dir) as archive:
        result = group_archive(archive, collection, parameters)
    if json_:
        print_json(result.as_dict())
        return
    share = result.confident_fields / result.fields if result.fields else 0.0
    out.print(
        f"{result.photos:,} photos → {result.cases:,} cases ({result.unassigned:,} photos "
        f"unassigned); {result.confident_fields:,} of {result.fields:,} numbers read "
        f"confidently ({share:.0%}), the rest go to review"
    )
    for category, count in result.categories.items():
        out.print(f"  {category:<10} {count:>8,} cases")


@app.command("review")
def review_command(
    reviewer: Annotated[
        str | None,
        typer.Option(help="Who is typing (default: $DALIL_OPERATOR, else your user name)."),
    ] = None,
    case: Annotated[str | None, typer.Option(help="Review this case only.")] = None,
    all_cases: Annotated[
        bool, typer.Option("--all", help="Include cases whose numbers were all read confidently.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="Stop after this many cases.")] = None,
    person: AsOption = None,
    key: KeyOption = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Double entry at the keyboard: type the three numbers you see on the card, blind
    to the machine and to other reviewers; two people agreeing confirms a number."""
    from dalil.catalogue.tui import ReviewApp
    from dalil.catalogue.vocabulary import load_vocabulary

    with open_archive(archive_dir) as archive:
        app_ = ReviewApp(
            archive, actor(person, key, reviewer), console.input, console,
            load_vocabulary(archive.root), include_confident=all_cases,
        )  # fmt: skip
        app_.run(only=case, limit=limit)


@app.command("cases")
def cases(
    review: Annotated[
        ReviewState | None,
        typer.Option(help="Only cases in this review state: awaiting, disputed, confirmed."),
    ] = None,
    category: Annotated[
        Category | None, typer.Option(help="Only this category: detainee, other, unknown.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many cases.")] = None,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """List the cases: photos (SHA-256, original paths) and, per number, the machine's
    suggestion, its confidence, whether it was read confidently, and the confirmed value."""
    from dalil.catalogue.cases import find_cases

    with open_archive(archive_dir) as archive, archive.read() as conn:
        chosen = find_cases(conn, review, category, limit)
    if json_:
        print_json([r.as_json() for r in chosen])
        return
    for r in chosen:
        numbers = "  ".join(
            f"{name} {f.confirmed or f.suggestion or '—'}"
            f"{' ✔' if f.confirmed else (' ~' if f.confident else ' ?')}"
            for name, f in r.fields.items()
        )
        out.print(f"{r.case_id}  {r.category:<8} {len(r.photos)} photos  {r.review:<9} {numbers}")
    out.print(f"{len(chosen):,} cases (✔ confirmed, ~ read confidently, ? to review)")


@app.command("stats")
def stats(
    csv_dir: Annotated[
        Path | None,
        typer.Option("--csv", help="Write CSV files (cases, by branch, by month) here."),
    ] = None,
    html: Annotated[Path | None, typer.Option(help="Write an HTML page with charts here.")] = None,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Cases by branch and by month of death, photos per case, unread and disputed cases."""
    from dalil.catalogue.cases import count_unassigned, list_cases
    from dalil.catalogue.report import render_html
    from dalil.catalogue.stats import compute_stats, write_csv
    from dalil.catalogue.vocabulary import load_vocabulary
    from dalil.vault.provenance import provenance

    with open_archive(archive_dir) as archive:
        with archive.read() as conn:
            records = list_cases(conn)
            unassigned = count_unassigned(conn)
        vocabulary = load_vocabulary(archive.root)
        made = provenance(archive, "dalil catalogue stats --html")
    result = compute_stats(records, vocabulary, unassigned)
    if csv_dir is not None:
        for path in write_csv(csv_dir, result, records):
            console.print(f"wrote {path}")
    if html is not None:
        html.write_text(render_html(result, made), encoding="utf-8")
        console.print(f"wrote {html}")
    if json_:
        print_json(result.as_json())
        return
    out.print(f"{result.cases:,} cases, {result.photos:,} photos, {result.unassigned:,} unassigned")
    out.print("by branch:")
    for b in result.branches:
        out.print(f"  {b.branch:<14} {b.cases:>7,}  {b.name_en}")
    out.print("by month of death (first photo):")
    for month, count in result.months:
        out.print(f"  {month:<14} {count:>7,}")
    out.print(f"unread {result.unread:,}; review {result.review}; numbers {result.fields}")


@app.command("branches")
def branches(
    init: Annotated[
        bool, typer.Option("--init", help="Copy the default vocabulary into the archive to edit.")
    ] = False,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """The vocabulary of security branches (number, Arabic and English name, agency)."""
    from dalil.catalogue.vocabulary import init_archive_copy, load_vocabulary

    with open_archive(archive_dir) as archive:
        if init:
            console.print(f"wrote {init_archive_copy(archive.root)}; edit it in a spreadsheet")
        vocabulary = load_vocabulary(archive.root)
    if json_:
        print_json(vocabulary.as_json())
        return
    out.print(f"{len(vocabulary.branches)} branches from {vocabulary.source}")
    for b in vocabulary.branches.values():
        out.print(f"  {b.number:<6} {b.name_en:<45} {b.name_ar}  ({b.agency})")
