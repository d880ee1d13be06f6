"""Revealing one image to one session for two minutes, as a custody event.

The grant *is* the event's row: the image is sent only while a ``web_reveals`` row
names this session and this image and is younger than its ``seconds``. The row is
written by ``Writer.record`` in the same transaction as the event, so if the event
cannot be written there is no grant and the image is not sent (fail closed).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from dalil.clock import format_utc
from dalil.vault.archive import Archive
from dalil.vault.writer import Writer
from dalil.web.replay import REVEALED, WEB
from dalil.web.sessions import Session
from dalil.web.tables import web_reveals

SECONDS = 120
PURPOSES = ("identification", "authenticity", "court", "cataloguing")


def record(archive: Archive, session: Session, sha256: str, purpose: str, now: datetime) -> int:
    """Write the reveal's event (and so its grant): its number in the log."""
    data = {"person": session.person, "sha256": sha256, "purpose": purpose,
            "session": session.sid, "seconds": SECONDS}  # fmt: skip
    with archive.write() as conn, Writer(conn, WEB) as writer:
        return writer.record(REVEALED, data, at=format_utc(now)).seq


def granted(conn: Connection, session: Session, sha256: str, now: datetime) -> bool:
    r = web_reveals
    since = format_utc(now - timedelta(seconds=SECONDS))
    query = (
        select(r.c.seq)
        .where(r.c.session == session.sid)
        .where(r.c.sha256 == sha256)
        .where(r.c.revealed_at >= since)
        .limit(1)
    )
    return conn.execute(query).first() is not None
