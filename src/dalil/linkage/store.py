"""Lists, decisions and linkage runs in the catalogue database, each with its log event.

Every change writes its custody event in the same transaction as its rows:
``lists.imported`` (file hash, rows, mapping, the object holding the cleaned records),
``lists.decided`` (who said two records are or are not one person) and
``lists.linked`` (settings, counts, the objects holding the pairs and clusters). The
rows are written from the events by ``replay``, the rules verify replays them with, so
a verifier can tell which file and which decisions produced the clusters a report
counts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from dalil.errors import InputError
from dalil.linkage import replay
from dalil.linkage.listfile import ListFile
from dalil.linkage.replay import LINKAGE
from dalil.linkage.tables import (
    link_decisions,
    link_runs,
    list_records,
    victim_lists,
)
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


def import_list(
    conn: Connection,
    store: ObjectStore,
    name: str,
    source: ListFile,
    mapping: dict[str, str],
    records: Sequence[dict[str, str | None]],
    skipped: int,
) -> Imported:
    """Store a validated list and log its import; the records go to the store as one object."""
    exists = conn.execute(select(victim_lists.c.id).where(victim_lists.c.name == name)).first()
    if exists is not None:
        raise InputError(
            f"a list named {name!r} is already imported; give this file another --list name"
        )
    with Writer(conn, LINKAGE, VAULT) as writer:
        records_sha = store_rows(writer, store, replay.records_bytes(records), "list-records")
        data = {
            "v": replay.VERSION,
            "list": name,
            "list_id": _next_id(conn, victim_lists.c.id),
            "first_record_id": _next_id(conn, list_records.c.id),
            "file": source.name,
            "file_sha256": source.sha256,
            "rows": len(records),
            "skipped_rows": skipped,
            "mapping": mapping,
            "records_sha256": records_sha,
            "operator": operator(),
        }
        seq = writer.record(replay.IMPORTED, data).seq
    return Imported(name, len(records), skipped, source.sha256, seq)


def _next_id(conn: Connection, column: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1


def load_records(conn: Connection) -> list[tuple[int, str, dict[str, str | None]]]:
    """(database id, list name, fields) of every imported record, in id order."""
    query = (
        select(list_records.c.id, victim_lists.c.name, list_records.c.fields)
        .join(victim_lists, victim_lists.c.id == list_records.c.list_id)
        .order_by(list_records.c.id)
    )
    return [(row.id, row.name, json.loads(row.fields)) for row in conn.execute(query)]


def record_ids(conn: Connection) -> dict[tuple[str, str], int]:
    query = select(list_records.c.id, victim_lists.c.name, list_records.c.record_id).join(
        victim_lists, victim_lists.c.id == list_records.c.list_id
    )
    return {(row.name, row.record_id): row.id for row in conn.execute(query)}


def parse_reference(text: str) -> tuple[str, str]:
    """``LIST:RECORD_ID`` → (list, record id)."""
    try:
        return replay.parse_reference(text)
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def decide(conn: Connection, a: str, b: str, same: bool, note: str = "") -> int:
    """Record a reviewer's decision that two records are (not) one person."""
    known = record_ids(conn)
    (la, ra), (lb, rb) = sorted([parse_reference(a), parse_reference(b)])
    for ref in ((la, ra), (lb, rb)):
        if ref not in known:
            raise InputError(f"there is no record {ref[1]!r} in a list named {ref[0]!r}")
    if (la, ra) == (lb, rb):
        raise InputError("a record is always the same person as itself")
    decision = "same" if same else "different"
    data = {"v": replay.VERSION, "a": f"{la}:{ra}", "b": f"{lb}:{rb}", "decision": decision,
            "by": operator(), "note": note}  # fmt: skip
    with Writer(conn, LINKAGE) as writer:
        return writer.record(replay.DECIDED, data).seq


def decisions(conn: Connection) -> list[Decision]:
    """The standing decision for each pair: the latest one a reviewer made."""
    latest: dict[tuple[str, str, str, str], str] = {}
    for row in conn.execute(select(link_decisions).order_by(link_decisions.c.seq)):
        latest[(row.list_a, row.record_a, row.list_b, row.record_b)] = row.decision
    return [Decision(*pair, decision) for pair, decision in latest.items()]


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
    run = conn.execute(select(func.max(link_runs.c.id))).scalar_one()
    if run is None:
        raise InputError("the lists have not been linked yet; run `dalil lists link` first")
    return int(run)
