"""Where a release stands: each image's current preview and what reviewers decided.

An image is ``pending`` until a person decides on its current preview, ``approved`` or
``rejected`` after; a revision (a reviewer asked for more to be hidden) makes a new
preview, pending again. An image whose sensor noise still matches its camera after the
strongest scrubbing is ``blocked``: it can only be rejected. Read from the tables the
custody events wrote, so the web app and the command line see the same queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical
from dalil.authenticity.params import SensorParams
from dalil.errors import InputError, NotFound
from dalil.export.public.redaction import Region
from dalil.export.public.tables import public_previews, public_releases, public_reviews
from dalil.vault.archive import Archive

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,60}")
FOLDER = "releases"  # under the archive: previews never leave it unreleased
PENDING, APPROVED, REJECTED, BLOCKED = "pending", "approved", "rejected", "blocked"
THRESHOLD = SensorParams().pce_threshold  # the sensor check's own decision threshold


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise InputError(
            f"release name {name!r}: letters, digits, '.', '_' and '-' only "
            "(it names a folder inside the archive)"
        )
    return name


def previews_folder(archive: Archive, name: str) -> Path:
    return archive.root / FOLDER / check_name(name) / "previews"


def preview_path(archive: Archive, name: str, sha256: str) -> Path:
    return previews_folder(archive, name) / f"{sha256}.jpg"


@dataclass(frozen=True)
class Entry:
    number: int
    version: int
    preview_seq: int
    original_sha256: str
    preview_sha256: str
    status: str
    faces: int
    card: str
    regions: tuple[Region, ...]
    transform: dict[str, Any]
    pce: str | None
    pce_note: str
    commitment: str
    decided_by: str | None
    reason: str | None

    def as_json(self, path: Path | None = None) -> dict[str, Any]:
        return {
            "number": self.number,
            "version": self.version,
            "status": self.status,
            "preview_sha256": self.preview_sha256,
            "faces": self.faces,
            "card": self.card,
            "regions": [r.as_json() for r in self.regions],
            "pce": self.pce,
            "pce_note": self.pce_note,
            "decided_by": self.decided_by,
            "reason": self.reason,
            "preview": str(path) if path else None,
        }


@dataclass(frozen=True)
class Release:
    seq: int
    name: str
    purpose: str
    numbers: str
    released_seq: int | None
    entries: tuple[Entry, ...]

    def with_status(self, status: str) -> list[Entry]:
        return [e for e in self.entries if e.status == status]

    def entry(self, number: int) -> Entry:
        for entry in self.entries:
            if entry.number == number:
                return entry
        raise NotFound(
            f"release {self.name} has no image {number}; it has 1 to "
            f"{len(self.entries)} (see `dalil export queue {self.name}`)"
        )


def load(conn: Connection, name: str) -> Release:
    row = conn.execute(select(public_releases).where(public_releases.c.name == name)).first()
    if row is None:
        names = conn.execute(select(public_releases.c.name)).scalars().all()
        raise NotFound(
            f"no public release named {name!r}; drafted: {', '.join(sorted(names)) or 'none'}"
        )
    current = conn.execute(
        select(public_previews)
        .where(public_previews.c.release == name, public_previews.c.superseded_seq.is_(None))
        .order_by(public_previews.c.number)
    ).all()
    decided: dict[tuple[int, str], Any] = {}
    for review in conn.execute(
        select(public_reviews)
        .where(public_reviews.c.release == name)
        .order_by(public_reviews.c.seq)
    ):
        decided[(review.number, review.preview_sha256)] = review
    entries = tuple(_entry(p, decided.get((p.number, p.preview_sha256))) for p in current)
    return Release(row.seq, row.name, row.purpose, row.numbers, row.released_seq, entries)


def _entry(preview: Any, review: Any) -> Entry:
    if review is not None and review.seq > preview.seq:
        status = APPROVED if review.decision == "approve" else REJECTED
    elif preview.pce is not None and float(preview.pce) >= THRESHOLD:
        status = BLOCKED
    else:
        status, review = PENDING, None
    regions = tuple(Region.from_json(r) for r in canonical.loads(preview.regions))
    return Entry(
        preview.number,
        preview.version,
        preview.seq,
        preview.original_sha256,
        preview.preview_sha256,
        status,
        preview.faces,
        preview.card,
        regions,
        canonical.loads(preview.transform),
        preview.pce,
        preview.pce_note,
        preview.commitment,
        review.reviewer if review else None,
        review.reason if review else None,
    )
