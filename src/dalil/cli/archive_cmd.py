"""`dalil init` and `dalil info`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, JsonOption, open_archive, out, print_json


def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new archive (empty or new).")],
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            envvar="DALIL_DATABASE_URL",
            help="Catalogue database URL (default: SQLite inside the archive).",
        ),
    ] = None,
) -> None:
    """Create an archive: catalogue, write-once store, custody log and signing key."""
    from dalil.vault import checkpoints
    from dalil.vault.archive import Archive

    with Archive.create(directory, database) as archive:
        with archive.write() as conn:
            checkpoint = checkpoints.sign_head(conn, archive.signer())
        out.print(f"created archive [bold]{archive.root}[/]")
        out.print(f"  log origin    {archive.origin}")
        out.print(f"  verifier key  {archive.verifier}")
        out.print(f"  checkpoint    size {checkpoint.size}, root {checkpoint.root}")
        out.print(
            "Keep a copy of the verifier key apart from the archive: "
            "anyone holding it can check the archive's checkpoints."
        )


def info(archive_dir: ArchiveOption = None, json_: JsonOption = False) -> None:
    """Show what the archive holds: batches, objects, log size, last checkpoint."""
    from dalil.vault.queries import archive_summary

    with open_archive(archive_dir) as archive, archive.read() as conn:
        summary = archive_summary(archive, conn)
    if json_:
        print_json(summary)
        return
    for key, value in summary.items():
        out.print(f"{key:18} {value}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("info")(info)
