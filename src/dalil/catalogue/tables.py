"""The catalogue's tables: readings of each photo, groupings into cases, reviewers' entries
and the confirmations that two of them agreed.

Every row is written once, with the custody event that recorded it (its ``seq``), and
never updated: a new reading, grouping or entry is a new row. ``verify`` replays each
row from its event (``dalil.catalogue.replay``), so an edited number is named. JSON
columns hold canonical JSON, the same bytes as in the event. Confidences are integers in
basis points (0-10,000), as canonical JSON has no floats.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from dalil.db.schema import SHA, TIME, metadata

NUMBER = String(20)  # digits as read or typed, in Western digits; "-" or "?" for entries
CASE_ID = String(16)

# One row per photo and reader version: what the machine read on it.
catalogue_readings = Table(
    "catalogue_readings",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("sha256", SHA, ForeignKey("objects.sha256"), nullable=False),
    Column("reader", String(40), nullable=False),
    Column("script", String(10)),  # western | eastern | mixed
    Column("layout", String(20)),
    Column("lines", Text, nullable=False),  # [{"text", "bp"}] top to bottom, as read
    Column("detainee", NUMBER),
    Column("detainee_bp", Integer, nullable=False),
    Column("branch", NUMBER),
    Column("branch_bp", Integer, nullable=False),
    Column("report", NUMBER),
    Column("report_bp", Integer, nullable=False),
    Column("card", Text),  # [[x, y] x 4] corners of the written area, in image pixels
    Column("flags", Text, nullable=False),
    UniqueConstraint("sha256", "reader"),
)

# One row per run of `dalil catalogue group`; the latest is the catalogue's current view.
catalogue_groupings = Table(
    "catalogue_groupings",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("reader", String(40), nullable=False),
    Column("parameters", Text, nullable=False),
    Column("vocabulary_sha256", SHA, nullable=False),
    Column("photos", Integer, nullable=False),
    Column("cases", Integer, nullable=False),
    Column("unassigned", Text, nullable=False),  # [sha256] of photos left for review
)

# One row per case of a grouping. ``case_id`` is the first 16 hex digits of the SHA-256
# of the case's first photo, so a case keeps its id when it is grouped again unchanged.
catalogue_cases = Table(
    "catalogue_cases",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("grouping_seq", BigInteger, nullable=False),
    Column("case_id", CASE_ID, nullable=False),
    Column("category", String(12), nullable=False),  # detainee | other | unknown
    Column("session", Text, nullable=False),
    Column("photos", Text, nullable=False),  # [[sha256, how it joined]] in time order
    Column("first_taken", TIME),
    Column("last_taken", TIME),
    Column("detainee", NUMBER),
    Column("detainee_bp", Integer, nullable=False),
    Column("detainee_confident", Boolean, nullable=False),
    Column("branch", NUMBER),
    Column("branch_bp", Integer, nullable=False),
    Column("branch_confident", Boolean, nullable=False),
    Column("report", NUMBER),
    Column("report_bp", Integer, nullable=False),
    Column("report_confident", Boolean, nullable=False),
    Column("flags", Text, nullable=False),
    UniqueConstraint("grouping_seq", "case_id"),
    Index(None, "case_id"),
)

# What a reviewer typed for a case, blind to the machine and to other reviewers
# (kind "entry"), or their own correction after seeing the suggestion ("correction").
catalogue_entries = Table(
    "catalogue_entries",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("case_id", CASE_ID, nullable=False),
    Column("grouping_seq", BigInteger, nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("detainee", NUMBER, nullable=False),
    Column("branch", NUMBER, nullable=False),
    Column("report", NUMBER, nullable=False),
    Column("typed", Text, nullable=False),  # exactly what was typed, digits as written
    Column("replaces", BigInteger),
    Index(None, "case_id"),
)

# A field of a case confirmed: the same value typed by two different reviewers.
catalogue_confirmations = Table(
    "catalogue_confirmations",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("case_id", CASE_ID, nullable=False),
    Column("field", String(10), nullable=False),
    Column("value", NUMBER, nullable=False),
    Column("entries", Text, nullable=False),  # [seq] of the agreeing entries
    Column("reviewers", Text, nullable=False),  # [name] of the two reviewers
    Index(None, "case_id"),
)

__all__ = [
    "catalogue_cases",
    "catalogue_confirmations",
    "catalogue_entries",
    "catalogue_groupings",
    "catalogue_readings",
]
