"""`dalil verify`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, BarReporter, JsonOption, open_archive, out, print_json


def verify_command(
    fast: Annotated[
        bool, typer.Option("--fast", help="Check presence and sizes only, not the hashes.")
    ] = False,
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            help="A signed checkpoint kept outside the archive; the log must be consistent "
            "with it. Repeatable."
        ),
    ] = None,
    record: Annotated[
        bool, typer.Option(help="Log a successful verification and sign a checkpoint.")
    ] = True,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Re-hash every object and replay the custody log; name every difference.

    Exits 0 when the archive is exactly what its log and checkpoints say, 1 otherwise.
    """
    from dalil.capabilities import rules
    from dalil.vault.verify import verify

    with open_archive(archive_dir) as archive:
        report = verify(
            archive, rules(), fast, checkpoint or [], record, BarReporter(enabled=not json_)
        )
    if json_:
        print_json(report.as_dict())
    else:
        mode = "fast (presence and sizes)" if fast else "full (every byte re-hashed)"
        out.print(f"verification, {mode}:")
        out.print(f"  events   {report.events:>12,}   root {report.root}")
        out.print(f"  objects  {report.objects:>12,}   {report.bytes:,} bytes")
        out.print(
            f"  signed checkpoints checked {report.checkpoints} "
            f"({report.exported_checkpoints} exported)"
        )
        for note in report.notes[:20]:
            out.print(f"  note: {note}")
        if report.ok:
            out.print("[bold green]OK[/]: the archive is exactly what its custody log says.")
        else:
            count = len(report.problems) + report.unlisted
            out.print(f"[bold red]FAILED[/]: {count} problem(s):")
            for problem in report.problems:
                out.print(f"  {problem}", highlight=False, markup=False)
            if report.unlisted:
                out.print(f"  ... and {report.unlisted} more")
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_command)
