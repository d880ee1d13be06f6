"""vault: witnesses whose cosignatures the archive checks

Revision ID: vault_0002
Revises: 0001_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "vault_0002"
down_revision = "0001_vault"
branch_labels = ("vault",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "witnesses",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("witness_key", sa.Text, nullable=False),
        sa.Column("added_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_witnesses"),
    )


def downgrade() -> None:
    op.drop_table("witnesses")
