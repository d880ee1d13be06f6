"""What the item page shows, read through the capabilities' own queries.

An item is an object of the store (an original file), named by its SHA-256, and
belongs to the collections of the batches that received it. ``collections_of`` is what
per-object access is decided on: an item in no collection the person may see is
answered exactly as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from dalil import canonical
from dalil.authenticity.listing import as_dict, paths_by_sha
from dalil.authenticity.tables import authenticity_findings as findings
from dalil.catalogue.cases import list_cases
from dalil.db import schema
from dalil.vault import custody
from dalil.vault.store import is_sha256
from dalil.web.tables import web_reveals

PAGE = 50  # items per page of a collection's listing


def collections_of(conn: Connection, sha256: str) -> set[str]:
    if not is_sha256(sha256):
        return set()
    o, b = schema.originals, schema.batches
    query = (
        select(b.c.collection)
        .select_from(o.join(b, b.c.id == o.c.batch_id))
        .where(o.c.object_sha256 == sha256)
        .distinct()
    )
    return set(conn.execute(query).scalars())


def facts(conn: Connection, sha256: str) -> dict[str, Any]:
    o, b, f = schema.originals, schema.batches, schema.image_facts
    received = conn.execute(
        select(o.c.seq, o.c.path, o.c.size, o.c.mtime, b.c.collection, b.c.id.label("batch"))
        .select_from(o.join(b, b.c.id == o.c.batch_id))
        .where(o.c.object_sha256 == sha256)
        .order_by(o.c.seq)
    ).all()
    row = conn.execute(select(f).where(f.c.sha256 == sha256)).first()
    described = None
    if row is not None:
        described = {
            "width": row.width,
            "height": row.height,
            "camera": " ".join(p for p in (row.make, row.model) if p) or None,
            "datetime_original": row.datetime_original,
            "pdq": row.pdq,
            "thumbnail": row.thumbnail_sha256,
        }
    obj = conn.execute(select(schema.objects).where(schema.objects.c.sha256 == sha256)).first()
    return {
        "sha256": sha256,
        "size": obj.size if obj is not None else None,
        "media_type": obj.media_type if obj is not None else None,
        "received": [dict(r._mapping) for r in received],
        "described": described,
    }


def item_findings(conn: Connection, sha256: str) -> list[dict[str, Any]]:
    f = findings
    rows = conn.execute(
        select(f).where(f.c.sha256 == sha256).where(f.c.superseded_seq.is_(None)).order_by(f.c.seq)
    ).all()
    paths = paths_by_sha(conn, {sha256})
    return [as_dict(row, paths.get(sha256, [])) for row in rows]


def item_case(conn: Connection, sha256: str) -> dict[str, Any] | None:
    for case in list_cases(conn):
        if any(p.sha256 == sha256 for p in case.photos):
            return case.as_json()
    return None


def history(conn: Connection, sha256: str) -> list[dict[str, Any]]:
    """Every custody event that recorded a row about this item, in log order."""
    seqs: set[int] = set()
    for table, column in (
        (schema.originals, "object_sha256"),
        (schema.image_facts, "sha256"),
        (schema.flags, "object_sha256"),
        (findings, "sha256"),
        (web_reveals, "sha256"),
    ):
        seqs.update(conn.execute(select(table.c.seq).where(table.c[column] == sha256)).scalars())
    events = [custody.get_event(conn, seq) for seq in sorted(seqs)]
    return [{"seq": e.seq, "type": e.type, "at": e.at, "data": canonical.dumps(e.data).decode()}
            for e in events]  # fmt: skip


def page_of(conn: Connection, collection: str, page: int) -> tuple[int, list[dict[str, Any]]]:
    """The collection's photos received, ``PAGE`` at a time: the total and one page."""
    o, b = schema.originals, schema.batches
    where = (b.c.collection == collection) & o.c.object_sha256.is_not(None)
    base = o.join(b, b.c.id == o.c.batch_id)
    total = conn.execute(select(func.count()).select_from(base).where(where)).scalar_one()
    rows = conn.execute(
        select(o.c.seq, o.c.path, o.c.object_sha256, o.c.size)
        .select_from(base)
        .where(where)
        .order_by(o.c.seq)
        .limit(PAGE)
        .offset((page - 1) * PAGE)
    ).all()
    return int(total), [dict(r._mapping) for r in rows]
