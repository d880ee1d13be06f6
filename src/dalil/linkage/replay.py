"""What the linkage's events do to its rows: lists, records, decisions, runs, pairs, clusters.

A list's records and a run's pairs and clusters are too many for one event: they are
kept as objects of the store (``vault.records``) whose SHA-256 the event carries, and
parsed from those bytes both when written and when verified. Only the latest run's
pairs and clusters are kept in the catalogue (each run prunes the earlier ones); every
run's objects stay in the store, so any earlier count can be traced.

Events written before dalil recorded the objects (no ``"v": 2``) carry the SHA-256 of
the records and clusters as they were written, and the number of pairs: their rows are
checked against those, as far as they go.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from dalil import canonical
from dalil.linkage.tables import (
    link_clusters,
    link_decisions,
    link_pairs,
    link_runs,
    list_records,
    list_removals,
    victim_lists,
)
from dalil.vault.changes import (
    UNRECORDED,
    Change,
    Counted,
    Insert,
    Mark,
    Payload,
    Prune,
    Row,
    insert,
)
from dalil.vault.custody import Event
from dalil.vault.rules import Capability, TableRule

IMPORTED = "lists.imported"
DECIDED = "lists.decided"
LINKED = "lists.linked"
REMOVED = "lists.removed"  # a list taken out of the current view; its rows stay
REPLACED = "lists.replaced"  # a list taken out and a corrected file imported under its name
VERSION = 2  # the shape of the events this release writes


def parse_reference(text: str) -> tuple[str, str]:
    """``LIST:RECORD_ID`` → (list, record id)."""
    name, sep, record = text.partition(":")
    if not sep or not name or not record:
        raise ValueError(f"{text!r}: name a record as LIST:RECORD_ID, e.g. centre:CEN-0000012")
    return name, record


def _new(event: Event) -> bool:
    return bool(event.data.get("v", 1) >= VERSION)


# -- the objects' formats: written by the store, parsed here ---------------------------


def records_bytes(records: Iterable[dict[str, str | None]]) -> bytes:
    """A list's cleaned records, one canonical JSON object a line, in import order."""
    return b"\n".join(canonical.dumps(record) for record in records)


def _records(list_id: int, first_id: int, seq: int, data: bytes) -> Iterator[Row]:
    for i, line in enumerate(data.split(b"\n")):
        record = canonical.loads(line)
        yield {"id": first_id + i, "list_id": list_id, "record_id": record["record_id"],
               "fields": line.decode("utf-8"), "seq": seq}  # fmt: skip


def clusters_bytes(cluster_of: dict[int, int]) -> bytes:
    """``record cluster`` a line, by record: the text whose hash runs have always logged."""
    return "\n".join(f"{r} {c}" for r, c in sorted(cluster_of.items())).encode()


def _clusters(run_id: int, seq: int, data: bytes) -> Iterator[Row]:
    for line in data.decode().split("\n") if data else ():
        record, cluster = line.split(" ")
        yield {"run_id": run_id, "record": int(record), "cluster": int(cluster), "seq": seq}


def pairs_bytes(pairs: Iterable[dict[str, Any]]) -> bytes:
    """A run's kept pairs, ``[a, b, weight, probability, explanation]`` a line, by (a, b);
    numbers written with ``repr``, which reads back to the same float."""
    lines = sorted(
        (
            p["record_a"],
            p["record_b"],
            repr(p["match_weight"]),
            repr(p["match_probability"]),
            p["explanation"],
        )
        for p in pairs
    )
    return b"\n".join(canonical.dumps(list(line)) for line in lines)


def _pairs(run_id: int, seq: int, data: bytes) -> Iterator[Row]:
    for line in data.split(b"\n") if data else ():
        a, b, weight, probability, explanation = canonical.loads(line)
        yield {"run_id": run_id, "record_a": a, "record_b": b, "match_weight": float(weight),
               "match_probability": float(probability), "explanation": explanation,
               "seq": seq}  # fmt: skip


# -- the rules ---------------------------------------------------------------------------


