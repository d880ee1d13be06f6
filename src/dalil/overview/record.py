"""Everything about one record of a victim list: its fields, linkage decisions, cluster.

The record is read from the current list of its name (``LIST:RECORD``); its decisions
are every reviewer's decision that names it, in order, with the ones that still stand
marked; its cluster and scored pairs are the latest linkage run's, said to be stale
when a list changed after that run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from dalil.linkage import store as link_store
from dalil.linkage.tables import (
    link_clusters,
    link_decisions,
    link_pairs,
    link_runs,
    list_records,
    victim_lists,
)
from dalil.overview.events import CustodyEvent, events_of

MEMBERS_SHOWN = 50  # members of a cluster listed (a cluster this large needs review anyway)


@dataclass(frozen=True)
class RecordOverview:
    reference: str  # LIST:RECORD
    list_: dict[str, Any]  # the list it is on
    fields: dict[str, Any]
    decisions: list[dict[str, Any]]
    cluster: dict[str, Any] | None  # the latest run's: id, members, stale
    pairs: list[dict[str, Any]]  # the latest run's scored pairs with this record
    events: list[CustodyEvent]
    proof_seq: int  # the import that recorded it

    def as_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("events", "list_")}
        events = [e.as_json() for e in self.events]
        return data | {"kind": "record", "list": self.list_, "events": events}


def describe(conn: Connection, reference: str) -> RecordOverview:
    """Everything about ``LIST:RECORD`` (resolved already: ``overview.resolve``)."""
    name, record = link_store.find_record(conn, reference)
    info = link_store.find_list(conn, name)
    r = list_records
    row = conn.execute(select(r).where(r.c.list_id == info.id, r.c.record_id == record)).one()
    made = _decisions(conn, name, record)
    run = conn.execute(select(link_runs).order_by(link_runs.c.id.desc()).limit(1)).first()
    cluster = _cluster(conn, run, int(row.id)) if run else None
    pairs = _pairs(conn, run, int(row.id)) if run else []
    seqs = [info.seq, row.seq, *(d["seq"] for d in made), run.seq if run else None]
    return RecordOverview(
        f"{name}:{record}",
        info.as_json(),
        json.loads(row.fields),
        made,
        cluster,
        pairs,
        events_of(conn, seqs),
        int(row.seq or info.seq),
    )


def _decisions(conn: Connection, name: str, record: str) -> list[dict[str, Any]]:
    d = link_decisions
    names = or_(
        and_(d.c.list_a == name, d.c.record_a == record),
        and_(d.c.list_b == name, d.c.record_b == record),
    )
    standing = {
        (x.list_a, x.record_a, x.list_b, x.record_b, x.decision) for x in link_store.decisions(conn)
    }
    rows = conn.execute(select(d).where(names).order_by(d.c.seq))
    return [
        {
            "seq": x.seq,
            "a": f"{x.list_a}:{x.record_a}",
            "b": f"{x.list_b}:{x.record_b}",
            "decision": x.decision,
            "by": x.decided_by,
            "at": x.decided_at,
            "note": x.note,
            "standing": (x.list_a, x.record_a, x.list_b, x.record_b, x.decision) in standing,
        }
        for x in rows
    ]


def _stale(conn: Connection, run: Any) -> bool:
    v = victim_lists
    changed = conn.execute(select(func.max(v.c.seq), func.max(v.c.removed_seq))).one()
    return max((int(s) for s in changed if s is not None), default=0) > int(run.seq)


def _cluster(conn: Connection, run: Any, record_id: int) -> dict[str, Any] | None:
    c = link_clusters
    mine = conn.execute(
        select(c.c.cluster).where(c.c.run_id == run.id, c.c.record == record_id)
    ).scalar()
    if mine is None:
        return None
    members = (
        conn.execute(
            select(c.c.record).where(c.c.run_id == run.id, c.c.cluster == mine).order_by(c.c.record)
        )
        .scalars()
        .all()
    )
    names = _references(conn, list(members[:MEMBERS_SHOWN]))
    return {
        "run": run.id,
        "cluster": mine,
        "size": len(members),
        "members": [names[m] for m in members[:MEMBERS_SHOWN] if m in names],
        "stale": _stale(conn, run),
    }


def _pairs(conn: Connection, run: Any, record_id: int) -> list[dict[str, Any]]:
    p = link_pairs
    rows = list(
        conn.execute(
            select(p)
            .where(p.c.run_id == run.id, or_(p.c.record_a == record_id, p.c.record_b == record_id))
            .order_by(p.c.match_weight.desc())
        )
    )
    others = [x.record_b if x.record_a == record_id else x.record_a for x in rows]
    names = _references(conn, others)
    return [
        {
            "with": names.get(o),
            "match_weight": x.match_weight,
            "match_probability": x.match_probability,
            "explanation": json.loads(x.explanation),
        }
        for x, o in zip(rows, others, strict=True)
    ]


def _references(conn: Connection, ids: list[int]) -> dict[int, str]:
    v = victim_lists
    r = list_records
    rows = conn.execute(
        select(r.c.id, v.c.name, r.c.record_id)
        .join(v, v.c.id == r.c.list_id)
        .where(r.c.id.in_(ids))
    )
    return {int(x.id): f"{x.name}:{x.record_id}" for x in rows}
