"""`dalil init` and `dalil info`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import func, select

from dalil.cli.common import ArchiveOption, JsonOption, open_archive, out, print_json
from dalil.db import schema
from dalil.vault import checkpoints, custody
from dalil.vault.archive import Archive


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


def info(archive_dir: ArchiveOption = None, json_: JsonOption = False) -> None:  # type: ignore[assignment]
    """Show what the archive holds: batches, objects, log size, last checkpoint."""
    with open_archive(archive_dir) as archive, archive.read() as conn:
        head = custody.read_head(conn)

        def count(table: object) -> int:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]

        size_sum = conn.execute(select(func.coalesce(func.sum(schema.objects.c.size), 0))).scalar()
        last = checkpoints.latest(conn)
        summary = {
            "archive": str(archive.root),
            "origin": archive.origin,
            "verifier_key": str(archive.verifier),
            "database": archive.engine.dialect.name,
            "batches": count(schema.batches),
            "originals": count(schema.originals),
            "objects": count(schema.objects),
            "object_bytes": int(size_sum or 0),
            "flags": count(schema.flags),
            "described_images": count(schema.image_facts),
            "log_size": head.size,
            "log_root": head.root().hex(),
            "last_checkpoint": None if last is None else {"size": last.size, "root": last.root},
        }
    if json_:
        print_json(summary)
        return
    for key, value in summary.items():
        out.print(f"{key:18} {value}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("info")(info)
