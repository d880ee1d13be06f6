"""The catalogue's rows: written with their custody events, read back for the work.

Every write goes through ``replay``'s row functions, so a row is exactly what its event
says; every event names who did it (the operator or the reviewer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from dalil import __version__, canonical, lookup
from dalil.catalogue import replay
from dalil.catalogue.grouping import CaseDraft, Grouping, GroupingParameters
from dalil.catalogue.replay import CATALOGUE
from dalil.catalogue.review import Entry
from dalil.catalogue.tables import (
    catalogue_cases,
    catalogue_confirmations,
    catalogue_entries,
    catalogue_groupings,
    catalogue_readings,
)
from dalil.db import schema
from dalil.people import registry as people
from dalil.vault.writer import Writer

# -- readings ---------------------------------------------------------------------------


def photo_objects(conn: Connection, collection: str | None = None) -> list[str]:
    """SHA-256 of every received image the vault described, in order of receipt."""
    o, f = schema.objects, schema.image_facts
    query = (
        select(o.c.sha256)
        .join(f, f.c.sha256 == o.c.sha256)
        .where(o.c.kind == "original")
        .order_by(o.c.first_seq)
    )
    if collection is not None:
        collection = lookup.require_collection(conn, collection)
        query = query.where(o.c.sha256.in_(_in_collection(collection)))
    return list(conn.execute(query).scalars())


def _in_collection(collection: str) -> Any:
    b, r = schema.batches, schema.originals
    return (
        select(r.c.object_sha256)
        .join(b, b.c.id == r.c.batch_id)
        .where(b.c.collection == collection, r.c.object_sha256.is_not(None))
    )


def read_already(conn: Connection, reader: str) -> set[str]:
    r = catalogue_readings
    return set(conn.execute(select(r.c.sha256).where(r.c.reader == reader)).scalars())


def record_readings(
    conn: Connection, readings: list[tuple[str, dict[str, Any]]], context: dict[str, Any]
) -> None:
    """One ``catalogue.read`` event and row per photo, in the caller's transaction.
    ``context`` (reader, models, vocabulary, tool) goes into every event."""
    with Writer(conn, CATALOGUE) as writer:
        for sha, reading in readings:
            writer.record(replay.READ, {"sha256": sha, **context, "reading": reading})


@dataclass(frozen=True)
class PhotoRow:
    sha256: str
    datetime_original: str | None
    make: str | None
    model: str | None
    serial: str | None
    pdq: str | None
    paths: tuple[str, ...]
    mtime: str | None
    reading: dict[str, Any] | None  # the latest reading's row, as a dict


def photo_rows(conn: Connection, collection: str | None = None) -> list[PhotoRow]:
    """What grouping needs of every photo: times, camera, PDQ, paths, latest reading."""
    shas = photo_objects(conn, collection)
    wanted = set(shas)
    f = schema.image_facts
    facts = {
        row.sha256: row
        for row in conn.execute(
            select(f.c.sha256, f.c.datetime_original, f.c.make, f.c.model, f.c.serial, f.c.pdq)
        )
        if row.sha256 in wanted
    }
    paths: dict[str, list[tuple[str, str | None]]] = {}
    o = schema.originals
    for row in conn.execute(
        select(o.c.object_sha256, o.c.path, o.c.mtime)
        .where(o.c.object_sha256.is_not(None))
        .order_by(o.c.seq)
    ):
        if row.object_sha256 in wanted:
            paths.setdefault(row.object_sha256, []).append((row.path, row.mtime))
    readings = latest_readings(conn)
    result = []
    for sha in shas:
        fact = facts[sha]
        found = paths.get(sha, [])
        result.append(
            PhotoRow(
                sha,
                fact.datetime_original,
                fact.make,
                fact.model,
                fact.serial,
                fact.pdq,
                tuple(p for p, _ in found),
                found[0][1] if found else None,
                readings.get(sha),
            )
        )
    return result


def latest_readings(
    conn: Connection, shas: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The latest reading of every photo (or of the photos ``shas``)."""
    r = catalogue_readings
    latest = select(r.c.sha256, func.max(r.c.seq).label("seq")).group_by(r.c.sha256)
    if shas is not None:
        latest = latest.where(r.c.sha256.in_(sorted(set(shas))))
    newest = latest.subquery()
    rows = conn.execute(
        select(r).join(newest, and_(newest.c.sha256 == r.c.sha256, newest.c.seq == r.c.seq))
    )
    return {row.sha256: dict(row._mapping) for row in rows}


# -- groupings and cases ----------------------------------------------------------------


