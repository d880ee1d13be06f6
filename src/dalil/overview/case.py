"""Everything about one post-mortem case: photos, numbers, entries, confirmations, matches.

A catalogued case is read from the current grouping (its photos, the machine's numbers
with their confidence, each reviewer's entries as typed, the confirmed values); a case
known only by faces embedded under its id (cases given as a file) has faces and
matches alone. The events are every row's about it: the case as each grouping recorded
it, entries, confirmations, faces, decisions, overrides and tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from dalil import canonical
from dalil.catalogue import store
from dalil.catalogue.review import FIELDS, case_state
from dalil.catalogue.tables import catalogue_cases, catalogue_confirmations, catalogue_entries
from dalil.db import schema
from dalil.identification.tables import pm_faces
from dalil.overview import matches
from dalil.overview.events import CustodyEvent, events_of


@dataclass(frozen=True)
class CaseOverview:
    case_id: str
    catalogued: bool  # in the catalogue's current grouping (else known by its faces)
    category: str | None
    session: str | None
    review: str | None  # awaiting | disputed | confirmed
    first_taken: str | None
    last_taken: str | None
    flags: list[str]
    photos: list[dict[str, Any]]
    numbers: dict[str, dict[str, Any]]
    entries: dict[str, list[dict[str, Any]]]  # reviewer → their entries, in order
    confirmations: list[dict[str, Any]]
    faces: list[dict[str, Any]]
    matches: matches.Matches
    events: list[CustodyEvent]
    proof_seq: int | None  # the event a proof bundle proves: the case as last grouped

    def as_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("matches", "events")}
        return data | {
            "kind": "case",
            "matches": matches.as_json(self.matches),
            "events": [e.as_json() for e in self.events],
        }


def current_row(conn: Connection, case_id: str) -> dict[str, Any] | None:
    """The case's row in the latest grouping, or None."""
    latest = store.latest_grouping(conn)
    if latest is None:
        return None
    c = catalogue_cases
    query = select(c).where(c.c.grouping_seq == latest["seq"], c.c.case_id == case_id)
    row = conn.execute(query).first()
    return None if row is None else dict(row._mapping)


def case_of_photo(conn: Connection, sha256: str) -> str | None:
    """The current grouping's case holding the photo, or None."""
    latest = store.latest_grouping(conn)
    if latest is None:
        return None
    c = catalogue_cases
    query = select(c.c.case_id, c.c.photos).where(
        c.c.grouping_seq == latest["seq"], c.c.photos.contains(sha256)
    )
    for row in conn.execute(query):
        if any(sha == sha256 for sha, _ in canonical.loads(row.photos)):
            return str(row.case_id)
    return None


def describe_case(conn: Connection, case_id: str, see_matches: bool = True) -> CaseOverview:
    """Everything about ``case_id`` (resolved already: ``overview.resolve``); its
    matches only if ``see_matches`` (see ``matches.matches``)."""
    row = current_row(conn, case_id)
    entries = store.entries_by_case(conn, [case_id]).get(case_id, [])
    state = case_state(entries)
    confirmed = store.confirmed_values(conn).get(case_id, {})
    faces = _faces(conn, case_id)
    found = matches.matches(conn, case_ids={case_id}, viewer_may_see=see_matches)
    typed = _entries(conn, case_id)
    confirmations = _confirmations(conn, case_id)
    seqs = [
        *_case_seqs(conn, case_id),
        *(e["seq"] for es in typed.values() for e in es),
        *(c["seq"] for c in confirmations),
        *(f["seq"] for f in faces),
        *found.seqs,
    ]
    return CaseOverview(
        case_id,
        row is not None,
        row["category"] if row else None,
        row["session"] if row else None,
        state.status if row else None,
        row["first_taken"] if row else None,
        row["last_taken"] if row else None,
        list(canonical.loads(row["flags"])) if row else [],
        _photos(conn, row) if row else [],
        _numbers(row, confirmed) if row else {},
        typed,
        confirmations,
        faces,
        found,
        events_of(conn, seqs),
        int(row["seq"]) if row else (faces[0]["seq"] if faces else None),
    )


def _photos(conn: Connection, row: dict[str, Any]) -> list[dict[str, Any]]:
    members = [(str(sha), str(how)) for sha, how in canonical.loads(row["photos"])]
    shas = [sha for sha, _ in members]
    o, f = schema.originals, schema.image_facts
    paths: dict[str, list[str]] = {}
    for r in conn.execute(
        select(o.c.object_sha256, o.c.path).where(o.c.object_sha256.in_(shas)).order_by(o.c.seq)
    ):
        paths.setdefault(r.object_sha256, []).append(r.path)
    rows = conn.execute(select(f.c.sha256, f.c.datetime_original).where(f.c.sha256.in_(shas)))
    taken = {r.sha256: r.datetime_original for r in rows}
    return [
        {"sha256": sha, "paths": paths.get(sha, []), "taken": taken.get(sha), "joined": how}
        for sha, how in members
    ]


def _numbers(row: dict[str, Any], confirmed: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {
        name: {
            "suggestion": row[name],
            "confidence_bp": row[f"{name}_bp"],
            "confident": bool(row[f"{name}_confident"]),
            "confirmed": confirmed.get(name),
        }
        for name in FIELDS
    }


def _entries(conn: Connection, case_id: str) -> dict[str, list[dict[str, Any]]]:
    e = catalogue_entries
    by_reviewer: dict[str, list[dict[str, Any]]] = {}
    for r in conn.execute(select(e).where(e.c.case_id == case_id).order_by(e.c.seq)):
        by_reviewer.setdefault(r.reviewer, []).append(
            {
                "seq": r.seq,
                "kind": r.kind,
                "grouping": r.grouping_seq,
                **{name: getattr(r, name) for name in FIELDS},
                "typed": canonical.loads(r.typed),
                "replaces": r.replaces,
            }
        )
    return by_reviewer


def _confirmations(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    c = catalogue_confirmations
    rows = conn.execute(select(c).where(c.c.case_id == case_id).order_by(c.c.seq))
    return [
        {
            "seq": r.seq,
            "field": r.field,
            "value": r.value,
            "reviewers": canonical.loads(r.reviewers),
            "entries": canonical.loads(r.entries),
        }
        for r in rows
    ]


def _faces(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    f = pm_faces
    rows = conn.execute(
        select(f.c.id, f.c.object_sha256, f.c.quality, f.c.seq)
        .where(f.c.case_id == case_id)
        .order_by(f.c.id)
    )
    return [
        {"face": r.id, "sha256": r.object_sha256, "quality": r.quality, "seq": r.seq} for r in rows
    ]


def _case_seqs(conn: Connection, case_id: str) -> list[int]:
    c = catalogue_cases
    return [int(s) for s in conn.execute(select(c.c.seq).where(c.c.case_id == case_id)).scalars()]
