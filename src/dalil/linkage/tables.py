"""Tables for victim lists, their records, linkage runs and reviewers' decisions.

Records keep every field as imported (``fields`` is canonical JSON of the cleaned row,
hashed into the import event), so what the linkage used can always be traced back to
the file. Decisions name records by list and record id, not by row number, so they
survive re-importing a list and are re-applied on every linkage run.

A list is never edited or deleted: removing or replacing it marks its row
(``removed_seq``) and records why (``list_removals``); its records and the decisions
about them stay, out of the current view.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from dalil.db.schema import SHA, TIME, metadata

CURRENT = text("removed_seq IS NULL")

victim_lists = Table(
    "victim_lists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_sha256", SHA, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("mapping", Text, nullable=False),  # canonical JSON: column → field
    Column("imported_at", TIME, nullable=False),
    Column("seq", BigInteger, nullable=False),
    # The event that removed or replaced the list: its rows stay, out of the current view.
    Column("removed_seq", BigInteger),
    # One current list per name; a replaced list keeps its name on the list replacing it.
    Index(None, "name", unique=True, sqlite_where=CURRENT, postgresql_where=CURRENT),
)

# Why a list left the current view: removed (a mistaken import) or replaced by a
# corrected file (``replaced_by``, the list now current under the same name).
list_removals = Table(
    "list_removals",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("list_id", Integer, ForeignKey("victim_lists.id"), nullable=False),
    Column("replaced_by", Integer, ForeignKey("victim_lists.id")),
    Column("reason", Text, nullable=False),
    Column("removed_by", Text, nullable=False),
    Column("removed_at", TIME, nullable=False),
)

list_records = Table(
    "list_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("list_id", Integer, ForeignKey("victim_lists.id"), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("fields", Text, nullable=False),  # canonical JSON of the cleaned row
    Column("seq", BigInteger),  # the import's event
    UniqueConstraint("list_id", "record_id"),
    Index(None, "seq", "id"),
)

link_decisions = Table(
    "link_decisions",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("list_a", String(200), nullable=False),
    Column("record_a", String(200), nullable=False),
    Column("list_b", String(200), nullable=False),
    Column("record_b", String(200), nullable=False),
    Column("decision", String(10), nullable=False),  # same | different
    Column("decided_by", Text, nullable=False),
    Column("decided_at", TIME, nullable=False),
    Column("note", Text, nullable=False),
    Index(None, "list_a", "record_a", "list_b", "record_b"),
)

link_runs = Table(
    "link_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("finished_at", TIME, nullable=False),
    Column("settings", Text, nullable=False),
    Column("records", Integer, nullable=False),
    Column("candidate_pairs", BigInteger, nullable=False),
    Column("clusters", Integer, nullable=False),
)

link_pairs = Table(
    "link_pairs",
    metadata,
    Column("run_id", Integer, ForeignKey("link_runs.id"), primary_key=True),
    Column("record_a", Integer, ForeignKey("list_records.id"), primary_key=True),
    Column("record_b", Integer, ForeignKey("list_records.id"), primary_key=True),
    Column("match_weight", Float, nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("explanation", Text, nullable=False),  # JSON: comparison → level, weight
    Column("seq", BigInteger),  # the run's event
    Index(None, "seq", "record_a", "record_b"),
)

link_clusters = Table(
    "link_clusters",
    metadata,
    Column("run_id", Integer, ForeignKey("link_runs.id"), primary_key=True),
    Column("record", Integer, ForeignKey("list_records.id"), primary_key=True),
    Column("cluster", Integer, nullable=False),
    Column("seq", BigInteger),  # the run's event
    Index(None, "run_id", "cluster"),
    Index(None, "seq", "record"),
)
