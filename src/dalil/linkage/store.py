"""Lists, decisions and linkage runs in the catalogue database, each with its log event.

Every change writes its custody event in the same transaction as its rows:
``lists.imported`` (file hash, rows, mapping, hash of the cleaned records),
``lists.decided`` (who said two records are or are not one person) and
``lists.linked`` (settings, counts, hash of the clusters). A verifier can therefore
tell which file and which decisions produced the clusters a report counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, CursorResult, delete, func, select

from dalil import canonical
from dalil.clock import utc_now
from dalil.errors import InputError
from dalil.linkage.listfile import ListFile
from dalil.linkage.tables import (
    link_clusters,
    link_decisions,
    link_pairs,
    link_runs,
    list_records,
    victim_lists,
)
from dalil.vault import custody
from dalil.vault.archive import operator

# Rows per INSERT: large enough to be fast, small enough for PostgreSQL's parameter limit.
CHUNK = 2000


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
    name: str,
    source: ListFile,
    mapping: dict[str, str],
    records: Sequence[dict[str, str | None]],
    skipped: int,
) -> Imported:
    """Store a validated list and log its import."""
    exists = conn.execute(select(victim_lists.c.id).where(victim_lists.c.name == name)).first()
    if exists is not None:
        raise InputError(
            f"a list named {name!r} is already imported; give this file another --list name"
        )
    encoded = [canonical.dumps(r).decode("utf-8") for r in records]
    records_sha = hashlib.sha256("\n".join(encoded).encode("utf-8")).hexdigest()
    seq = custody.append(
        conn,
        "lists.imported",
        {
            "list": name,
            "file": source.name,
            "file_sha256": source.sha256,
            "rows": len(records),
            "skipped_rows": skipped,
            "mapping": mapping,
            "records_sha256": records_sha,
            "operator": operator(),
        },
    )
    list_id = _new_id(
        conn.execute(
            victim_lists.insert().values(
                name=name,
                file_name=source.name,
                file_sha256=source.sha256,
                rows=len(records),
                mapping=canonical.dumps(mapping).decode("utf-8"),
                imported_at=utc_now(),
                seq=seq,
            )
        )
    )
    rows = [
        {"list_id": list_id, "record_id": r["record_id"], "fields": text}
        for r, text in zip(records, encoded, strict=True)
    ]
    for start in range(0, len(rows), CHUNK):
        conn.execute(list_records.insert(), rows[start : start + CHUNK])
    return Imported(name, len(records), skipped, source.sha256, seq)


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


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
    name, sep, record = text.partition(":")
    if not sep or not name or not record:
        raise InputError(f"{text!r}: name a record as LIST:RECORD_ID, e.g. centre:CEN-0000012")
    return name, record


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
    who = operator()
    seq = custody.append(
        conn,
        "lists.decided",
        {"a": f"{la}:{ra}", "b": f"{lb}:{rb}", "decision": decision, "by": who, "note": note},
    )
    conn.execute(
        link_decisions.insert().values(
            seq=seq,
            list_a=la,
            record_a=ra,
            list_b=lb,
            record_b=rb,
            decision=decision,
            decided_by=who,
            decided_at=utc_now(),
            note=note,
        )
    )
    return seq


def decisions(conn: Connection) -> list[Decision]:
    """The standing decision for each pair: the latest one a reviewer made."""
    latest: dict[tuple[str, str, str, str], str] = {}
    for row in conn.execute(select(link_decisions).order_by(link_decisions.c.seq)):
        latest[(row.list_a, row.record_a, row.list_b, row.record_b)] = row.decision
    return [Decision(*pair, decision) for pair, decision in latest.items()]


def save_run(
    conn: Connection,
    settings: dict[str, Any],
    pairs: Sequence[dict[str, Any]],
    cluster_of: dict[int, int],
    candidate_pairs: int,
) -> int:
    """Store a linkage run's pairs and clusters and log it; returns the run id."""
    clusters_text = "\n".join(f"{r} {c}" for r, c in sorted(cluster_of.items()))
    n_clusters = len(set(cluster_of.values()))
    seq = custody.append(
        conn,
        "lists.linked",
        {
            "settings": settings,
            "records": len(cluster_of),
            "candidate_pairs": candidate_pairs,
            "kept_pairs": len(pairs),
            "clusters": n_clusters,
            "clusters_sha256": hashlib.sha256(clusters_text.encode()).hexdigest(),
            "operator": operator(),
        },
    )
    run_id = _new_id(
        conn.execute(
            link_runs.insert().values(
                seq=seq,
                finished_at=utc_now(),
                settings=canonical.dumps(settings).decode("utf-8"),
                records=len(cluster_of),
                candidate_pairs=candidate_pairs,
                clusters=n_clusters,
            )
        )
    )
    # Only the latest run's pairs and clusters are kept; the log keeps every run's hash.
    conn.execute(delete(link_pairs).where(link_pairs.c.run_id != run_id))
    conn.execute(delete(link_clusters).where(link_clusters.c.run_id != run_id))
    rows = [{"run_id": run_id, **p} for p in pairs]
    for start in range(0, len(rows), CHUNK):
        conn.execute(link_pairs.insert(), rows[start : start + CHUNK])
    members = [{"run_id": run_id, "record": r, "cluster": c} for r, c in cluster_of.items()]
    for start in range(0, len(members), CHUNK):
        conn.execute(link_clusters.insert(), members[start : start + CHUNK])
    return run_id


def latest_run(conn: Connection) -> int:
    run = conn.execute(select(func.max(link_runs.c.id))).scalar_one()
    if run is None:
        raise InputError("the lists have not been linked yet; run `dalil lists link` first")
    return int(run)
