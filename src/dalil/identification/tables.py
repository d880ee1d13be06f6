"""Tables for AM reports, their sealed personal data, faces, and reviewers' decisions.

What is in clear and what is sealed: the missing person's description (names, dates,
marks) is in ``am_reports.person`` because matching reads it for every query; the
family's contact, the portraits and the face embeddings of portraits are sealed (see
``sealing``) with the report's data key in ``am_keys``. Withdrawal deletes the key,
the sealed rows and the description, and keeps the ``am_reports`` row as a tombstone
so that the log events and decisions that name the report still resolve.

PM cases belong to the catalogue; they are named here by ``case_id`` text until the
catalogue's cases table exists, so these tables do not order themselves against it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from dalil.db.schema import SHA, TIME, metadata

CASE_ID = String(100)

am_reports = Table(
    "am_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("status", String(12), nullable=False),  # active | withdrawn
    Column("person", Text),  # canonical JSON of MissingPerson; NULL once withdrawn
    Column("consent_identification", Boolean, nullable=False),
    Column("consent_court", Boolean, nullable=False),
    Column("share_with", Text, nullable=False),  # JSON list of partner names
    Column("source", String(60)),
    Column("commitment", SHA),  # HMAC of the latest content (see sealing.commit)
    Column("received_at", TIME, nullable=False),
    Column("received_by", Text, nullable=False),
    Column("received_seq", BigInteger, nullable=False),
    Column("updated_seq", BigInteger, nullable=False),
    Column("withdrawn_at", TIME),
    Column("withdrawn_seq", BigInteger),
)

am_keys = Table(
    "am_keys",
    metadata,
    Column("report_id", Integer, ForeignKey("am_reports.id"), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
)

am_contacts = Table(
    "am_contacts",
    metadata,
    Column("report_id", Integer, ForeignKey("am_reports.id"), primary_key=True),
    Column("field", String(40), primary_key=True),
    Column("sealed", LargeBinary, nullable=False),
)

am_portraits = Table(
    "am_portraits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("am_reports.id"), nullable=False),
    Column("sealed", LargeBinary, nullable=False),  # the image bytes
    Column("commitment", SHA, nullable=False),
    Column("added_seq", BigInteger, nullable=False),
    Index(None, "report_id"),
)

am_faces = Table(
    "am_faces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("portrait_id", Integer, ForeignKey("am_portraits.id"), nullable=False),
    Column("report_id", Integer, ForeignKey("am_reports.id"), nullable=False),
    Column("sealed", LargeBinary, nullable=False),  # float32 embedding
    Column("quality", Float, nullable=False),
    Column("method", Text, nullable=False),  # JSON: model, detector, rotation, box
    Index(None, "report_id"),
)

pm_faces = Table(
    "pm_faces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", CASE_ID, nullable=False),
    Column("object_sha256", SHA, ForeignKey("objects.sha256"), nullable=False),
    Column("embedding", LargeBinary, nullable=False),  # float32, little-endian
    Column("quality", Float, nullable=False),
    Column("method", Text, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Index(None, "case_id"),
    Index(None, "object_sha256"),
)

match_decisions = Table(
    "match_decisions",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("report_id", Integer, ForeignKey("am_reports.id"), nullable=False),
    Column("case_id", CASE_ID, nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("decision", String(12), nullable=False),  # reject | possible | likely
    Column("reason", Text),  # NULL once the report is withdrawn
    Column("decided_at", TIME, nullable=False),
    Index(None, "report_id", "case_id"),
)

exclusion_overrides = Table(
    "exclusion_overrides",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("report_id", Integer, ForeignKey("am_reports.id"), nullable=False),
    Column("case_id", CASE_ID, nullable=False),
    Column("rule", String(40), nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("reason", Text),
    Column("decided_at", TIME, nullable=False),
    Index(None, "report_id", "case_id"),
)

notification_tasks = Table(
    "notification_tasks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("am_reports.id"), nullable=False),
    Column("case_id", CASE_ID, nullable=False),
    Column("status", String(12), nullable=False),  # open | done | cancelled
    Column("assigned_role", String(40), nullable=False),
    Column("assigned_to", Text),
    Column("created_at", TIME, nullable=False),
    Column("created_seq", BigInteger, nullable=False),
    Column("closed_at", TIME),
    Column("closed_seq", BigInteger),
    Column("outcome", Text),
    Index(None, "report_id"),
)
