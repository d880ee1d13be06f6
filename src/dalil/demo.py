"""`make demo`: the main job end to end on the embedded default, with a summary.

Generates a synthetic, non-graphic collection (never a real image), creates an archive
with a SQLite catalogue, ingests the drives with a stated custody claim, describes the
images, verifies every byte against the custody log, proves one photo's receipt with an
inclusion proof checked against the signed checkpoint, and prints what it found.

    python -m dalil.demo [OUTPUT_DIR] [--photos N]
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from dalil.capabilities import rules
from dalil.cli.common import BarReporter
from dalil.db import schema
from dalil.vault import proofs
from dalil.vault.archive import Archive
from dalil.vault.batches import Claim
from dalil.vault.derive import describe_pending
from dalil.vault.receive import ReceiveRequest, receive
from dalil.vault.verify import verify

console = Console()


def _collection(out: Path, photos: int) -> Path:
    from dalil.synth import SynthOptions, generate_collection

    truth = out / "ground-truth.json"
    if not truth.exists():
        console.print(f"[bold]1. generating a synthetic collection of {photos} photos[/]")
        shutil.rmtree(out, ignore_errors=True)
        generate_collection(out, SynthOptions(photos=photos, seed=7), BarReporter())
    else:
        console.print(f"[bold]1. reusing the synthetic collection in {out}[/]")
    return out / "drives"


def _cameras(archive: Archive) -> Table:
    f = schema.image_facts
    table = Table("make", "model", "body serial", "tables", "images", title="cameras in EXIF")
    with archive.read() as conn:
        rows = conn.execute(
            select(
                f.c.make,
                f.c.model,
                f.c.serial,
                func.count(func.distinct(f.c.qt_signature)),
                func.count(),
            )
            .group_by(f.c.make, f.c.model, f.c.serial)
            .order_by(func.count().desc())
        ).all()
    for make, model, serial, tables, count in rows:
        table.add_row(make or "(no EXIF)", model or "", serial or "", str(tables), str(count))
    return table


def _flags(archive: Archive) -> Table:
    table = Table("flag", "severity", "files", title="flagged files (nothing skipped)")
    with archive.read() as conn:
        rows = conn.execute(
            select(schema.flags.c.code, schema.flags.c.severity, func.count())
            .group_by(schema.flags.c.code, schema.flags.c.severity)
            .order_by(schema.flags.c.code)
        ).all()
    for code, severity, count in rows:
        table.add_row(code, severity, str(count))
    return table


def run(out: Path, photos: int) -> bool:
    started = time.monotonic()
    drives = _collection(out / "collection", photos)
    archive_dir = out / "archive"
    shutil.rmtree(archive_dir, ignore_errors=True)
    console.print(f"[bold]2. creating the archive[/] {archive_dir} (SQLite catalogue)")
    with Archive.create(archive_dir) as archive:
        console.print("[bold]3. receiving the drives[/] (each byte read once, hashed, stored)")
        claim = Claim(
            holder="the photographer's contact",
            held_from="2013-08",
            held_until="2014-01",
            transfer="USB drives carried across the border",
            attested_by="custodian's interview notes",
            confidence="medium",
        )
        request = ReceiveRequest(
            sorted(drives.iterdir()),
            "demo-collection",
            "Demo Custodian (NGO)",
            "three USB drives, sealed bag #1",
            [claim],
        )
        received = receive(archive, request, BarReporter())
        console.print("[bold]4. describing the images[/] (EXIF, tables, PDQ, thumbnails)")
        described = describe_pending(archive, BarReporter())
        console.print("[bold]5. verifying every byte against the custody log[/]")
        report = verify(archive, rules(), reporter=BarReporter())
        console.print("[bold]6. proving one photo's receipt to someone who trusts nothing[/]")
        with archive.write() as conn:
            sha = conn.execute(
                select(schema.image_facts.c.sha256).order_by(schema.image_facts.c.seq).limit(1)
            ).scalar_one()
            bundle = proofs.inclusion_bundle(conn, proofs.resolve_item(conn, sha), None)
        proven = proofs.check_inclusion_bundle(bundle, archive.verifier)

        counts = received.counts
        console.print()
        console.print(
            f"[bold]Batch {received.batch_id}[/]: {counts['entries']:,} entries, "
            f"{counts['files']:,} files ({counts['bytes'] / 1e6:,.1f} MB), "
            f"{counts['new_objects']:,} distinct, {counts['duplicates']:,} duplicates, "
            f"{counts['flagged_entries']:,} flagged; {described.described:,} images "
            "described"
        )
        console.print(_cameras(archive))
        console.print(_flags(archive))
        verdict = "[green]OK[/]" if report.ok else "[red]FAILED[/]"
        console.print(
            f"verify: {verdict}, {report.events:,} events, {report.objects:,} objects, "
            f"root {report.root[:16]}…"
        )
        console.print(f"photo {sha[:16]}…: {proven}")
        console.print(f"verifier key (keep a copy elsewhere): {archive.verifier}")
        console.print(
            f"done in {time.monotonic() - started:,.0f} s; try `dalil info -a {archive_dir}`"
        )
    return report.ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", nargs="?", default="demo-output", type=Path)
    parser.add_argument("--photos", type=int, default=240)
    args = parser.parse_args()
    raise SystemExit(0 if run(args.out, args.photos) else 1)


if __name__ == "__main__":
    main()
