"""`dalil status`: where each collection stands, counted from the archive's rows.

The counts are of distinct images (contents) received in the collection, so a photo
received twice is counted once; each stage counts the images it has reached. The
sentence saying what to do next is ``progress.next_step``'s, a pure function.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical, lookup
from dalil.authenticity.listing import scope_for
from dalil.authenticity.tables import authenticity_findings
from dalil.catalogue import store
from dalil.catalogue.review import CONFIRMED, DISPUTED, case_state
from dalil.catalogue.tables import catalogue_cases, catalogue_readings
from dalil.db import schema
from dalil.identification.tables import notification_tasks, pm_faces
from dalil.overview import matches
from dalil.overview.progress import Counts, archive_next, next_step
from dalil.vault.sniff import IMAGE_TYPES


@dataclass(frozen=True)
class ArchiveStatus:
    collections: list[Counts]
    next: str

    def as_json(self) -> dict[str, Any]:
        return {
            "collections": [asdict(c) | {"next": next_step(c)} for c in self.collections],
            "next": self.next,
        }


def archive_status(conn: Connection, collection: str | None = None) -> ArchiveStatus:
    """Every collection's counts (or one collection's), and the next step."""
    names = lookup.distinct(conn, schema.batches.c.collection)
    if collection is not None:
        names = [lookup.require_collection(conn, collection)]
    counts = [collection_counts(conn, name) for name in names]
    return ArchiveStatus(counts, archive_next(counts))


def _images(conn: Connection, collection: str) -> tuple[set[str], int, int]:
    o, b, obj = schema.originals, schema.batches, schema.objects
    rows = conn.execute(
        select(o.c.object_sha256, obj.c.kind, obj.c.media_type)
        .join(b, b.c.id == o.c.batch_id)
        .outerjoin(obj, obj.c.sha256 == o.c.object_sha256)
        .where(b.c.collection == collection)
    ).all()
    images = {r.object_sha256 for r in rows if r.kind == "original" and r.media_type in IMAGE_TYPES}
    batches = conn.execute(select(b.c.id).where(b.c.collection == collection)).scalars().all()
    return images, len(rows), len(batches)


def _present(conn: Connection, column: Any, images: set[str], *where: Any) -> set[str]:
    return set(conn.execute(select(column).where(*where).distinct()).scalars()) & images


def collection_counts(conn: Connection, collection: str) -> Counts:
    images, paths, batches = _images(conn, collection)
    f = authenticity_findings
    scope = scope_for(conn, collection)
    described = _present(conn, schema.image_facts.c.sha256, images)
    analysed = _present(conn, f.c.sha256, images, f.c.superseded_seq.is_(None), f.c.scope == scope)
    read = _present(conn, catalogue_readings.c.sha256, images)
    cases, grouped, left_out = _grouping(conn, images)
    states = store.entries_by_case(conn, cases)
    status = [case_state(states.get(case, [])).status for case in cases]
    faces = conn.execute(select(pm_faces.c.object_sha256, pm_faces.c.case_id)).all()
    face_cases = {r.case_id for r in faces if r.object_sha256 in images}
    named = set(cases) | face_cases
    t = notification_tasks
    tasks = conn.execute(select(t.c.case_id).where(t.c.status == "open")).scalars()
    return Counts(
        collection=collection,
        batches=batches,
        paths=paths,
        received=len(images),
        described=len(described),
        analysed=len(analysed),
        analysed_alone=scope == collection,
        read=len(read),
        grouped=len(grouped),
        ungrouped=len((read - grouped) - left_out),
        cases=len(cases),
        reviewed=status.count(CONFIRMED),
        disputed=status.count(DISPUTED),
        faces=len({r.object_sha256 for r in faces} & images),
        cases_with_faces=len({r.case_id for r in faces} & set(cases)),
        pending_matches=matches.pending(conn, named),
        open_tasks=sum(1 for case in tasks if case in named),
    )


def _grouping(conn: Connection, images: set[str]) -> tuple[list[str], set[str], set[str]]:
    """The current grouping's cases with a photo of these images, the images in them,
    and the images the grouping saw but left unassigned."""
    latest = store.latest_grouping(conn)
    if latest is None:
        return [], set(), set()
    c = catalogue_cases
    cases: list[str] = []
    grouped: set[str] = set()
    query = (
        select(c.c.case_id, c.c.photos).where(c.c.grouping_seq == latest["seq"]).order_by(c.c.seq)
    )
    for row in conn.execute(query):
        members = {sha for sha, _ in canonical.loads(row.photos)} & images
        if members:
            cases.append(str(row.case_id))
            grouped |= members
    left_out = set(canonical.loads(latest["unassigned"])) & images
    return cases, grouped, left_out
