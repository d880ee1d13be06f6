"""Read-only questions custodians ask of the vault, as plain dicts for the CLI and web."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical
from dalil.db import schema


def list_batches(conn: Connection) -> list[dict[str, Any]]:
    b = schema.batches
    rows = conn.execute(select(b).order_by(b.c.id)).all()
    claims = conn.execute(select(schema.custody_claims).order_by(schema.custody_claims.c.seq))
    by_batch: dict[int, list[dict[str, Any]]] = {}
    for claim in claims:
        entry = {k: v for k, v in claim._mapping.items() if k not in ("batch_id",)}
        by_batch.setdefault(claim.batch_id, []).append(entry)
    return [
        {
            "batch": row.id,
            "collection": row.collection,
            "custodian": row.custodian,
            "operator": row.operator,
            "host": row.host,
            "status": row.status,
            "opened_at": row.opened_at,
            "closed_at": row.closed_at,
            "source_note": row.source_note,
            "sources": canonical.loads(row.sources),
            "stated_custody_before_receipt": by_batch.get(row.id, []),
        }
        for row in rows
    ]


def list_flags(
    conn: Connection,
    code: str | None = None,
    severity: str | None = None,
    batch: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    f, o = schema.flags, schema.originals
    query = (
        select(f, o.c.path, o.c.batch_id)
        .select_from(f.outerjoin(o, o.c.seq == f.c.original_seq))
        .order_by(f.c.seq)
    )
    if code:
        query = query.where(f.c.code == code)
    if severity:
        query = query.where(f.c.severity == severity)
    if batch is not None:
        query = query.where(o.c.batch_id == batch)
    if limit:
        query = query.limit(limit)
    results = []
    for row in conn.execute(query).all():
        paths = [row.path] if row.path is not None else _paths_of(conn, row.object_sha256)
        results.append(
            {
                "event": row.seq,
                "code": row.code,
                "severity": row.severity,
                "reason": row.reason,
                "sha256": row.object_sha256,
                "paths": paths,
            }
        )
    return results


def _paths_of(conn: Connection, sha: str | None) -> list[str]:
    if sha is None:
        return []
    o = schema.originals
    return list(
        conn.execute(select(o.c.path).where(o.c.object_sha256 == sha).order_by(o.c.seq)).scalars()
    )


def list_files(
    conn: Connection, batch: int | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    o, f = schema.originals, schema.image_facts
    query = (
        select(
            o,
            f.c.width,
            f.c.height,
            f.c.make,
            f.c.model,
            f.c.serial,
            f.c.datetime_original,
            f.c.pdq,
        )
        .select_from(o.outerjoin(f, f.c.sha256 == o.c.object_sha256))
        .order_by(o.c.seq)
    )
    if batch is not None:
        query = query.where(o.c.batch_id == batch)
    if limit:
        query = query.limit(limit)
    return [
        {
            "event": row.seq,
            "batch": row.batch_id,
            "path": row.path,
            "kind": row.entry_kind,
            "size": row.size,
            "mtime": row.mtime,
            "sha256": row.object_sha256,
            "container": row.container_sha256,
            "width": row.width,
            "height": row.height,
            "camera": " ".join(p for p in (row.make, row.model) if p) or None,
            "serial": row.serial,
            "datetime_original": row.datetime_original,
            "pdq": row.pdq,
        }
        for row in conn.execute(query).all()
    ]
