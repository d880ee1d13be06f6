"""Withdrawal: a report's personal data removed, a tombstone left in its place.

What goes: the description of the missing person, the family contact, portraits, face
embeddings, the report's data key (so sealed copies in old backups can no longer be
opened), and reviewers' free-text reasons about the report (they may quote it). What
stays: the row with its code, dates and status, the decisions' who/what/when, and the
custody events, which never held personal data. Open notification tasks are cancelled:
nobody may contact a family that has withdrawn.

Deleted rows can survive inside the database file (free pages, the write-ahead log);
``compact_storage`` overwrites them on SQLite and rewrites the tables on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, delete, text, update

from dalil.clock import utc_now
from dalil.identification.tables import (
    am_contacts,
    am_faces,
    am_keys,
    am_portraits,
    am_reports,
    exclusion_overrides,
    match_decisions,
    notification_tasks,
)
from dalil.vault import custody

# Reasons are chosen from this list, not typed: a typed reason may itself hold what the
# family asked to remove ("his brother was arrested too").
WITHDRAWAL_REASONS = (
    "family request",
    "last consent withdrawn",
    "entered in error",
    "duplicate report",
    "legal order",
)

_PERSONAL_TABLES = ("am_reports", "am_keys", "am_contacts", "am_portraits", "am_faces")


def erase_report(conn: Connection, report_id: int, code: str, reason: str, by: str) -> int:
    """Erase in the caller's transaction; returns the custody event's number."""
    if reason not in WITHDRAWAL_REASONS:
        raise ValueError(f"withdrawal reason must be one of {WITHDRAWAL_REASONS}")
    if conn.engine.dialect.name == "sqlite":
        # Zero deleted content in the pages themselves, not merely unlink it.
        conn.exec_driver_sql("PRAGMA secure_delete=ON")
    removed = {}
    for name, table in (("faces", am_faces), ("portraits", am_portraits)):
        removed[name] = conn.execute(delete(table).where(table.c.report_id == report_id)).rowcount
    removed["contact_fields"] = conn.execute(
        delete(am_contacts).where(am_contacts.c.report_id == report_id)
    ).rowcount
    conn.execute(delete(am_keys).where(am_keys.c.report_id == report_id))
    for table in (match_decisions, exclusion_overrides):
        conn.execute(update(table).where(table.c.report_id == report_id).values(reason=None))
    appender = custody.Appender(conn)
    seq = appender.next_seq
    now = utc_now()
    removed["tasks_cancelled"] = conn.execute(
        update(notification_tasks)
        .where(notification_tasks.c.report_id == report_id, notification_tasks.c.status == "open")
        .values(status="cancelled", closed_at=now, closed_seq=seq, outcome=None)
    ).rowcount
    conn.execute(
        update(am_reports)
        .where(am_reports.c.id == report_id)
        .values(
            status="withdrawn",
            person=None,
            consent_identification=False,
            consent_court=False,
            share_with="[]",
            source=None,
            updated_seq=seq,
            withdrawn_at=now,
            withdrawn_seq=seq,
        )
    )
    appender.append(
        "am.report.withdrawn",
        {"report": code, "reason": reason, "removed": removed, "operator": by},
        at=now,
    )
    appender.flush()
    return seq


def compact_storage(engine: Engine) -> bool:
    """Push removed bytes out of the database files; True if nothing could be left behind.

    SQLite: checkpoint the write-ahead log into the main file and truncate it (the log
    still holds the pages as they were before the deletion). PostgreSQL: rewrite the
    tables (VACUUM FULL) so that dead row versions leave the table files; the old files
    are unlinked by the server, which cannot promise that the disk blocks are wiped.
    """
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            busy = raw.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).fetchone()
        finally:
            raw.close()
        return bool(busy is not None and busy[0] == 0)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM FULL " + ", ".join(_PERSONAL_TABLES)))
    return False
