"""`dalil export ...`: court packages, their check, and the disclosure register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dalil.cli.common import ArchiveOption, BarReporter, JsonOption, open_archive, out, print_json

app = typer.Typer(
    help="Court packages that verify with nothing but Python; public releases that protect "
    "the source; the disclosure register.",
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


# -- public releases ------------------------------------------------------------------------


@app.command("draft")
def draft(
    name: Annotated[str, typer.Argument(help="The release's name (letters, digits, . _ -).")],
    purpose: Annotated[str, typer.Option(help="What the release is for (kept in the archive).")],
    collection: Annotated[
        list[str] | None, typer.Option(help="Release a collection's images (repeatable).")
    ] = None,
    case: Annotated[
        list[str] | None, typer.Option(help="Release a catalogue case's photos (repeatable).")
    ] = None,
    items: Annotated[
        Path | None, typer.Option(help="A file of SHA-256s to release, one a line.")
    ] = None,
    mask_numbers: Annotated[
        bool,
        typer.Option(
            "--mask-numbers/--keep-numbers",
            help="Hide the numbering card where the catalogue located it, or keep it.",
        ),
    ] = False,
    regions: Annotated[
        Path | None,
        typer.Option(help="Boxes to blur, one a line: SHA256 X,Y,W,H in the original's pixels."),
    ] = None,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Draft a public release: a redacted, scrubbed preview of each image, queued for a
    person's review (previews stay inside the archive)."""
    from dalil.export.public.draft import KEEP, MASK, DraftRequest, draft_release, read_regions
    from dalil.export.selection import Selection, read_items_file

    selection = Selection(
        tuple(collection or ()), tuple(case or ()), items=read_items_file(items) if items else ()
    )
    boxes = read_regions(regions) if regions else {}
    request = DraftRequest(name, selection, purpose, MASK if mask_numbers else KEEP, boxes)
    with open_archive(archive_dir) as archive:
        result = draft_release(archive, request, BarReporter(enabled=not json_))
    if json_:
        print_json({"name": result.name, "event": result.seq, "items": result.items,
                    "blocked": result.blocked, "faces": result.faces,
                    "left_out": result.left_out, "previews": str(result.folder)})  # fmt: skip
        return
    out.print(f"release {result.name} drafted (event #{result.seq}): {result.items} previews "
              f"to review, {result.faces} faces hidden")  # fmt: skip
    if result.blocked:
        out.print(f"  {result.blocked} still match their camera's sensor noise: reject them")
    for left in result.left_out:
        out.print(f"  left out {left['sha256']}: {left['reason']}")
    out.print(f"  previews in {result.folder}; the queue: dalil export queue {result.name}")


@app.command("queue")
def review_queue(
    name: Annotated[str, typer.Argument(help="The release's name.")],
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """A release's review queue: each image's current preview and its status."""
    from dalil.export.public import queue

    with open_archive(archive_dir) as archive:
        with archive.read() as conn:
            release = queue.load(conn, name)
        paths = {e.number: queue.preview_path(archive, name, e.preview_sha256)
                 for e in release.entries}  # fmt: skip
    if json_:
        print_json({"name": release.name, "released_event": release.released_seq,
                    "numbers": release.numbers,
                    "items": [e.as_json(paths[e.number]) for e in release.entries]})  # fmt: skip
        return
    state = "released" if release.released_seq else "draft"
    out.print(f"release {release.name} ({state}, numbers {release.numbers})")
    for e in release.entries:
        by = f" by {e.decided_by}" if e.decided_by else ""
        pce = e.pce if e.pce is not None else "not measured"
        out.print(f"  {e.number:4}  {e.status:8}{by}  v{e.version}  faces {e.faces}  "
                  f"card {e.card}  PCE {pce}  {paths[e.number]}")  # fmt: skip
    counts = {s: len(release.with_status(s)) for s in ("pending", "approved", "rejected",
                                                       "blocked")}  # fmt: skip
    out.print("  " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))


