"""`dalil log ...`: checkpoints and proofs of the custody log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, JsonOption, open_archive, out, print_json

app = typer.Typer(help="Checkpoints and proofs of the custody log.", no_args_is_help=True)


@app.command("checkpoint")
def checkpoint(
    archive_dir: ArchiveOption = None,
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            help="Also write the signed checkpoint to this file, to be kept outside the "
            "archive; later verifies must be consistent with it.",
        ),
    ] = None,
) -> None:
    """Sign and print the current checkpoint (origin, size, root)."""
    from dalil.vault import checkpoints

    with open_archive(archive_dir) as archive:
        stored = checkpoints.sign_current(archive, export)
    out.print(stored.note, end="")


@app.command("proof")
def proof(
    item: Annotated[
        str,
        typer.Argument(help="An event number (#N), or an object's SHA-256 or its first 8+ digits."),
    ],
    archive_dir: ArchiveOption = None,
) -> None:
    """Print an inclusion proof bundle (JSON) for an event or an object."""
    from dalil.vault import proofs

    with open_archive(archive_dir) as archive, archive.write() as conn:
        seq = proofs.resolve_item(conn, item)
        bundle = proofs.inclusion_bundle(conn, seq, archive.signer())
    print_json(bundle)


@app.command("consistency")
def consistency(
    old_size: Annotated[int, typer.Argument(help="Size of the older log.")],
    new_size: Annotated[
        int | None, typer.Argument(help="Size of the newer log (default: now).")
    ] = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Print a consistency proof bundle (JSON) between two sizes of the log."""
    from dalil.vault import proofs

    with open_archive(archive_dir) as archive, archive.write() as conn:
        bundle = proofs.consistency_bundle(conn, old_size, new_size, archive.signer())
    print_json(bundle)


@app.command("check")
def check(
    bundle_file: Annotated[Path, typer.Argument(help="A proof bundle written by dalil.")],
    key: Annotated[
        str | None,
        typer.Option("--key", help="The verifier key to trust (default: the archive's)."),
    ] = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Check a proof bundle against a verifier key; exits non-zero if it does not hold."""
    from dalil.errors import InputError
    from dalil.vault import proofs
    from dalil.vault.note import VerifierKey

    try:
        bundle = json.loads(bundle_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the bundle {bundle_file}: {exc}") from exc
    if key is not None:
        verifier = VerifierKey.parse(key)
    else:
        with open_archive(archive_dir) as archive:
            verifier = archive.verifier
    out.print("OK: " + proofs.check_bundle(bundle, verifier, str(bundle_file)))


@app.command("show")
def show(
    archive_dir: ArchiveOption = None,
    start: Annotated[int, typer.Option(help="First event number.")] = 0,
    limit: Annotated[int, typer.Option(help="How many events.")] = 50,
    json_: JsonOption = False,
) -> None:
    """List custody events."""
    from dalil.vault import custody

    with open_archive(archive_dir) as archive, archive.read() as conn:
        events = list(custody.iter_events(conn, custody.require_seq(conn, start), start + limit))
    if json_:
        print_json([json.loads(e.body) for e in events])
        return
    for event in events:
        data = json.dumps(event.data, ensure_ascii=False)
        out.print(f"#{event.seq:<8} {event.at}  {event.type:22} {data}")
