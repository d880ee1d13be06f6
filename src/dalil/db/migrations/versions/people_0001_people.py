"""people: registered reviewers and their public keys

Revision ID: people_0001
Revises: 0001_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "people_0001"
down_revision = "0001_vault"
branch_labels = ("people",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("public_key", sa.String(80), nullable=False),
        sa.Column("added_by", sa.Text, nullable=False),
        sa.Column("added_seq", sa.BigInteger, nullable=False),
        sa.Column("disabled_seq", sa.BigInteger),
        sa.Column("disabled_reason", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("public_key", name="uq_people_public_key"),
    )


def downgrade() -> None:
    op.drop_table("people")
