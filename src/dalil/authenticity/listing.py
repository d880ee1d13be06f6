"""Reading findings back: the current findings, filtered, as plain dicts for CLI and report."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical, lookup
from dalil.authenticity.finding import CHECKS, COULD_NOT_ANALYSE, FLAGGED, SEVERITIES, VERDICTS
from dalil.authenticity.tables import authenticity_findings as findings
from dalil.db import schema

# Shown when no verdict is asked for: what needs a person's attention.
ATTENTION = (FLAGGED, COULD_NOT_ANALYSE)


def paths_by_sha(conn: Connection, shas: set[str] | None = None) -> dict[str, list[str]]:
    o = schema.originals
    query = select(o.c.object_sha256, o.c.path).order_by(o.c.seq)
    result: dict[str, list[str]] = defaultdict(list)
    for row in conn.execute(query):
        if row.object_sha256 and (shas is None or row.object_sha256 in shas):
            result[row.object_sha256].append(row.path)
    return result


def _in_collection(conn: Connection, collection: str) -> set[str]:
    o, b = schema.originals, schema.batches
    rows = conn.execute(
        select(o.c.object_sha256)
        .select_from(o.join(b, b.c.id == o.c.batch_id))
        .where(b.c.collection == collection)
    )
    return {r.object_sha256 for r in rows if r.object_sha256}


def scope_for(conn: Connection, collection: str | None) -> str | None:
    """The analysis scope to read: the collection's own, if it was analysed on its own,
    else the whole archive's ("") if that was analysed; None if only other scopes were."""
    present = set(conn.execute(select(findings.c.scope).distinct()).scalars())
    if collection is not None and collection in present:
        return collection
    return "" if "" in present or not present else None


def list_findings(
    conn: Connection,
    check: str | None = None,
    severity: str | None = None,
    verdict: str | None = None,
    camera: str | None = None,
    collection: str | None = None,
    everything: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Current (not superseded) findings, oldest first. Without ``verdict`` or
    ``everything``, only those needing attention (flagged, could not analyse);
    ``severity`` is a minimum; ``camera`` matches part of the camera's name. Findings of
    one analysis scope only (see ``scope_for``), so an image analysed both on its own
    collection and with the whole archive is not listed twice."""
    if check is not None:
        check = lookup.choose_fixed("check", check, CHECKS)
    if severity is not None:
        severity = lookup.choose_fixed("severity", severity, SEVERITIES)
    if verdict is not None:
        verdict = lookup.choose_fixed("verdict", verdict, VERDICTS)
    if collection is not None:
        collection = lookup.require_collection(conn, collection)
    if camera:
        camera = _camera(conn, camera)
    f = findings
    scope = scope_for(conn, collection)
    query = select(f).where(f.c.superseded_seq.is_(None)).order_by(f.c.seq)
    if scope is not None:
        query = query.where(f.c.scope == scope)
    if check:
        query = query.where(f.c.check == check)
    if verdict:
        query = query.where(f.c.verdict == verdict)
    elif not everything:
        query = query.where(f.c.verdict.in_(ATTENTION))
    if severity:
        query = query.where(f.c.severity.in_(SEVERITIES[SEVERITIES.index(severity) :]))
    if camera:
        query = query.where(f.c.camera.ilike(f"%{camera}%"))
    rows = list(conn.execute(query).all())
    if collection is not None:
        members = _in_collection(conn, collection)
        rows = [r for r in rows if r.sha256 in members]
    if limit:
        rows = rows[:limit]
    paths = paths_by_sha(conn, {r.sha256 for r in rows})
    return [as_dict(row, paths.get(row.sha256, [])) for row in rows]


def _camera(conn: Connection, part: str) -> str:
    """``part`` if it is part of some finding's camera name (ignoring case); else
    NotFound naming the cameras closest to it."""
    cameras = lookup.distinct(conn, findings.c.camera)
    if any(part.casefold() in c.casefold() for c in cameras):
        return part
    raise lookup.not_found("camera", part, cameras, "dalil findings --all --json",
                           where="among the findings")  # fmt: skip


def as_dict(row: Any, paths: list[str]) -> dict[str, Any]:
    return {
        "finding": row.seq,
        "run": row.run_id,
        "sha256": row.sha256,
        "paths": paths,
        "check": row.check,
        "code": row.code,
        "verdict": row.verdict,
        "severity": row.severity,
        "score": row.score,
        "camera": row.camera,
        "message": row.message,
        "subject": row.subject or None,
        "scope": row.scope,
        "detail": canonical.loads(row.detail),
        "tool_version": row.tool_version,
        "parameters": canonical.loads(row.parameters),
        "error_rate": canonical.loads(row.error_rate),
    }
