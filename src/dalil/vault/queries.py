"""Read-only questions custodians ask of the vault, as plain dicts for the CLI and web."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, func, select

from dalil import canonical, lookup
from dalil.db import schema
from dalil.vault import checkpoints, custody

if TYPE_CHECKING:
    from dalil.vault.archive import Archive


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def archive_summary(archive: Archive, conn: Connection) -> dict[str, Any]:
    """What the archive holds: batches, originals, objects and their bytes, flags,
    described images, the log's size and root, and the last signed checkpoint."""
    head = custody.read_head(conn)
    object_bytes = conn.execute(select(func.coalesce(func.sum(schema.objects.c.size), 0))).scalar()
    last = checkpoints.latest(conn)
    return {
        "archive": str(archive.root),
        "origin": archive.origin,
        "verifier_key": str(archive.verifier),
        "database": archive.engine.dialect.name,
        "batches": _count(conn, schema.batches),
        "originals": _count(conn, schema.originals),
        "objects": _count(conn, schema.objects),
        "object_bytes": int(object_bytes or 0),
        "flags": _count(conn, schema.flags),
        "described_images": _count(conn, schema.image_facts),
        "log_size": head.size,
        "log_root": head.root().hex(),
        "last_checkpoint": None if last is None else {"size": last.size, "root": last.root},
    }


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
    """Flags in the order they were raised: of one code, at least one severity, one
    batch; a code, severity or batch the archive does not know is refused."""
    from dalil.vault.flags import KINDS, Severity

    if code:
        code = lookup.choose_fixed("flag code", code, KINDS)
    if severity:
        severity = lookup.choose_enum("severity", severity, Severity).value
    if batch is not None:
        require_batch(conn, batch)
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
    if batch is not None:
        require_batch(conn, batch)
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


def require_batch(conn: Connection, batch: int) -> int:
    """``batch`` if the archive received it; else NotFound naming the batches it holds."""
    held = [str(n) for n in conn.execute(select(schema.batches.c.id).order_by(schema.batches.c.id))
            .scalars()]  # fmt: skip
    return int(lookup.choose("batch", str(batch), held, "dalil batches"))
