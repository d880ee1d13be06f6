"""Withdrawal: a report's personal data removed, a tombstone left in its place.

What goes: the description of the missing person, the family contact, portraits, face
embeddings, the report's data key (so sealed copies in old backups can no longer be
opened), and reviewers' free-text reasons about the report (they may quote it). What
stays: the row with its code, dates and status, the decisions' who/what/when, and the
custody events, which never held personal data. Open notification tasks are cancelled:
nobody may contact a family that has withdrawn.

The deletions and updates are the withdrawal event's rule (``replay``): verify expects
exactly them. Deleted rows can survive inside the database file (free pages, the write-ahead log);
``compact_storage`` overwrites them on SQLite and rewrites the tables on PostgreSQL.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Connection, Engine, Table, func, select, text

from dalil.identification.replay import IDENTIFICATION, WITHDRAWN
from dalil.identification.tables import am_contacts, am_faces, am_portraits, notification_tasks
from dalil.vault.writer import Writer


# Reasons are chosen from this list, not typed: a typed reason may itself hold what the
# family asked to remove ("his brother was arrested too").
class WithdrawalReason(StrEnum):
    FAMILY_REQUEST = "family request"
    LAST_CONSENT_WITHDRAWN = "last consent withdrawn"
    ENTERED_IN_ERROR = "entered in error"
    DUPLICATE_REPORT = "duplicate report"
    LEGAL_ORDER = "legal order"


WITHDRAWAL_REASONS = tuple(reason.value for reason in WithdrawalReason)

_PERSONAL_TABLES = ("am_reports", "am_keys", "am_contacts", "am_portraits", "am_faces")


def erase_report(conn: Connection, report_id: int, code: str, reason: str, by: str) -> int:
    """Erase in the caller's transaction; returns the custody event's number."""
    if reason not in WITHDRAWAL_REASONS:
        raise ValueError(f"withdrawal reason must be one of {WITHDRAWAL_REASONS}")
    if conn.engine.dialect.name == "sqlite":
        # Zero deleted content in the pages themselves, not merely unlink it.
        conn.exec_driver_sql("PRAGMA secure_delete=ON")
    removed = {
        "faces": _count(conn, am_faces, report_id),
        "portraits": _count(conn, am_portraits, report_id),
        "contact_fields": _count(conn, am_contacts, report_id),
        "tasks_cancelled": int(
            conn.execute(
                select(func.count()).where(
                    notification_tasks.c.report_id == report_id,
                    notification_tasks.c.status == "open",
                )
            ).scalar_one()
        ),
    }
    data = {"report": code, "reason": reason, "removed": removed, "operator": by}
    with Writer(conn, IDENTIFICATION) as writer:
        return writer.record(WITHDRAWN, data).seq


def _count(conn: Connection, table: Table, report_id: int) -> int:
    query = select(func.count()).select_from(table).where(table.c.report_id == report_id)
    return int(conn.execute(query).scalar_one())


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
