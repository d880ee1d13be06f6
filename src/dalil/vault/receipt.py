"""The receipt of a batch: what was received, from whom, what was flagged, under which
signed checkpoint. Written into the archive when the batch closes, and printable again."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from dalil.db import schema
from dalil.vault.batches import batch_counts
from dalil.vault.queries import list_batches, list_flags


def build_receipt(conn: Connection, batch_id: int, checkpoint_note: str) -> dict[str, Any]:
    batch = next(b for b in list_batches(conn) if b["batch"] == batch_id)
    first, last = conn.execute(
        select(schema.batches.c.opened_seq, schema.batches.c.closed_seq).where(
            schema.batches.c.id == batch_id
        )
    ).one()
    return {
        "kind": "dalil.receipt/1",
        **batch,
        "counts": batch_counts(conn, batch_id),
        "events": {"first": first, "last": last},
        "flagged": list_flags(conn, batch=batch_id),
        "checkpoint": checkpoint_note,
    }


def write_receipt(folder: Path, receipt: dict[str, Any]) -> Path:
    path = folder / f"batch-{receipt['batch']:06d}.json"
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(receipt, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    return path
