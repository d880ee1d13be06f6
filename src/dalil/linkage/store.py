"""Lists, decisions and linkage runs in the catalogue database, each with its log event.

Every change writes its custody event in the same transaction as its rows:
``lists.imported`` (file hash, rows, mapping, the object holding the cleaned records),
``lists.removed`` and ``lists.replaced`` (a list out of the current view, and why; a
replacement also imports the corrected file under the same name),
``lists.decided`` (who said two records are or are not one person) and
``lists.linked`` (settings, counts, the objects holding the pairs and clusters). The
rows are written from the events by ``replay``, the rules verify replays them with, so
a verifier can tell which file and which decisions produced the clusters a report
counts.

Reads are of the current view: the lists not removed or replaced, their records, the
decisions that still stand (``versions``), and the latest linkage run only while no
list has changed since it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from dalil import lookup
from dalil.errors import InputError
from dalil.linkage import replay, versions
from dalil.linkage.listfile import ListFile
from dalil.linkage.replay import LINKAGE
from dalil.linkage.tables import (
    link_decisions,
    link_runs,
    list_records,
    list_removals,
    victim_lists,
)
from dalil.people import registry as people
from dalil.vault.archive import operator
from dalil.vault.records import store_rows
from dalil.vault.replay import VAULT
from dalil.vault.store import ObjectStore
from dalil.vault.writer import Writer


@dataclass(frozen=True)
class Imported:
    list_name: str
    rows: int
    skipped: int
    file_sha256: str
    seq: int


@dataclass(frozen=True)
class Decision:
    list_a: str
    record_a: str
    list_b: str
    record_b: str
    decision: str  # same | different


# Records fetched per query when comparing decided records across versions of a list
# (far below SQLite's limit on an IN list).
FETCH = 500


@dataclass(frozen=True)
class ListInfo:
    """One import of a list, current or not, and why it left the current view."""

    id: int
    name: str
    file_name: str
    file_sha256: str
    rows: int
    imported_at: str
    seq: int
    removed_seq: int | None
    reason: str | None
    removed_by: str | None
    replaced_by: int | None

    @property
    def current(self) -> bool:
        return self.removed_seq is None

    def as_json(self) -> dict[str, Any]:
        return {
            "list": self.name,
            "id": self.id,
            "file": self.file_name,
            "file_sha256": self.file_sha256,
            "rows": self.rows,
            "imported_at": self.imported_at,
            "event": self.seq,
            "current": self.current,
            "removed_event": self.removed_seq,
            "reason": self.reason,
            "removed_by": self.removed_by,
            "replaced_by": self.replaced_by,
        }


def import_list(
    conn: Connection,
    store: ObjectStore,
    name: str,
    source: ListFile,
    mapping: dict[str, str],
    records: Sequence[dict[str, str | None]],
    skipped: int,
    ignored: Sequence[str] = (),
) -> Imported:
    """Store a validated list and log its import; the records go to the store as one object."""
    check_new(conn, name)
    return _write_import(conn, store, replay.IMPORTED, name, source, mapping, records,
                         skipped, ignored, {})  # fmt: skip


def replace_list(
    conn: Connection,
    store: ObjectStore,
    name: str,
    source: ListFile,
    mapping: dict[str, str],
    records: Sequence[dict[str, str | None]],
    skipped: int,
    reason: str,
    ignored: Sequence[str] = (),
) -> Imported:
    """Take the list ``name`` out of the current view and import ``source`` under its name,
    in one event; the old list's records and the decisions about them stay in the log."""
    old = find_list(conn, name)
    extra = {"removes": old.id, "reason": _reason(reason)}
    return _write_import(conn, store, replay.REPLACED, name, source, mapping, records,
                         skipped, ignored, extra)  # fmt: skip


def remove_list(conn: Connection, name: str, reason: str) -> int:
    """Take the list ``name`` out of the current view; returns the event's number."""
    old = find_list(conn, name)
    data = {"v": replay.VERSION, "list": name, "removes": old.id, "reason": _reason(reason),
            "operator": operator()}  # fmt: skip
    with Writer(conn, LINKAGE) as writer:
        return writer.record(replay.REMOVED, data).seq


def check_new(conn: Connection, name: str) -> None:
    """Refuse a new list under the name of a current one."""
    if not name.strip():
        raise InputError("give the list a name with --list")
    if _current_id(conn, name) is not None:
        raise InputError(
            f"a list named {name!r} is already imported; give this file another --list name, "
            f"or replace the list with `dalil lists replace {name} FILE --reason ...`"
        )


def _reason(reason: str) -> str:
    if not reason.strip():
        raise InputError("say why with --reason: the custody log keeps it with the change")
    return reason.strip()


