"""Everything about one photo (an object in the vault), as the archive holds it.

Its paths and the batches that received them, flags, the facts derived once (EXIF,
quantization tables, PDQ, thumbnail), the current authenticity findings with each
check's measured error rate, the catalogue's readings, the case it is in now (with that
case's entries and confirmations), the faces embedded from it, the matches of that case
that consent lets be seen, and every custody event about it with its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, or_, select

from dalil import canonical
from dalil.authenticity.listing import as_dict, scope_for
from dalil.authenticity.tables import authenticity_findings
from dalil.catalogue.tables import catalogue_readings
from dalil.db import schema
from dalil.identification.tables import pm_faces
from dalil.overview import case as cases
from dalil.overview import matches
from dalil.overview.events import CustodyEvent, events_of

FACTS = (
    "width",
    "height",
    "make",
    "model",
    "serial",
    "datetime_original",
    "software",
    "qt_signature",
    "pdq",
    "pdq_quality",
    "thumbnail_sha256",
)


@dataclass(frozen=True)
class PhotoOverview:
    sha256: str
    object: dict[str, Any]  # size, kind, media type, what it was derived from
    paths: list[dict[str, Any]]  # every path received, with its batch and collection
    batches: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    facts: dict[str, Any] | None  # None when not described (not an image, or not yet)
    findings: list[dict[str, Any]]  # current, with "error_rate"
    superseded_findings: int
    readings: list[dict[str, Any]]
    case: cases.CaseOverview | None
    faces: list[dict[str, Any]]
    derived: list[dict[str, Any]]  # objects derived from it (thumbnails)
    events: list[CustodyEvent]
    proof_seq: int  # the event that first recorded the object

    @property
    def matches(self) -> matches.Matches:
        return self.case.matches if self.case else matches.Matches()

    def as_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("case", "events")}
        case = None
        if self.case is not None:
            case = {k: v for k, v in self.case.as_json().items() if k != "events"}
        return data | {
            "kind": "photo",
            "case": case,
            "matches": matches.as_json(self.matches),
            "events": [e.as_json() for e in self.events],
        }


def describe_photo(conn: Connection, sha256: str, see_matches: bool = True) -> PhotoOverview:
    """Everything about the object ``sha256`` (resolved already: ``overview.resolve``);
    its case's matches only if ``see_matches`` (see ``matches.matches``)."""
    o = schema.objects
    obj = conn.execute(select(o).where(o.c.sha256 == sha256)).one()
    paths = _paths(conn, sha256)
    flags = _flags(conn, sha256, [p["seq"] for p in paths])
    facts, facts_seq = _facts(conn, sha256)
    current, superseded = _findings(conn, sha256, [p["path"] for p in paths])
    readings = _readings(conn, sha256)
    faces = _faces(conn, sha256)
    # A photo's case: the current grouping's, else the one its faces were embedded for
    # (cases given as a file are never grouped).
    case_id = cases.case_of_photo(conn, sha256) or next((f["case_id"] for f in faces), None)
    case = cases.describe_case(conn, case_id, see_matches) if case_id else None
    derived = _derived(conn, sha256)
    batches = _batches(conn, {p["batch"] for p in paths})
    seqs = [
        obj.first_seq,
        facts_seq,
        *(p["seq"] for p in paths),
        *(f["seq"] for f in flags),
        *(f["finding"] for f in current),
        *superseded,
        *(r["seq"] for r in readings),
        *(f["seq"] for f in faces),
        *(d["first_seq"] for d in derived),
        *(b["opened_seq"] for b in batches),
        *(b["closed_seq"] for b in batches),
    ]
    if case is not None:
        seqs += [e.seq for e in case.events]
    return PhotoOverview(
        sha256,
        {
            "size": obj.size,
            "kind": obj.kind,
            "media_type": obj.media_type,
            "derived_from": obj.derived_from,
            "derivation": obj.derivation,
            "first_seq": obj.first_seq,
        },
        paths,
        batches,
        flags,
        facts,
        current,
        len(superseded) // 2,
        readings,
        case,
        faces,
        derived,
        events_of(conn, seqs),
        int(obj.first_seq),
    )


