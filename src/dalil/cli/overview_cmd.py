"""`dalil show` (one thing whole) and `dalil status` (where each collection stands)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, JsonOption, open_archive, out, print_json


def show_command(
    item: Annotated[
        str,
        typer.Argument(
            help="A photo's SHA-256 (or its first 8+ hex digits), a path received, a case "
            "id or prefix, a report code (AM-...), or LIST:RECORD of a victim list."
        ),
    ],
    proof_out: Annotated[
        Path | None,
        typer.Option(
            "--proof-out",
            help="Also save the inclusion proof bundle of the event that recorded it "
            "(check it with `dalil log check FILE`).",
        ),
    ] = None,
    events: Annotated[
        bool, typer.Option("--events", help="Print every custody event, not the latest 20.")
    ] = False,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Everything about one photo, case, AM report or list record: for a photo its paths,
    batches, flags, EXIF facts, authenticity findings with error rates, readings, case,
    entries, confirmations and matches; its custody events with their numbers."""
    import json

    from dalil import overview
    from dalil.cli import overview_print

    with open_archive(archive_dir) as archive:
        if proof_out is None:
            with archive.read() as conn:
                found = overview.show(conn, item)
            bundle = None
        else:
            with archive.write() as conn:
                found = overview.show(conn, item)
                bundle = overview.proof(conn, found, archive.signer())
    if bundle is not None and proof_out is not None:
        proof_out.write_text(json.dumps(bundle, indent=2) + "\n", encoding="utf-8")
    if json_:
        print_json(found.as_json() | ({"proof": str(proof_out)} if proof_out else {}))
        return
    overview_print.show(found, events)
    if proof_out is not None:
        out.print(
            f"proof of event #{found.proof_seq} saved to {proof_out} "
            f"(check it with `dalil log check {proof_out}`)",
            markup=False,
            highlight=False,
        )


def status_command(
    collection: Annotated[str | None, typer.Option(help="Only this collection.")] = None,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Where each collection stands: images received, described, analysed, read, grouped,
    cases reviewed, faces, pending matches, open tasks, and the next command to run."""
    from dalil.overview.progress import next_step, plural
    from dalil.overview.status import archive_status

    def line(text: str) -> None:
        out.print(text, markup=False, highlight=False)

    with open_archive(archive_dir) as archive, archive.read() as conn:
        found = archive_status(conn, collection)
    if json_:
        print_json(found.as_json())
        return
    for c in found.collections:
        out.print(f"{c.collection}", markup=False, highlight=False, style="bold")
        line(
            f"  {plural(c.received, 'image')} received ({plural(c.paths, 'path')} in "
            f"{plural(c.batches, 'batch', 'batches')}): {c.described:,} described, "
            f"{c.analysed:,} analysed, {c.read:,} read, {c.grouped:,} grouped"
        )
        line(
            f"  {plural(c.cases, 'case')}: {c.reviewed:,} reviewed, {c.disputed:,} disputed, "
            f"{c.cases_with_faces:,} with faces; {plural(c.faces, 'image')} with a face embedded; "
            f"{plural(c.pending_matches, 'pending match', 'pending matches')}, "
            f"{plural(c.open_tasks, 'open task')}"
        )
        out.print(f"  next: {next_step(c)}", markup=False, highlight=False)
    out.print(f"next: {found.next}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("show")(show_command)
    app.command("status")(status_command)
