"""`dalil ingest`, `dalil derive`, `dalil batches`, `dalil claims`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dalil.cli.common import (
    ArchiveOption,
    BarReporter,
    JsonOption,
    console,
    open_archive,
    out,
    print_json,
)
from dalil.vault.limits import DEFAULT_LIMITS

if TYPE_CHECKING:
    from dalil.vault.receive import ReceiveResult

RECEIPT_FLAGS_SHOWN = 20


def _print_receipt(result: ReceiveResult) -> None:
    counts = result.counts
    word = "resumed and closed" if result.resumed else "received and closed"
    out.print(f"[bold]batch {result.batch_id}[/] {word}")
    out.print(f"  entries         {counts['entries']:>10,}")
    out.print(f"  files stored    {counts['files']:>10,}  ({counts['bytes']:,} bytes)")
    out.print(f"  new objects     {counts['new_objects']:>10,}")
    out.print(f"  duplicates      {counts['duplicates']:>10,}  (same bytes as another file)")
    out.print(f"  flagged         {counts['flagged_entries']:>10,}")
    for flag in result.flagged[:RECEIPT_FLAGS_SHOWN]:
        where = ", ".join(flag["paths"]) or flag["sha256"]
        out.print(f"    {flag['code']:<22} {where}", markup=False)
    if len(result.flagged) > RECEIPT_FLAGS_SHOWN:
        out.print(f"    ... {len(result.flagged) - RECEIPT_FLAGS_SHOWN} more: `dalil flags`")
    out.print(f"receipt written to {result.receipt}")
    out.print("signed checkpoint:")
    out.print(result.checkpoint_note, end="")


def ingest(
    sources: Annotated[list[Path], typer.Argument(help="Folders, files, .zip or .tar to receive.")],
    collection: Annotated[str, typer.Option(help="Name of the collection these belong to.")],
    custodian: Annotated[str, typer.Option(help="Who hands the files over (person, org).")],
    source_note: Annotated[
        str, typer.Option(help="How the sources arrived (drive labels, seals, courier).")
    ] = "",
    claim: Annotated[
        list[str] | None,
        typer.Option(
            help="Custody before receipt, as stated: 'holder=...;from=...;until=...;"
            "transfer=...;by=...;confidence=low|medium|high;note=...'. Repeatable."
        ),
    ] = None,
    again: Annotated[
        bool, typer.Option(help="Record a second receipt of sources already received.")
    ] = False,
    derive: Annotated[
        bool, typer.Option(help="Describe the images after receiving (EXIF, tables, PDQ).")
    ] = True,
    max_archive_entries: Annotated[
        int, typer.Option(help="Refuse zip/tar archives listing more entries than this.")
    ] = DEFAULT_LIMITS.max_archive_entries,
    max_archive_bytes: Annotated[
        int, typer.Option(help="Refuse zip/tar archives expanding to more bytes than this.")
    ] = DEFAULT_LIMITS.max_archive_bytes,
    workers: Annotated[int, typer.Option(help="Reader threads (0: two per core).")] = 0,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Receive sources into the archive without altering a byte, then describe them.

    Each source byte is read once: hashed while copied into the write-once store. The run
    is resumable: after an interruption, run the same command again.
    """
    from dalil.errors import AlreadyReceived
    from dalil.lookup import similar_collections
    from dalil.vault import batches
    from dalil.vault.limits import Limits
    from dalil.vault.receive import ReceiveRequest, receive

    limits = Limits(max_archive_entries=max_archive_entries, max_archive_bytes=max_archive_bytes)
    request = ReceiveRequest(
        sources=sources,
        collection=collection,
        custodian=custodian,
        source_note=source_note,
        claims=[batches.Claim.parse(text) for text in claim or []],
        again=again,
        limits=limits,
        workers=workers,
    )
    with open_archive(archive_dir) as archive:
        with archive.read() as conn:
            close = similar_collections(conn, collection)
        if close:
            console.print(f"[yellow]note:[/] {collection!r} is a new collection; the archive "
                          f"holds {', '.join(close)}: check the name", highlight=False)  # fmt: skip
        try:
            result: ReceiveResult | None = receive(archive, request, BarReporter(not json_))
        except AlreadyReceived as exc:
            # Running the same ingest again is how a custodian finishes an interrupted
            # one; when receiving was already complete, only description may remain.
            console.print(f"[yellow]note:[/] {exc}")
            result = None
        described = None
        if derive:
            from dalil.vault.derive import describe_pending

            described = describe_pending(archive, BarReporter(enabled=not json_))
    if json_:
        print_json(
            {
                "batch": None if result is None else result.batch_id,
                "resumed": None if result is None else result.resumed,
                "counts": None if result is None else result.counts,
                "described": None if described is None else described.as_dict(),
                "checkpoint": None if result is None else result.checkpoint_note,
                "receipt": None if result is None else str(result.receipt),
            }
        )
        return
    if result is not None:
        _print_receipt(result)
    if described is not None:
        out.print(f"described {described.described:,} images ({described.flagged:,} flagged)")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