def _imported(event: Event) -> Iterator[Change]:
    d, new = event.data, _new(event)
    yield insert(
        victim_lists,
        {
            "id": d["list_id"] if new else UNRECORDED,
            "name": d["list"],
            "file_name": d["file"],
            "file_sha256": d["file_sha256"],
            "rows": d["rows"],
            "mapping": canonical.dumps(d["mapping"]).decode("utf-8"),
            "imported_at": event.at if new else UNRECORDED,
            "seq": event.seq,
        },
    )
    if new:
        parse = partial(_records, d["list_id"], d["first_record_id"], event.seq)
        yield Insert(list_records, Payload(d["records_sha256"], parse))
    else:
        yield Counted(list_records, {"seq": event.seq}, d["rows"], d["records_sha256"],
                      lambda row: str(row["fields"]))  # fmt: skip


def _removal(event: Event, replaced_by: int | None) -> Iterator[Change]:
    """The old list marked and the reason recorded; the mark comes first, so that the
    name is free for the list that replaces it (one current list per name)."""
    d = event.data
    yield Mark(victim_lists, {"id": d["removes"]}, "removed_seq")
    yield insert(
        list_removals,
        {
            "seq": event.seq,
            "list_id": d["removes"],
            "replaced_by": replaced_by,
            "reason": d["reason"],
            "removed_by": d["operator"],
            "removed_at": event.at,
        },
    )


def _removed(event: Event) -> Iterator[Change]:
    yield from _removal(event, None)


def _replaced(event: Event) -> Iterator[Change]:
    """A replacement is a removal and an import in one event: never one without the other."""
    yield from _removal(event, event.data["list_id"])
    yield from _imported(event)


def _decided(event: Event) -> Iterator[Change]:
    d = event.data
    (list_a, record_a), (list_b, record_b) = parse_reference(d["a"]), parse_reference(d["b"])
    yield insert(
        link_decisions,
        {
            "seq": event.seq,
            "list_a": list_a,
            "record_a": record_a,
            "list_b": list_b,
            "record_b": record_b,
            "decision": d["decision"],
            "decided_by": d["by"],
            "decided_at": event.at if _new(event) else UNRECORDED,
            "note": d["note"],
        },
    )


def _linked(event: Event) -> Iterator[Change]:
    d, new = event.data, _new(event)
    yield insert(
        link_runs,
        {
            "id": d["run"] if new else UNRECORDED,
            "seq": event.seq,
            "finished_at": event.at if new else UNRECORDED,
            "settings": canonical.dumps(d["settings"]).decode("utf-8"),
            "records": d["records"],
            "candidate_pairs": d["candidate_pairs"],
            "clusters": d["clusters"],
        },
    )
    yield Prune(link_pairs, event.seq)
    yield Prune(link_clusters, event.seq)
    if new:
        yield Insert(link_pairs, Payload(d["pairs_sha256"], partial(_pairs, d["run"], event.seq)))
        parse = partial(_clusters, d["run"], event.seq)
        yield Insert(link_clusters, Payload(d["clusters_sha256"], parse))
    else:
        yield Counted(link_pairs, {"seq": event.seq}, d["kept_pairs"])
        yield Counted(link_clusters, {"seq": event.seq}, d["records"], d["clusters_sha256"],
                      lambda row: f"{row['record']} {row['cluster']}")  # fmt: skip


LINKAGE = Capability(
    name="linkage",
    tables=(
        TableRule(victim_lists, origin="seq", marks=("removed_seq",)),
        TableRule(list_records, origin="seq", order=("id",)),
        TableRule(list_removals, origin="seq"),
        TableRule(link_decisions, origin="seq"),
        TableRule(link_runs, origin="seq"),
        TableRule(link_pairs, origin="seq", order=("record_a", "record_b")),
        TableRule(link_clusters, origin="seq", order=("record",)),
    ),
    appliers={
        IMPORTED: _imported,
        DECIDED: _decided,
        LINKED: _linked,
        REMOVED: _removed,
        REPLACED: _replaced,
    },
    pruners=frozenset({LINKED}),
)
