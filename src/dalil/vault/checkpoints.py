"""Signed checkpoints of the custody log: made, stored, exported, and found again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, update

from dalil.clock import utc_now
from dalil.db import schema
from dalil.errors import CheckpointError
from dalil.vault import custody
from dalil.vault.note import Checkpoint, Signer, VerifierKey, open_checkpoint, sign_checkpoint

if TYPE_CHECKING:
    from dalil.vault.archive import Archive


@dataclass(frozen=True)
class StoredCheckpoint:
    id: int
    size: int
    root: str
    note: str
    created_at: str
    exported_at: str | None


def sign_head(conn: Connection, signer: Signer) -> StoredCheckpoint:
    """Sign the log as it stands in this transaction and keep the signed note."""
    head = custody.read_head(conn)
    created = utc_now()
    checkpoint = Checkpoint(signer.name, head.size, head.root(), (f"time {created}",))
    note = sign_checkpoint(checkpoint, signer)
    result = conn.execute(
        schema.checkpoints.insert().values(
            size=head.size, root=head.root().hex(), note=note, created_at=created
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return StoredCheckpoint(int(key[0]), head.size, head.root().hex(), note, created, None)


def _row(row: object) -> StoredCheckpoint:
    return StoredCheckpoint(
        row.id,  # type: ignore[attr-defined]
        row.size,  # type: ignore[attr-defined]
        row.root,  # type: ignore[attr-defined]
        row.note,  # type: ignore[attr-defined]
        row.created_at,  # type: ignore[attr-defined]
        row.exported_at,  # type: ignore[attr-defined]
    )


def latest(conn: Connection) -> StoredCheckpoint | None:
    row = conn.execute(
        select(schema.checkpoints).order_by(schema.checkpoints.c.id.desc()).limit(1)
    ).first()
    return None if row is None else _row(row)


def latest_exported(conn: Connection) -> StoredCheckpoint | None:
    row = conn.execute(
        select(schema.checkpoints)
        .where(schema.checkpoints.c.exported_at.is_not(None))
        .order_by(schema.checkpoints.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _row(row)


def all_checkpoints(conn: Connection) -> list[StoredCheckpoint]:
    rows = conn.execute(select(schema.checkpoints).order_by(schema.checkpoints.c.id)).all()
    return [_row(row) for row in rows]


def mark_exported(conn: Connection, checkpoint: StoredCheckpoint, where: str) -> None:
    """Record that a checkpoint left the archive; verify will hold the log to it."""
    when = utc_now()
    conn.execute(
        update(schema.checkpoints)
        .where(schema.checkpoints.c.id == checkpoint.id)
        .values(exported_at=when)
    )
    custody.append(
        conn,
        "checkpoint.exported",
        {"size": checkpoint.size, "root": checkpoint.root, "to": where},
    )


def sign_current(archive: Archive, export: Path | None = None) -> StoredCheckpoint:
    """The checkpoint of the whole log: the latest if it covers every event, else a new
    one. With ``export``, also written there (to be kept outside the archive) and into the
    archive's checkpoints folder, and recorded as exported: later verifies hold the log
    to it."""
    with archive.write() as conn:
        stored = latest(conn)
        if stored is None or stored.size != custody.log_size(conn):
            stored = sign_head(conn, archive.signer())
        if export is not None:
            export.write_text(stored.note, encoding="utf-8")
            copy = archive.checkpoints_dir / f"checkpoint-{stored.size:012d}.txt"
            copy.write_text(stored.note, encoding="utf-8")
            mark_exported(conn, stored, str(export))
    return stored


def parse(note: str, verifier: VerifierKey) -> Checkpoint:
    try:
        return open_checkpoint(note, verifier)
    except CheckpointError:
        raise
    except (ValueError, UnicodeError) as exc:
        raise CheckpointError(f"the checkpoint cannot be read: {exc}") from exc
