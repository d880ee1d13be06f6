"""The archive's identification key: created once, then always the same file.

The key lives in ``ARCHIVE/keys/identification.key``; the catalogue records only its
fingerprint (in ``meta``). A missing file for an archive that already sealed data is an
error to restore from backup, never a reason to make a new key: a new key would let new
reports be saved while every earlier family contact became unreadable.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, select

from dalil.db import schema
from dalil.identification import sealing
from dalil.identification.errors import ContactKeyError
from dalil.identification.replay import FINGERPRINT_META, IDENTIFICATION, KEY_CREATED
from dalil.vault.writer import Writer


def key_path(archive_root: Path) -> Path:
    return archive_root / "keys" / sealing.KEY_FILE


def _recorded(conn: Connection) -> str | None:
    row = conn.execute(
        select(schema.meta.c.value).where(schema.meta.c.key == FINGERPRINT_META)
    ).first()
    return None if row is None else str(row.value)


def master_key(conn: Connection, archive_root: Path, create: bool = False) -> bytes:
    """The identification key, checked against the catalogue; made on first use if asked.

    ``create`` needs a write transaction: the fingerprint and an ``am.key.created``
    event are written with it.
    """
    path = key_path(archive_root)
    recorded = _recorded(conn)
    if recorded is None:
        if not create:
            raise ContactKeyError("this archive holds no AM reports yet")
        # A file without a recorded fingerprint was left by a crash before the commit.
        exists = path.exists()
        key = sealing.load_master_key(path) if exists else sealing.create_master_key(path)
        fingerprint = sealing.fingerprint(key)
        with Writer(conn, IDENTIFICATION) as writer:
            writer.record(KEY_CREATED, {"fingerprint": fingerprint})
        return key
    key = sealing.load_master_key(path)
    if sealing.fingerprint(key) != recorded:
        raise ContactKeyError(
            f"{path} is not this archive's identification key (fingerprint "
            f"{sealing.fingerprint(key)}, expected {recorded}); restore the right file"
        )
    return key
