"""A person's decision on each preview: approve it, reject it, or ask for more hidden.

A decision names the exact preview it was made on (its SHA-256): approving a file that
is no longer the one in the queue is refused, and so is deciding twice. Asking for more
regions to be hidden rejects the preview and makes a revision in the same event: the
same scrubbing (so the boxes the reviewer drew in the preview's pixels stay where they
were drawn), the same faces and cards hidden, the new boxes added, measured again,
pending again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from dalil.authenticity.inputs import load_records
from dalil.errors import InputError
from dalil.export.public import queue
from dalil.export.public.attribution import Fingerprints
from dalil.export.public.draft import PUBLIC, item_json, split_salts, write_preview
from dalil.export.public.geometry import Box
from dalil.export.public.preview import make
from dalil.export.public.redaction import RELEASE, REVIEWER, Region
from dalil.export.public.replay import REVIEWED
from dalil.export.public.scrubber import Transform
from dalil.export.public.tables import public_previews
from dalil.vault.archive import Archive
from dalil.vault.writer import Writer


class Verdict(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True)
class Outcome:
    number: int
    decision: str
    seq: int
    revision: queue.Entry | None  # the new preview, when more was asked to be hidden


def review(
    archive: Archive,
    name: str,
    number: int,
    decision: Verdict,
    reviewer: str,
    reason: str = "",
    regions: tuple[Box, ...] = (),
) -> Outcome:
    """Record ``reviewer``'s decision on image ``number``'s current preview."""
    if not reviewer.strip():
        raise InputError("a decision needs the reviewer's name (--reviewer or $DALIL_OPERATOR)")
    with archive.read() as conn:
        release = queue.load(conn, queue.check_name(name))
        entry = release.entry(number)
    _check(release, entry, decision, regions)
    path = queue.preview_path(archive, name, entry.preview_sha256)
    if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != entry.preview_sha256:
        raise InputError(
            f"the preview of image {number} at {path} is missing or changed "
            "since it was made: it cannot be reviewed; draft the release again"
        )
    data = {
        "name": name,
        "number": number,
        "preview_sha256": entry.preview_sha256,
        "preview_seq": entry.preview_seq,
        "decision": decision.value,
        "reviewer": reviewer,
        "reason": reason,
        "regions": [Region(b, RELEASE, REVIEWER).as_json() for b in regions],
    }
    salts: list[bytes] = []
    if regions:
        revised = _revise(archive, name, entry, regions)
        (data["revision"],), salts = split_salts([revised])
    with archive.write() as conn, Writer(conn, PUBLIC) as writer:
        seq = writer.record(REVIEWED, data, blobs=salts).seq
    revision = None
    if regions:
        with archive.read() as conn:
            revision = queue.load(conn, name).entry(number)
    return Outcome(number, decision.value, seq, revision)


def _check(
    release: queue.Release, entry: queue.Entry, decision: Verdict, regions: tuple[Box, ...]
) -> None:
    if release.released_seq is not None:
        raise InputError(
            f"release {release.name} went out already (event "
            f"#{release.released_seq}); its images can no longer be reviewed"
        )
    if entry.status in (queue.APPROVED, queue.REJECTED):
        raise InputError(
            f"image {entry.number} of {release.name} was {entry.status} already "
            f"by {entry.decided_by}"
        )
    if regions and decision is Verdict.APPROVE:
        raise InputError(
            "hiding more makes a new preview that must be reviewed itself: "
            "give --reject with --blur-region, then review the new preview"
        )
    if decision is Verdict.APPROVE and entry.status == queue.BLOCKED:
        raise InputError(
            f"image {entry.number}'s sensor noise still matches its camera (PCE "
            f"{entry.pce}, threshold {queue.THRESHOLD:.0f}): it cannot be "
            "released; reject it"
        )


def _revise(archive: Archive, name: str, entry: queue.Entry, boxes: tuple[Box, ...]) -> dict:  # type: ignore[type-arg]
    added = tuple(Region(b, RELEASE, REVIEWER) for b in boxes)
    with archive.read() as conn:
        records = {r.sha256: r for r in load_records(conn)}
        salt = conn.execute(
            select(public_previews.c.salt).where(
                public_previews.c.seq == entry.preview_seq, public_previews.c.number == entry.number
            )
        ).scalar_one()
    record = records[entry.original_sha256]
    prints = Fingerprints(archive, list(records.values()))
    transform = Transform.from_json(entry.transform)
    data = archive.store.path_for(record.sha256).read_bytes()
    preview = make(data, record, entry.regions + added, prints, transform)
    write_preview(archive, name, preview)
    return item_json(entry.number, entry.version + 1, record.sha256, preview, entry.card, salt)
