"""Batches: one receipt of sources from a custodian, opened, filled, closed.

A batch interrupted by a crash stays open; running the same ingest again finds it by its
collection and sources and completes it. The custody *before* receipt is recorded as
claims attached to the batch: what people state about who held the drives, not what
dalil guarantees.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from dalil import __version__, canonical
from dalil.db import schema
from dalil.errors import AlreadyReceived, InputError
from dalil.vault.archive import host, operator
from dalil.vault.entries import Source
from dalil.vault.replay import BATCH_CLOSED, BATCH_OPENED, CLAIM, VAULT
from dalil.vault.writer import Writer

CONFIDENCE = ("low", "medium", "high", "unknown")


@dataclass(frozen=True)
class Claim:
    """A statement about the custody of the sources before dalil received them."""

    holder: str
    transfer: str = ""
    held_from: str | None = None
    held_until: str | None = None
    attested_by: str = ""
    confidence: str = "unknown"
    note: str = ""

    def __post_init__(self) -> None:
        if not self.holder.strip():
            raise InputError("a custody claim needs the holder: who had the drives or files")
        if self.confidence not in CONFIDENCE:
            raise InputError(f"confidence must be one of {', '.join(CONFIDENCE)}")

    @classmethod
    def parse(cls, text: str) -> Claim:
        """``holder=...;from=...;until=...;transfer=...;by=...;confidence=...;note=...``"""
        names = {
            "holder": "holder",
            "from": "held_from",
            "until": "held_until",
            "transfer": "transfer",
            "by": "attested_by",
            "attested_by": "attested_by",
            "confidence": "confidence",
            "note": "note",
        }
        values: dict[str, Any] = {}
        for part in text.split(";"):
            if not part.strip():
                continue
            key, sep, value = part.partition("=")
            if not sep or key.strip() not in names:
                raise InputError(
                    f"cannot read the claim part {part!r}; use holder=, from=, until=, "
                    "transfer=, by=, confidence=, note= separated by ';'"
                )
            values[names[key.strip()]] = value.strip()
        return cls(**{"holder": "", **values})


@dataclass(frozen=True)
class Batch:
    id: int
    collection: str
    status: str
    resumed: bool


def sources_key(collection: str, sources: list[Source]) -> str:
    described = [collection, sorted(str(s.absolute) for s in sources)]
    return hashlib.sha256(canonical.dumps(described)).hexdigest()


def _describe(sources: list[Source]) -> list[dict[str, str]]:
    return [{"given": s.given, "absolute": str(s.absolute), "label": s.label} for s in sources]


def open_batch(
    conn: Connection,
    collection: str,
    custodian: str,
    source_note: str,
    sources: list[Source],
    claims: list[Claim],
    again: bool,
) -> Batch:
    """Resume the open batch for these sources, or open a new one."""
    if not collection.strip():
        raise InputError("name the collection (--collection), e.g. the drive set's name")
    if not custodian.strip():
        raise InputError("name the custodian (--custodian): who hands these files over")
    key = sources_key(collection, sources)
    rows = conn.execute(
        select(schema.batches.c.id, schema.batches.c.status, schema.batches.c.closed_at)
        .where(schema.batches.c.collection == collection, schema.batches.c.sources_key == key)
        .order_by(schema.batches.c.id)
    ).all()
    for row in rows:
        if row.status == "open":
            return Batch(row.id, collection, "open", resumed=True)
    if rows and not again:
        last = rows[-1]
        raise AlreadyReceived(
            f"these sources were already received into {collection!r} as batch {last.id} "
            f"(closed {last.closed_at}); nothing was done. To record a second receipt of "
            "the same sources, run again with --again"
        )
    batch_id = (
        int(conn.execute(select(func.coalesce(func.max(schema.batches.c.id), 0))).scalar_one()) + 1
    )
    data = {
        "batch": batch_id,
        "collection": collection,
        "custodian": custodian,
        "source_note": source_note,
        "sources": _describe(sources),
        "sources_key": key,
        "host": host(),
        "operator": operator(),
        "tool": f"dalil {__version__}",
    }
    with Writer(conn, VAULT) as writer:
        writer.record(BATCH_OPENED, data)
        for claim in claims:
            _record_claim(writer, batch_id, claim)
    return Batch(batch_id, collection, "open", resumed=False)


def _record_claim(writer: Writer, batch_id: int, claim: Claim) -> int:
    data = {"batch": batch_id, **asdict(claim), "recorded_by": operator()}
    return writer.record(CLAIM, data).seq


def add_claim(conn: Connection, batch_id: int, claim: Claim) -> int:
    from dalil.vault.queries import require_batch

    require_batch(conn, batch_id)
    with Writer(conn, VAULT) as writer:
        return _record_claim(writer, batch_id, claim)


def batch_counts(conn: Connection, batch_id: int) -> dict[str, int]:
    """What a batch received, counted from the catalogue (the same after any resume)."""
    o = schema.originals
    entries = conn.execute(select(func.count()).where(o.c.batch_id == batch_id)).scalar_one()
    files = conn.execute(
        select(func.count()).where(o.c.batch_id == batch_id, o.c.object_sha256.is_not(None))
    ).scalar_one()
    received_bytes = conn.execute(
        select(func.coalesce(func.sum(o.c.size), 0)).where(
            o.c.batch_id == batch_id, o.c.object_sha256.is_not(None)
        )
    ).scalar_one()
    new_objects = conn.execute(
        select(func.count())
        .select_from(schema.objects.join(o, o.c.seq == schema.objects.c.first_seq))
        .where(o.c.batch_id == batch_id)
    ).scalar_one()
    flagged = conn.execute(
        select(func.count(func.distinct(schema.flags.c.original_seq)))
        .select_from(schema.flags.join(o, o.c.seq == schema.flags.c.original_seq))
        .where(o.c.batch_id == batch_id)
    ).scalar_one()
    return {
        "entries": int(entries),
        "files": int(files),
        "bytes": int(received_bytes),
        "new_objects": int(new_objects),
        "duplicates": int(files) - int(new_objects),
        "flagged_entries": int(flagged),
    }


def close_batch(conn: Connection, batch_id: int) -> dict[str, int]:
    counts = batch_counts(conn, batch_id)
    with Writer(conn, VAULT) as writer:
        writer.record(BATCH_CLOSED, {"batch": batch_id, "counts": counts})
    return counts
