"""vault: custody log, checkpoints, batches, claims, objects, originals, flags, image facts

Revision ID: 0001_vault
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_vault"
down_revision = None
branch_labels = None
depends_on = None

SHA = sa.String(64)
TIME = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "log_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("peaks", sa.Text, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("leaf_hash", SHA, nullable=False),
    )
    op.create_index("ix_events_type", "events", ["type"])
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("root", SHA, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("exported_at", TIME),
    )
    op.create_index("ix_checkpoints_size", "checkpoints", ["size"])
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("collection", sa.String(200), nullable=False),
        sa.Column("custodian", sa.Text, nullable=False),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("operator", sa.Text, nullable=False),
        sa.Column("tool_version", sa.String(60), nullable=False),
        sa.Column("source_note", sa.Text, nullable=False),
        sa.Column("sources", sa.Text, nullable=False),
        sa.Column("sources_key", SHA, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_at", TIME, nullable=False),
        sa.Column("opened_seq", sa.BigInteger, nullable=False),
        sa.Column("closed_at", TIME),
        sa.Column("closed_seq", sa.BigInteger),
        sa.UniqueConstraint("opened_seq", name="uq_batches_opened_seq"),
        sa.UniqueConstraint("closed_seq", name="uq_batches_closed_seq"),
    )
    op.create_index("ix_batches_collection_sources_key", "batches", ["collection", "sources_key"])
    op.create_table(
        "custody_claims",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "batch_id",
            sa.Integer,
            sa.ForeignKey("batches.id", name="fk_custody_claims_batch_id_batches"),
            nullable=False,
        ),
        sa.Column("holder", sa.Text, nullable=False),
        sa.Column("held_from", sa.String(40)),
        sa.Column("held_until", sa.String(40)),
        sa.Column("transfer", sa.Text, nullable=False),
        sa.Column("attested_by", sa.Text, nullable=False),
        sa.Column("confidence", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
    )
    op.create_table(
        "objects",
        sa.Column("sha256", SHA, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column(
            "derived_from",
            SHA,
            sa.ForeignKey("objects.sha256", name="fk_objects_derived_from_objects"),
        ),
        sa.Column("derivation", sa.String(60)),
        sa.Column("first_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "originals",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "batch_id",
            sa.Integer,
            sa.ForeignKey("batches.id", name="fk_originals_batch_id_batches"),
            nullable=False,
        ),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("path_raw", sa.Text),
        sa.Column("path_key", SHA, nullable=False),
        sa.Column("entry_kind", sa.String(20), nullable=False),
        sa.Column("size", sa.BigInteger),
        sa.Column("mtime", sa.String(40)),
        sa.Column(
            "container_sha256",
            SHA,
            sa.ForeignKey("objects.sha256", name="fk_originals_container_sha256_objects"),
        ),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column(
            "object_sha256",
            SHA,
            sa.ForeignKey("objects.sha256", name="fk_originals_object_sha256_objects"),
        ),
        sa.UniqueConstraint("batch_id", "path_key", name="uq_originals_batch_id_path_key"),
    )
    op.create_index("ix_originals_object_sha256", "originals", ["object_sha256"])
    op.create_table(
        "archive_openings",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "batch_id",
            sa.Integer,
            sa.ForeignKey("batches.id", name="fk_archive_openings_batch_id_batches"),
            nullable=False,
        ),
        sa.Column(
            "original_seq",
            sa.BigInteger,
            sa.ForeignKey("originals.seq", name="fk_archive_openings_original_seq_originals"),
            nullable=False,
        ),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("members", sa.Integer, nullable=False),
        sa.UniqueConstraint(
            "batch_id", "original_seq", name="uq_archive_openings_batch_id_original_seq"
        ),
    )
    op.create_table(
        "flags",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "object_sha256",
            SHA,
            sa.ForeignKey("objects.sha256", name="fk_flags_object_sha256_objects"),
        ),
        sa.Column(
            "original_seq",
            sa.BigInteger,
            sa.ForeignKey("originals.seq", name="fk_flags_original_seq_originals"),
        ),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_flags_object_sha256", "flags", ["object_sha256"])
    op.create_index("ix_flags_code", "flags", ["code"])
    op.create_table(
        "image_facts",
        sa.Column(
            "sha256",
            SHA,
            sa.ForeignKey("objects.sha256", name="fk_image_facts_sha256_objects"),
            primary_key=True,
        ),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("facts_sha256", SHA, nullable=False),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("make", sa.Text),
        sa.Column("model", sa.Text),
        sa.Column("serial", sa.Text),
        sa.Column("datetime_original", sa.String(40)),
        sa.Column("software", sa.Text),
        sa.Column("qt_signature", SHA),
        sa.Column("pdq", sa.String(64)),
        sa.Column("pdq_quality", sa.Integer),
        sa.Column(
            "thumbnail_sha256",
            SHA,
            sa.ForeignKey("objects.sha256", name="fk_image_facts_thumbnail_sha256_objects"),
        ),
        sa.UniqueConstraint("seq", name="uq_image_facts_seq"),
    )
    op.create_index("ix_image_facts_qt_signature", "image_facts", ["qt_signature"])
    op.create_index("ix_image_facts_make_model_serial", "image_facts", ["make", "model", "serial"])


def downgrade() -> None:
    for table in (
        "image_facts",
        "flags",
        "archive_openings",
        "originals",
        "objects",
        "custody_claims",
        "batches",
        "checkpoints",
        "events",
        "log_head",
        "meta",
    ):
        op.drop_table(table)
