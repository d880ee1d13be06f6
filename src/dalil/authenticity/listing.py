"""Reading findings back: the current findings, filtered, as plain dicts for CLI and report."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical, lookup
from dalil.authenticity.finding import CHECKS, COULD_NOT_ANALYSE, FLAGGED, SEVERITIES, VERDICTS
from dalil.authenticity.tables import authenticity_findings as findings
from dalil.db import schema
from dalil.errors import Ambiguous

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
    image: str | None = None,
) -> list[dict[str, Any]]:
    """Current (not superseded) findings, oldest first. Without ``verdict`` or
    ``everything``, only those needing attention (flagged, could not analyse);
    ``severity`` is a minimum; ``camera`` matches part of the camera's name. Findings of
    one analysis scope only (see ``scope_for``), so an image analysed both on its own
    collection and with the whole archive is not listed twice. ``image`` is one image's
    SHA-256 (or a prefix of 8+ hex digits) or a path it was received under."""
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
    sha = None if image is None else resolve_image(conn, image)
    f = findings
    scope = scope_for(conn, collection)
    query = select(f).where(f.c.superseded_seq.is_(None)).order_by(f.c.seq)
    if scope is not None:
        query = query.where(f.c.scope == scope)
    if sha is not None:
        query = query.where(f.c.sha256 == sha)
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


def resolve_image(conn: Connection, text: str) -> str:
    """The SHA-256 of the image ``text`` names: a SHA-256 or a unique prefix of 8+ hex
    digits, or a path received (exactly as `dalil files` prints it)."""
    typed = text.strip()
    o = schema.originals
    held = conn.execute(select(o.c.object_sha256).where(o.c.path == typed).distinct())
    by_path = sorted(str(v) for v in held.scalars() if v is not None)
    if len(by_path) == 1:
        return by_path[0]
    if len(by_path) > 1:
        raise Ambiguous(
            f"the path {typed!r} was received with different contents: {', '.join(by_path)}; "
            "give the SHA-256 instead",
            typed,
            tuple(by_path),
        )
    if lookup.is_hex(typed.lower()) and len(typed) >= lookup.MIN_PREFIX:
        return lookup.resolve_sha256(conn, typed, kind="image")
    paths = lookup.distinct(conn, o.c.path)
    raise lookup.not_found("image with the path", typed, paths, "dalil files")


def group_by_image(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per image, in the order of its first finding: its SHA-256, paths and
    findings (so an image flagged by four checks is listed once, with four findings)."""
    images: dict[str, dict[str, Any]] = {}
    for item in items:
        entry = images.setdefault(
            item["sha256"], {"sha256": item["sha256"], "paths": item["paths"], "findings": []}
        )
        entry["findings"].append({k: v for k, v in item.items() if k not in ("sha256", "paths")})
    return list(images.values())


def rate_text(rate: dict[str, Any]) -> str:
    """A check's measured error rate in words: false positives and recall, with their
    95% bounds, and the count it was measured on."""
    if "false_positive_rate" not in rate and "recall" not in rate:
        return str(rate.get("status", "error rate not measured"))
    parts = []
    if rate.get("false_positive_rate") is not None:
        bound = rate.get("false_positive_rate_upper_95")
        upper = f" (≤{_pct(bound)} at 95%)" if bound is not None else ""
        parts.append(f"false positives {_pct(rate['false_positive_rate'])}{upper}")
    if rate.get("recall") is not None:
        bound = rate.get("recall_lower_95")
        lower = f" (≥{_pct(bound)} at 95%)" if bound is not None else ""
        parts.append(f"recall {_pct(rate['recall'])}{lower}")
    if rate.get("targets") is not None:
        parts.append(f"on {rate.get('caught', '?')}/{rate['targets']} known cases")
    return ", ".join(parts)


def _pct(value: Any) -> str:
    return f"{100 * float(value):.1f}%"


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
