"""`dalil batches`, `dalil flags`, `dalil files`, `dalil claim`, `dalil derive`."""

from __future__ import annotations

from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, BarReporter, JsonOption, open_archive, out, print_json
from dalil.vault.flags import Severity


def batches_command(archive_dir: ArchiveOption = None, json_: JsonOption = False) -> None:
    """List the batches received, with their custodians and stated prior custody."""
    from dalil.vault.queries import list_batches

    with open_archive(archive_dir) as archive, archive.read() as conn:
        rows = list_batches(conn)
    if json_:
        print_json(rows)
        return
    for row in rows:
        out.print(
            f"batch {row['batch']:<4} {row['status']:<6} {row['collection']!r} from "
            f"{row['custodian']!r}, opened {row['opened_at']} by {row['operator']}@{row['host']}"
        )
        for claim in row["stated_custody_before_receipt"]:
            out.print(
                f"    stated: {claim['holder']} {claim['held_from'] or '?'}–"
                f"{claim['held_until'] or '?'} ({claim['confidence']}), {claim['transfer']}"
            )


def flags_command(
    code: Annotated[str | None, typer.Option(help="Only this flag code.")] = None,
    severity: Annotated[Severity | None, typer.Option(help="info, warning or error.")] = None,
    batch: Annotated[int | None, typer.Option(help="Only files of this batch.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """List flagged files and the reason for each flag."""
    from dalil.vault.queries import list_flags

    with open_archive(archive_dir) as archive, archive.read() as conn:
        rows = list_flags(conn, code, severity, batch, limit)
    if json_:
        print_json(rows)
        return
    for row in rows:
        where = ", ".join(row["paths"]) or row["sha256"] or "?"
        out.print(f"{row['severity']:<7} {row['code']:<24} {where}: {row['reason']}", markup=False)


def files_command(
    batch: Annotated[int | None, typer.Option(help="Only this batch.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """List every path received, with its SHA-256 and camera facts."""
    from dalil.vault.queries import list_files

    with open_archive(archive_dir) as archive, archive.read() as conn:
        rows = list_files(conn, batch, limit)
    if json_:
        print_json(rows)
        return
    for row in rows:
        sha = (row["sha256"] or "-")[:16]
        out.print(f"{sha:16} {row['size'] or 0:>12,} {row['camera'] or '':20} {row['path']}",
                  markup=False)  # fmt: skip


def claim_command(
    batch: Annotated[int, typer.Argument(help="The batch the claim is about.")],
    claim: Annotated[
        str,
        typer.Argument(
            help="'holder=...;from=...;until=...;transfer=...;by=...;confidence=...;note=...'"
        ),
    ],
    archive_dir: ArchiveOption = None,
) -> None:
    """Record a stated custody claim (before receipt) for a batch; logged, never proven."""
    from dalil.vault.batches import Claim, add_claim

    parsed = Claim.parse(claim)
    with open_archive(archive_dir) as archive, archive.write() as conn:
        seq = add_claim(conn, batch, parsed)
    out.print(f"recorded as event #{seq}")


def derive_command(
    workers: Annotated[int, typer.Option(help="Worker processes (0: one per core).")] = 0,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Describe every received image not yet described (EXIF, tables, PDQ, thumbnail)."""
    from dalil.vault.derive import describe_pending

    with open_archive(archive_dir) as archive:
        result = describe_pending(archive, BarReporter(enabled=not json_), workers)
    if json_:
        print_json(result.as_dict())
    else:
        out.print(f"described {result.described:,} images ({result.flagged:,} flagged)")


def register(app: typer.Typer) -> None:
    app.command("batches")(batches_command)
    app.command("flags")(flags_command)
    app.command("files")(files_command)
    app.command("claim")(claim_command)
    app.command("derive")(derive_command)
