"""Stages of the vault: receive the drives with a stated custody claim, describe the
images, verify every byte against the custody log, prove one photo's receipt."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from dalil.capabilities import rules
from dalil.cli.common import BarReporter
from dalil.db import schema
from dalil.demo.summary import Stage
from dalil.vault import proofs
from dalil.vault.archive import Archive
from dalil.vault.batches import Claim
from dalil.vault.derive import describe_pending
from dalil.vault.receive import ReceiveRequest, receive
from dalil.vault.verify import verify

COLLECTION = "demo-collection"
CUSTODIAN = "Demo Custodian (NGO)"
CLAIM = Claim(
    holder="the photographer's contact",
    held_from="2013-08",
    held_until="2014-01",
    transfer="USB drives carried across the border",
    attested_by="custodian's interview notes",
    confidence="medium",
)


def ingest(archive: Archive, drives: Path, stage: Stage) -> None:
    request = ReceiveRequest(
        sorted(drives.iterdir()), COLLECTION, CUSTODIAN, "three USB drives, sealed bag #1", [CLAIM]
    )
    received = receive(archive, request, BarReporter())
    described = describe_pending(archive, BarReporter())
    c = received.counts
    stage.found += [
        f"batch {received.batch_id}: {c['entries']:,} entries, {c['files']:,} files "
        f"({c['bytes'] / 1e6:,.1f} MB), {c['new_objects']:,} distinct, "
        f"{c['duplicates']:,} duplicates, {c['flagged_entries']:,} flagged (nothing skipped)",
        f"custody before receipt, as stated: {CLAIM.holder}, {CLAIM.held_from} to "
        f"{CLAIM.held_until}, confidence {CLAIM.confidence}",
        f"{described.described:,} images described (EXIF, quantization tables, PDQ, "
        f"thumbnails); {_cameras(archive)}",
    ]
    with archive.read() as conn:
        flags = conn.execute(
            select(schema.flags.c.code, func.count())
            .group_by(schema.flags.c.code)
            .order_by(schema.flags.c.code)
        ).all()
    if flags:
        stage.found.append("flags: " + ", ".join(f"{code} {n}" for code, n in flags))


def _cameras(archive: Archive) -> str:
    f = schema.image_facts
    with archive.read() as conn:
        rows = conn.execute(
            select(f.c.make, f.c.model, func.count()).group_by(f.c.make, f.c.model)
        ).all()
    named = sum(1 for make, _, _ in rows if make)
    return f"{named} camera models in EXIF"


def check(archive: Archive, stage: Stage, when: str) -> bool:
    """Verify everything; prove the first photo's receipt against the signed checkpoint."""
    report = verify(archive, rules(), reporter=BarReporter())
    with archive.write() as conn:
        sha = conn.execute(
            select(schema.image_facts.c.sha256).order_by(schema.image_facts.c.seq).limit(1)
        ).scalar_one()
        bundle = proofs.inclusion_bundle(conn, proofs.resolve_item(conn, sha), None)
    proven = proofs.check_inclusion_bundle(bundle, archive.verifier)
    verdict = "OK" if report.ok else "FAILED"
    stage.found += [
        f"verify {when}: {verdict}; {report.events:,} events, {report.objects:,} objects, "
        f"log root {report.root[:16]}…",
        f"photo {sha[:16]}…: {proven}",
    ]
    stage.ok = stage.ok and report.ok
    return report.ok