def _paths(conn: Connection, sha256: str) -> list[dict[str, Any]]:
    o, b = schema.originals, schema.batches
    rows = conn.execute(
        select(o, b.c.collection)
        .join(b, b.c.id == o.c.batch_id)
        .where(o.c.object_sha256 == sha256)
        .order_by(o.c.seq)
    )
    return [
        {
            "seq": r.seq,
            "batch": r.batch_id,
            "collection": r.collection,
            "path": r.path,
            "entry_kind": r.entry_kind,
            "size": r.size,
            "mtime": r.mtime,
            "container": r.container_sha256,
            "depth": r.depth,
        }
        for r in rows
    ]


def _batches(conn: Connection, ids: set[int]) -> list[dict[str, Any]]:
    b = schema.batches
    rows = conn.execute(select(b).where(b.c.id.in_(sorted(ids))).order_by(b.c.id))
    return [
        {
            "batch": r.id,
            "collection": r.collection,
            "custodian": r.custodian,
            "operator": r.operator,
            "source_note": r.source_note,
            "status": r.status,
            "opened_at": r.opened_at,
            "opened_seq": r.opened_seq,
            "closed_at": r.closed_at,
            "closed_seq": r.closed_seq,
        }
        for r in rows
    ]


def _flags(conn: Connection, sha256: str, original_seqs: list[int]) -> list[dict[str, Any]]:
    f = schema.flags
    rows = conn.execute(
        select(f)
        .where(or_(f.c.object_sha256 == sha256, f.c.original_seq.in_(original_seqs)))
        .order_by(f.c.seq)
    )
    return [
        {"seq": r.seq, "code": r.code, "severity": r.severity, "reason": r.reason} for r in rows
    ]


def _facts(conn: Connection, sha256: str) -> tuple[dict[str, Any] | None, int | None]:
    f = schema.image_facts
    row = conn.execute(select(f).where(f.c.sha256 == sha256)).first()
    if row is None:
        return None, None
    facts = {name: getattr(row, name) for name in FACTS}
    return facts | {"all": canonical.loads(row.facts), "seq": row.seq}, int(row.seq)


def _findings(
    conn: Connection, sha256: str, paths: list[str]
) -> tuple[list[dict[str, Any]], list[int]]:
    """The current findings of the scope listings read, and for each superseded one the
    seqs of the events that added and superseded it (two per finding)."""
    f = authenticity_findings
    rows = list(conn.execute(select(f).where(f.c.sha256 == sha256).order_by(f.c.seq)))
    scope = scope_for(conn, None)
    current = [
        as_dict(r, paths)
        for r in rows
        if r.superseded_seq is None and (scope is None or r.scope == scope)
    ]
    old = [int(s) for r in rows if r.superseded_seq is not None for s in (r.seq, r.superseded_seq)]
    return current, old


def _readings(conn: Connection, sha256: str) -> list[dict[str, Any]]:
    r = catalogue_readings
    rows = conn.execute(select(r).where(r.c.sha256 == sha256).order_by(r.c.seq))
    return [
        {
            "seq": x.seq,
            "reader": x.reader,
            "script": x.script,
            "layout": x.layout,
            "lines": canonical.loads(x.lines),
            "detainee": x.detainee,
            "detainee_bp": x.detainee_bp,
            "branch": x.branch,
            "branch_bp": x.branch_bp,
            "report": x.report,
            "report_bp": x.report_bp,
            "card": canonical.loads(x.card) if x.card else None,
            "flags": canonical.loads(x.flags),
        }
        for x in rows
    ]


def _faces(conn: Connection, sha256: str) -> list[dict[str, Any]]:
    f = pm_faces
    rows = conn.execute(
        select(f.c.id, f.c.case_id, f.c.quality, f.c.seq)
        .where(f.c.object_sha256 == sha256)
        .order_by(f.c.id)
    )
    return [{"face": r.id, "case_id": r.case_id, "quality": r.quality, "seq": r.seq} for r in rows]


def _derived(conn: Connection, sha256: str) -> list[dict[str, Any]]:
    o = schema.objects
    rows = conn.execute(select(o).where(o.c.derived_from == sha256).order_by(o.c.first_seq))
    return [
        {
            "sha256": r.sha256,
            "derivation": r.derivation,
            "size": r.size,
            "media_type": r.media_type,
            "first_seq": r.first_seq,
        }
        for r in rows
    ]