def _write_import(
    conn: Connection,
    store: ObjectStore,
    type_: str,
    name: str,
    source: ListFile,
    mapping: dict[str, str],
    records: Sequence[dict[str, str | None]],
    skipped: int,
    ignored: Sequence[str],
    extra: Mapping[str, Any],
) -> Imported:
    with Writer(conn, LINKAGE, VAULT) as writer:
        records_sha = store_rows(writer, store, replay.records_bytes(records), "list-records")
        data = {
            "v": replay.VERSION,
            "list": name,
            "list_id": _next_id(conn, victim_lists.c.id),
            "first_record_id": _next_id(conn, list_records.c.id),
            "file": source.name,
            "file_sha256": source.sha256,
            "read": {
                "encoding": source.encoding,
                "delimiter": source.delimiter.value if source.delimiter else None,
                "sheet": source.sheet,
            },
            "rows": len(records),
            "skipped_rows": skipped,
            "mapping": mapping,
            "ignored": list(ignored),
            "records_sha256": records_sha,
            "operator": operator(),
            **extra,
        }
        seq = writer.record(type_, data).seq
    return Imported(name, len(records), skipped, source.sha256, seq)


def _next_id(conn: Connection, column: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1


# -- the current view --------------------------------------------------------------------


def lists(conn: Connection, everything: bool = False) -> list[ListInfo]:
    """The current lists, in import order; with ``everything``, the removed ones too."""
    v, r = victim_lists, list_removals
    query = (
        select(v.c.id, v.c.name, v.c.file_name, v.c.file_sha256, v.c.rows, v.c.imported_at,
               v.c.seq, v.c.removed_seq, r.c.reason, r.c.removed_by, r.c.replaced_by)
        .outerjoin(r, r.c.seq == v.c.removed_seq)
        .order_by(v.c.id)
    )  # fmt: skip
    if not everything:
        query = query.where(v.c.removed_seq.is_(None))
    return [ListInfo(*row) for row in conn.execute(query)]


def find_list(conn: Connection, name: str) -> ListInfo:
    """The current list named ``name``; an unknown name is refused with the closest ones."""
    every = lists(conn, everything=True)
    found = next((x for x in every if x.name == name and x.current), None)
    if found is not None:
        return found
    gone = [x for x in every if x.name == name]
    if gone:
        last = gone[-1]
        raise InputError(
            f"the list {name!r} was removed (event #{last.removed_seq}: {last.reason}); "
            "import it again with `dalil lists import` if it belongs back"
        )
    current = [x.name for x in every if x.current]
    raise lookup.not_found("list", name, current, "dalil lists list")


def _current_id(conn: Connection, name: str) -> int | None:
    query = select(victim_lists.c.id).where(
        victim_lists.c.name == name, victim_lists.c.removed_seq.is_(None)
    )
    found = conn.execute(query).scalar()
    return None if found is None else int(found)


def current_list_names(conn: Connection) -> list[str]:
    """The names of the current lists, in import order (an estimate's columns)."""
    return [x.name for x in lists(conn)]


def load_records(conn: Connection) -> list[tuple[int, str, dict[str, str | None]]]:
    """(database id, list name, fields) of every record of a current list, in id order."""
    query = (
        select(list_records.c.id, victim_lists.c.name, list_records.c.fields)
        .join(victim_lists, victim_lists.c.id == list_records.c.list_id)
        .where(victim_lists.c.removed_seq.is_(None))
        .order_by(list_records.c.id)
    )
    return [(row.id, row.name, json.loads(row.fields)) for row in conn.execute(query)]


def record_ids(conn: Connection) -> dict[tuple[str, str], int]:
    """(list name, record id) → database id, of the records of the current lists."""
    query = (
        select(list_records.c.id, victim_lists.c.name, list_records.c.record_id)
        .join(victim_lists, victim_lists.c.id == list_records.c.list_id)
        .where(victim_lists.c.removed_seq.is_(None))
    )
    return {(row.name, row.record_id): row.id for row in conn.execute(query)}


def find_record(conn: Connection, text: str) -> tuple[str, str]:
    """``LIST:RECORD_ID`` of a current list; unknown names are refused with the closest."""
    name, record = parse_reference(text)
    found = find_list(conn, name)
    query = select(list_records.c.record_id).where(list_records.c.list_id == found.id)
    ids = list(conn.execute(query).scalars())
    if record not in ids:
        raise lookup.not_found("record", record, ids, where=f"in the list {name!r}")
    return name, record


def parse_reference(text: str) -> tuple[str, str]:
    """``LIST:RECORD_ID`` → (list, record id)."""
    try:
        return replay.parse_reference(text)
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def decide(
    conn: Connection, a: str, b: str, same: bool, note: str = "", by: people.Acting | None = None
) -> int:
    """Record a reviewer's decision that two records are (not) one person; ``by`` (default:
    the operator) signs it when they are a registered person."""
    (la, ra), (lb, rb) = sorted([find_record(conn, a), find_record(conn, b)])
    if (la, ra) == (lb, rb):
        raise InputError("a record is always the same person as itself")
    decision = "same" if same else "different"
    data = {"v": replay.VERSION, "a": f"{la}:{ra}", "b": f"{lb}:{rb}", "decision": decision,
            "by": people.acting(conn, by or operator()), "note": note}  # fmt: skip
    data = people.sign(conn, by or operator(), replay.DECIDED, data)
    with Writer(conn, LINKAGE) as writer:
        return writer.record(replay.DECIDED, data).seq


def decisions(conn: Connection) -> list[Decision]:
    """The standing decision for each pair: the latest a reviewer made, about records on
    current lists that read as they did then (``versions``)."""
    every = [
        versions.Version(row.id, row.name, row.seq, row.removed_seq)
        for row in conn.execute(
            select(victim_lists.c.id, victim_lists.c.name, victim_lists.c.seq,
                   victim_lists.c.removed_seq)
        )
    ]  # fmt: skip
    made = [
        versions.Made((row.list_a, row.record_a), (row.list_b, row.record_b), row.decision,
                      row.seq)
        for row in conn.execute(select(link_decisions).order_by(link_decisions.c.seq))
    ]  # fmt: skip
    fields = _fields_of(conn, versions.needed(every, made))
    known = record_ids(conn)
    return [
        Decision(*d.a, *d.b, d.decision)
        for d in versions.standing(every, made, fields)
        if d.a in known and d.b in known
    ]


def _fields_of(conn: Connection, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    by_list: dict[int, list[str]] = {}
    for list_id, record in keys:
        by_list.setdefault(list_id, []).append(record)
    found: dict[tuple[int, str], str] = {}
    r = list_records
    for list_id, records in by_list.items():
        for start in range(0, len(records), FETCH):
            chunk = records[start : start + FETCH]
            query = select(r.c.record_id, r.c.fields).where(
                r.c.list_id == list_id, r.c.record_id.in_(chunk)
            )
            found.update({(list_id, row.record_id): row.fields for row in conn.execute(query)})
    return found


def save_run(
    conn: Connection,
    store: ObjectStore,
    settings: dict[str, Any],
    pairs: Sequence[dict[str, Any]],
    cluster_of: dict[int, int],
    candidate_pairs: int,
) -> int:
    """Store a linkage run's pairs and clusters and log it; returns the run id.

    The catalogue keeps only the latest run's pairs and clusters (the event prunes the
    earlier ones); every run's pairs and clusters stay in the store, named by its event.
    """
    run_id = _next_id(conn, link_runs.c.id)
    with Writer(conn, LINKAGE, VAULT) as writer:
        clusters_sha = store_rows(writer, store, replay.clusters_bytes(cluster_of),
                                  "link-clusters")  # fmt: skip
        pairs_sha = store_rows(writer, store, replay.pairs_bytes(pairs), "link-pairs")
        data = {
            "v": replay.VERSION,
            "run": run_id,
            "settings": settings,
            "records": len(cluster_of),
            "candidate_pairs": candidate_pairs,
            "kept_pairs": len(pairs),
            "clusters": len(set(cluster_of.values())),
            "clusters_sha256": clusters_sha,
            "pairs_sha256": pairs_sha,
            "operator": operator(),
        }
        writer.record(replay.LINKED, data)
    return run_id


def latest_run(conn: Connection) -> int:
    """The latest linkage run, while it is of the current lists: a list imported,
    removed or replaced since refuses it, so that no count includes a list that is gone
    or leaves out one that came."""
    run = conn.execute(
        select(link_runs.c.id, link_runs.c.seq).order_by(link_runs.c.id.desc()).limit(1)
    ).first()
    if run is None:
        raise InputError("the lists have not been linked yet; run `dalil lists link` first")
    changed = conn.execute(
        select(func.max(victim_lists.c.seq), func.max(victim_lists.c.removed_seq))
    ).one()
    last = max((int(s) for s in changed if s is not None), default=0)
    if last > run.seq:
        raise InputError(
            f"the lists changed (event #{last}) after the latest linkage run, {run.id}; run "
            "`dalil lists link` again so that clusters and estimates count the current lists"
        )
    return int(run.id)
