"""export: public releases (drafts, previews, reviews, salts revealed)

Revision ID: export_0002
Revises: export_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "export_0002"
down_revision = "export_0001"
branch_labels = None
depends_on = None

SHA = sa.String(64)
TIME = sa.String(40)
NAME = sa.String(100)


def upgrade() -> None:
    op.create_table(
        "public_releases",
        sa.Column("seq", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("numbers", sa.String(10), nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("left_out", sa.Text, nullable=False),
        sa.Column("operator", sa.Text, nullable=False),
        sa.Column("drafted_at", TIME, nullable=False),
        sa.Column("released_seq", sa.BigInteger),
        sa.PrimaryKeyConstraint("seq", name="pk_public_releases"),
        sa.UniqueConstraint("name", name="uq_public_releases_name"),
    )
    op.create_table(
        "public_previews",
        sa.Column("seq", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("number", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("release", NAME, nullable=False),
        sa.Column("original_sha256", SHA, nullable=False),
        sa.Column("preview_sha256", SHA, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("regions", sa.Text, nullable=False),
        sa.Column("faces", sa.Integer, nullable=False),
        sa.Column("card", sa.String(10), nullable=False),
        sa.Column("transform", sa.Text, nullable=False),
        sa.Column("pce", sa.String(20)),
        sa.Column("pce_note", sa.Text, nullable=False),
        sa.Column("commitment", SHA, nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("superseded_seq", sa.BigInteger),
        sa.PrimaryKeyConstraint("seq", "number", name="pk_public_previews"),
    )
    op.create_index("ix_public_previews_release", "public_previews", ["release"])
    op.create_table(
        "public_reviews",
        sa.Column("seq", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("release", NAME, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("preview_sha256", SHA, nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("reviewer", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("regions", sa.Text, nullable=False),
        sa.Column("reviewed_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_public_reviews"),
    )
    op.create_index("ix_public_reviews_release", "public_reviews", ["release"])
    op.create_table(
        "public_reveals",
        sa.Column("seq", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("release", NAME, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("commitment", SHA, nullable=False),
        sa.Column("asked_by", sa.Text, nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("revealed_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_public_reveals"),
    )


def downgrade() -> None:
    for table in ("public_reveals", "public_reviews", "public_previews", "public_releases"):
        op.drop_table(table)
