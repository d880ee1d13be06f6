"""export: the disclosure register

Revision ID: export_0001
Revises: 0001_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "export_0001"
down_revision = "0001_vault"
branch_labels = ("export",)
depends_on = None

SHA = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "disclosures",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("profile", sa.String(200), nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("items_sha256", SHA, nullable=False),
        sa.Column("checkpoint_size", sa.BigInteger, nullable=False),
        sa.Column("checkpoint_root", SHA, nullable=False),
        sa.Column("package_sha256", SHA, nullable=False),
        sa.Column("operator", sa.Text, nullable=False),
        sa.Column("disclosed_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_disclosures"),
    )
    op.create_index("ix_disclosures_recipient", "disclosures", ["recipient"])


def downgrade() -> None:
    op.drop_table("disclosures")