@app.command("review")
def review_preview(
    name: Annotated[str, typer.Argument(help="The release's name.")],
    item: Annotated[int, typer.Argument(help="The image's number in the queue.")],
    approve: Annotated[bool, typer.Option("--approve", help="Release this preview.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Do not release this preview.")] = False,
    blur_region: Annotated[
        list[str] | None,
        typer.Option(
            help="With --reject: X,Y,W,H in the preview's pixels to hide too; a new preview "
            "is made for review (repeatable)."
        ),
    ] = None,
    reason: Annotated[str, typer.Option(help="Why (recorded with the decision).")] = "",
    reviewer: Annotated[
        str | None,
        typer.Option(help="Who reviewed it (default: $DALIL_OPERATOR, else your user name)."),
    ] = None,
    archive_dir: ArchiveOption = None,
) -> None:
    """Record your decision on an image's current preview (you must have looked at it)."""
    from dalil.errors import InputError
    from dalil.export.public.draft import parse_box
    from dalil.export.public.review import Verdict, review
    from dalil.vault.archive import operator

    if approve == reject:
        raise InputError("give --approve or --reject")
    boxes = tuple(parse_box(text) for text in blur_region or ())
    decision = Verdict.APPROVE if approve else Verdict.REJECT
    with open_archive(archive_dir) as archive:
        outcome = review(archive, name, item, decision, reviewer or operator(), reason, boxes)
    out.print(f"image {item} of {name}: {outcome.decision} (event #{outcome.seq})")
    if outcome.revision is not None:
        out.print(f"  a new preview (v{outcome.revision.version}) waits for review: "
                  f"dalil export queue {name}")  # fmt: skip


@app.command("public")
def public(
    name: Annotated[str, typer.Argument(help="The release's name.")],
    out_dir: Annotated[Path, typer.Argument(help="New folder for the release.")],
    date: Annotated[
        str | None, typer.Option(help="Release date YYYY-MM-DD for the manifest (default today).")
    ] = None,
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Write a reviewed public release: the approved images and their manifest; refused
    while any image is pending review, or if a file would reveal the source."""
    from dalil.export.public.release import release

    with open_archive(archive_dir) as archive:
        result = release(archive, name, out_dir, date, BarReporter(enabled=not json_))
    if json_:
        print_json({"path": str(result.path), "files": result.files, "event": result.seq,
                    "manifest_sha256": result.manifest_sha256, "rejected": result.rejected,
                    "values_scanned": result.values_scanned})  # fmt: skip
        return
    pces = [float(f["sensor_noise_pce"]) for f in result.files if f["sensor_noise_pce"]]
    out.print(f"release {name}: {len(result.files)} images in {result.path} (event "
              f"#{result.seq}); {result.rejected} rejected images left out")  # fmt: skip
    if pces:
        out.print(f"  sensor noise: PCE at most {max(pces):.1f} against the cameras' "
                  "fingerprints (attribution needs 60)")  # fmt: skip
    out.print(f"  no file holds any of {result.values_scanned:,} source-identifying values")
    out.print(f"  manifest SHA-256: {result.manifest_sha256}")


@app.command("reveal-salt")
def reveal_salt(
    name: Annotated[str, typer.Argument(help="The release's name.")],
    item: Annotated[str, typer.Argument(help="The released file, e.g. R-0001.jpg.")],
    recipient: Annotated[str, typer.Option(help="The court or mechanism it is given to.")],
    reason: Annotated[str, typer.Option(help="Why: the request or proceedings.")],
    archive_dir: ArchiveOption = None,
    json_: JsonOption = False,
) -> None:
    """Hand a released file's salt to a court, so it can check the file's link to its
    sealed original (recorded: who asked, for whom, why)."""
    from dalil.export.public.lineage import reveal_salt as reveal
    from dalil.vault.archive import operator

    with open_archive(archive_dir) as archive:
        revealed = reveal(archive, name, item, recipient, reason, operator())
    if json_:
        print_json({"file": revealed.file, "salt": revealed.salt, "event": revealed.seq,
                    "original_sha256": revealed.original_sha256,
                    "commitment": revealed.commitment})  # fmt: skip
        return
    out.print(f"{revealed.file} (recorded as event #{revealed.seq})")
    out.print(f"  salt:       {revealed.salt}")
    out.print(f"  original:   {revealed.original_sha256}")
    out.print(f"  commitment: {revealed.commitment}")
    out.print("  check: SHA-256 of bytes.fromhex(salt + original) equals the commitment")
