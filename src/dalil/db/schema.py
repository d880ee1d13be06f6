"""The catalogue's tables for the vault. Migrations in ``migrations/`` create exactly these.

Times are stored as ISO 8601 text in UTC, the same bytes on SQLite and PostgreSQL, so
that a row can be compared with the custody event that created it without any timezone
conversion. Hashes are lowercase hex.

Every custody-relevant row names the log event (``seq``) that recorded it: verification
replays the log and compares, so an edited row is named, not merely suspected.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

SHA = String(64)
TIME = String(40)

meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row, id = 1: the number of events and the peaks of the Merkle tree over them.
log_head = Table(
    "log_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("peaks", Text, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("type", String(60), nullable=False),
    Column("body", Text, nullable=False),
    Column("leaf_hash", SHA, nullable=False),
    Index(None, "type"),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("root", SHA, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("exported_at", TIME),
    Index(None, "size"),
)

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("collection", String(200), nullable=False),
    Column("custodian", Text, nullable=False),
    Column("host", Text, nullable=False),
    Column("operator", Text, nullable=False),
    Column("tool_version", String(60), nullable=False),
    Column("source_note", Text, nullable=False),
    Column("sources", Text, nullable=False),
    Column("sources_key", SHA, nullable=False),
    Column("status", String(10), nullable=False),
    Column("opened_at", TIME, nullable=False),
    Column("opened_seq", BigInteger, nullable=False, unique=True),
    Column("closed_at", TIME),
    Column("closed_seq", BigInteger, unique=True),
    Index(None, "collection", "sources_key"),
)

# Custody *before* receipt: what people say happened to the drives. Stated, not proven;
# the log proves only that the claim was recorded, by whom and when.
custody_claims = Table(
    "custody_claims",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("batch_id", Integer, ForeignKey("batches.id"), nullable=False),
    Column("holder", Text, nullable=False),
    Column("held_from", String(40)),
    Column("held_until", String(40)),
    Column("transfer", Text, nullable=False),
    Column("attested_by", Text, nullable=False),
    Column("confidence", String(10), nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
)

objects = Table(
    "objects",
    metadata,
    Column("sha256", SHA, primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("kind", String(10), nullable=False),  # original | derived
    Column("media_type", String(100), nullable=False),
    Column("derived_from", SHA, ForeignKey("objects.sha256")),
    Column("derivation", String(60)),
    Column("first_seq", BigInteger, nullable=False),
)

# One row per path received: identical files share one object and keep every path.
originals = Table(
    "originals",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("batch_id", Integer, ForeignKey("batches.id"), nullable=False),
    Column("path", Text, nullable=False),
    Column("path_raw", Text),  # hex of the exact name bytes when they are not UTF-8
    Column("path_key", SHA, nullable=False),
    Column("entry_kind", String(20), nullable=False),
    Column("size", BigInteger),
    Column("mtime", String(40)),
    Column("container_sha256", SHA, ForeignKey("objects.sha256")),
    Column("depth", Integer, nullable=False),
    Column("object_sha256", SHA, ForeignKey("objects.sha256")),
    UniqueConstraint("batch_id", "path_key"),
    Index(None, "object_sha256"),
)

# Each archive (zip/tar) received in a batch is opened once; this row says it was, and how.
archive_openings = Table(
    "archive_openings",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("batch_id", Integer, ForeignKey("batches.id"), nullable=False),
    Column("original_seq", BigInteger, ForeignKey("originals.seq"), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("members", Integer, nullable=False),
    UniqueConstraint("batch_id", "original_seq"),
)

flags = Table(
    "flags",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("object_sha256", SHA, ForeignKey("objects.sha256")),
    Column("original_seq", BigInteger, ForeignKey("originals.seq")),
    Column("code", String(60), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Index(None, "object_sha256"),
    Index(None, "code"),
)

image_facts = Table(
    "image_facts",
    metadata,
    Column("sha256", SHA, ForeignKey("objects.sha256"), primary_key=True),
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("facts", Text, nullable=False),  # canonical JSON, hashed into the event
    Column("facts_sha256", SHA, nullable=False),
    Column("width", Integer),
    Column("height", Integer),
    Column("make", Text),
    Column("model", Text),
    Column("serial", Text),
    Column("datetime_original", String(40)),
    Column("software", Text),
    Column("qt_signature", SHA),
    Column("pdq", String(64)),
    Column("pdq_quality", Integer),
    Column("thumbnail_sha256", SHA, ForeignKey("objects.sha256")),
    Index(None, "qt_signature"),
    Index(None, "make", "model", "serial"),
)

# Witnesses the archive knows: other organisations whose cosignatures of checkpoints
# verify checks and court packages require (their policy's quorum).
witnesses = Table(
    "witnesses",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("witness_key", Text, nullable=False),
    Column("added_seq", BigInteger, nullable=False),
)
