"""`dalil export ...`: court packages, their check, and the disclosure register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, BarReporter, JsonOption, open_archive, out, print_json

app = typer.Typer(
    help="Court packages that verify with nothing but Python; the disclosure register.",
    no_args_is_help=True,
)

Many = Annotated[list[str] | None, typer.Option()]


@app.command("court")
def court(
    out_dir: Annotated[Path, typer.Argument(help="New folder for the package (a BagIt bag).")],
    recipient: Annotated[str, typer.Option(help="Who receives it: a court, a mechanism.")],
    purpose: Annotated[str, typer.Option(help="Why: the proceedings it is disclosed for.")],
    contact: Annotated[str, typer.Option(help="The person answerable for the disclosure.")],
    organization: Annotated[str, typer.Option(help="Who holds the archive and sends it.")],
    collection: Annotated[
        list[str] | None, typer.Option(help="Disclose a collection's files (repeatable).")
    ] = None,
    case: Annotated[
        list[str] | None, typer.Option(help="Disclose a catalogue case's photos (repeatable).")
    ] = None,
    finding: Annotated[
        list[str] | None,
        typer.Option(help="Disclose the images with this current finding code or check."),
    ] = None,
    victim_list: Annotated[
        list[str] | None,
        typer.Option("--list", help="Disclose a victim list's records as imported."),
    ] = None,
    items: Annotated[
        Path | None, typer.Option(help="A file of SHA-256s to disclose, one a line.")
    ] = None,
    prefix: Annotated[str, typer.Option(help="Disclosure numbers: PREFIX-000001, ...")] = "ITEM",
    reference: Annotated[
        str | None, typer.Option(help="The disclosure's identifier (default: one per recipient).")
    ] = None,
    profile: Annotated[
        str, typer.Option(help="BagIt profile: generic, icc, or a profile JSON file.")
    ] = "generic",
    field: Annotated[
        list[str] | None,
        typer.Option(help="A bag-info field the profile asks for, LABEL=VALUE (repeatable)."),
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="Bagging date YYYY-MM-DD (default today); fixes the bytes.")
    ] = None,
    quorum: Annotated[
        str, typer.Option(help="Witness cosignatures required: all, none, or a number.")
    ] = "all",
    reveal_source: Annotated[
        bool,
        typer.Option(
            help="Include source-identifying data (camera serials, owners, GPS, full EXIF): "
            "a custodian's decision for this court; withheld by default."
        ),
    ] = False,
    serialize: Annotated[
        str | None, typer.Option(help="Also write the bag as one file: zip or tar.")
    ] = None,
    record: Annotated[bool, typer.Option(help="Record the disclosure in the custody log.")] = True,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Write a court package: the items' original bytes, their custody facts and events
    with inclusion proofs, the signed and witnessed checkpoint, and verify.py."""
    from dalil.errors import InputError
    from dalil.export.court import CourtRequest, export_court
    from dalil.export.selection import Selection, read_items_file

    fields = {}
    for text in field or []:
        label, sep, value = text.partition("=")
        if not sep:
            raise InputError(f"--field {text!r}: write LABEL=VALUE")
        fields[label.strip()] = value.strip()
    selection = Selection(
        tuple(collection or ()), tuple(case or ()), tuple(finding or ()),
        tuple(victim_list or ()), read_items_file(items) if items else (),
    )  # fmt: skip
    request = CourtRequest(
        selection, recipient, purpose, out_dir, contact, organization, prefix, reference,
        profile, fields, date, quorum, reveal_source, serialize, record,
    )  # fmt: skip
    with open_archive(archive_dir) as archive:
        package = export_court(archive, request, BarReporter(enabled=not json_))
    if json_:
        serialized = str(package.serialized) if package.serialized else None
        print_json({"path": str(package.path), "items": package.items, "events": package.events,
                    "package_sha256": package.package_sha256, "reference": package.reference,
                    "checkpoint_size": package.checkpoint_size, "event": package.seq,
                    "serialized": serialized})  # fmt: skip
        return
    out.print(f"package {package.reference}: {package.items:,} items, {package.events:,} events "
              f"proven against checkpoint {package.checkpoint_size}")  # fmt: skip
    out.print(f"  {package.path}" + (f" and {package.serialized}" if package.serialized else ""))
    out.print(f"  package SHA-256 (of tagmanifest-sha256.txt): {package.package_sha256}")
    if package.seq is not None:
        out.print(f"  recorded as event #{package.seq}")
    out.print(f"  the recipient checks it with: python3 {package.path / 'verify.py'}")


@app.command("check")
def check(
    package: Annotated[Path, typer.Argument(help="A court package folder.")],
    json_: JsonOption = False,
) -> None:
    """Check a court package exactly as its own verify.py does; exit 1 on any failure."""
    from dalil.export import verifier

    if json_:
        report = verifier.check_package(package)
        print_json(report.as_dict())
        raise typer.Exit(0 if report.ok else 1)
    raise typer.Exit(verifier.main([str(package)]))


@app.command("list")
def register(archive_dir: ArchiveOption = None, json_: JsonOption = False) -> None:
    """The disclosure register: every package that left the archive."""
    from dalil.export.court import register as disclosures

    with open_archive(archive_dir) as archive, archive.read() as conn:
        rows = disclosures(conn)
    if json_:
        print_json(rows)
        return
    if not rows:
        out.print("no disclosures yet")
    for row in rows:
        out.print(f"#{row['seq']} {row['disclosed_at']}  {row['reference']}  to {row['recipient']}"
                  f"  {row['items']} items  checkpoint {row['checkpoint_size']}"
                  f"  package {row['package_sha256'][:16]}…")  # fmt: skip