def case_event(grouping_seq: int, draft: CaseDraft) -> dict[str, Any]:
    return {
        "grouping": grouping_seq,
        "case": draft.case_id,
        "category": draft.category,
        "session": draft.session,
        "photos": [[sha, how] for sha, how in draft.photos],
        "first_taken": _iso(draft.first_taken),
        "last_taken": _iso(draft.last_taken),
        "fields": {
            name: {
                "value": s.value,
                "bp": s.basis_points,
                "confident": s.confident,
                "evidence": None if s.evidence is None else s.evidence.bucket,
            }
            for name, s in draft.suggestions.items()
        },
        "flags": list(draft.flags),
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def record_grouping(
    conn: Connection,
    grouping: Grouping,
    parameters: GroupingParameters,
    reader: str,
    vocabulary_sha256: str,
    photos: int,
) -> int:
    """The grouping event and row, then one event and row per case; returns its seq."""
    data = {
        "reader": reader,
        "parameters": parameters.as_json(),
        "vocabulary_sha256": vocabulary_sha256,
        "photos": photos,
        "cases": len(grouping.cases),
        "unassigned": list(grouping.unassigned),
        "tool": f"dalil {__version__}",
    }
    with Writer(conn, CATALOGUE) as writer:
        seq = writer.record(replay.GROUPED, data).seq
        for draft in grouping.cases:
            writer.record(replay.CASE, case_event(seq, draft))
    return seq


def latest_grouping(conn: Connection) -> dict[str, Any] | None:
    g = catalogue_groupings
    row = conn.execute(select(g).order_by(g.c.seq.desc()).limit(1)).one_or_none()
    return None if row is None else dict(row._mapping)


def case_rows(conn: Connection, grouping_seq: int) -> list[dict[str, Any]]:
    c = catalogue_cases
    rows = conn.execute(select(c).where(c.c.grouping_seq == grouping_seq).order_by(c.c.seq))
    return [dict(row._mapping) for row in rows]


# -- review -----------------------------------------------------------------------------


def entries_by_case(
    conn: Connection, case_ids: Iterable[str] | None = None
) -> dict[str, list[Entry]]:
    e = catalogue_entries
    query = select(e).order_by(e.c.seq)
    if case_ids is not None:
        query = query.where(e.c.case_id.in_(sorted(set(case_ids))))
    result: dict[str, list[Entry]] = {}
    for row in conn.execute(query):
        values = {name: getattr(row, name) for name in replay.FIELDS}
        result.setdefault(row.case_id, []).append(Entry(row.seq, row.reviewer, row.kind, values))
    return result


def record_entry(
    conn: Connection,
    case_id: str,
    grouping_seq: int,
    reviewer: people.Acting,
    values: dict[str, str],
    typed: dict[str, str],
    replaces: int | None = None,
) -> int:
    """A reviewer's blind entry (or, with ``replaces``, their correction of it), for a
    case of that grouping; an entry for a case it does not hold is refused. Signed by
    the reviewer when they are a registered person (``people.registry``)."""
    c = catalogue_cases
    query = select(c.c.case_id).where(c.c.grouping_seq == grouping_seq).order_by(c.c.seq)
    held = [str(v) for v in conn.execute(query).scalars()]
    where = f"in grouping #{grouping_seq}"
    lookup.choose("case", case_id, held, "dalil catalogue cases", where=where)
    type_ = replay.ENTRY if replaces is None else replay.CORRECTION
    data = {
        "case": case_id,
        "grouping": grouping_seq,
        "reviewer": people.acting(conn, reviewer),
        "values": values,
        "typed": typed,
        "replaces": replaces,
    }
    data = people.sign(conn, reviewer, type_, data)
    with Writer(conn, CATALOGUE) as writer:
        return writer.record(type_, data).seq


def record_confirmation(
    conn: Connection,
    case_id: str,
    field: str,
    value: str,
    entries: list[int],
    reviewers: list[str],
    by: people.Acting = "",
) -> int:
    """A field confirmed by two reviewers' entries; signed by ``by``, the person whose
    entry completed it, when people are registered."""
    data = {"case": case_id, "field": field, "value": value, "entries": entries,
            "reviewers": reviewers}  # fmt: skip
    data = people.sign(conn, by, replay.CONFIRMED, data)
    with Writer(conn, CATALOGUE) as writer:
        return writer.record(replay.CONFIRMED, data).seq


def confirmed_values(conn: Connection) -> dict[str, dict[str, str]]:
    """Per case, each confirmed field's latest confirmed value."""
    c = catalogue_confirmations
    result: dict[str, dict[str, str]] = {}
    for row in conn.execute(select(c.c.case_id, c.c.field, c.c.value).order_by(c.c.seq)):
        result.setdefault(row.case_id, {})[row.field] = row.value
    return result


def confirmed_photos(conn: Connection) -> dict[str, dict[str, str]]:
    """Per photo, the confirmed values of the case it was in when they were confirmed
    (the photos of that case in the grouping its entries were made on)."""
    e, c = catalogue_entries, catalogue_cases
    shown: dict[str, list[str]] = {}
    query = (
        select(e.c.case_id, c.c.photos)
        .join(c, and_(c.c.case_id == e.c.case_id, c.c.grouping_seq == e.c.grouping_seq))
        .order_by(e.c.seq)
    )
    for row in conn.execute(query):
        shown[row.case_id] = [sha for sha, _ in canonical.loads(row.photos)]
    result: dict[str, dict[str, str]] = {}
    for case_id, values in confirmed_values(conn).items():
        for sha in shown.get(case_id, []):
            result.setdefault(sha, {}).update(values)
    return result
