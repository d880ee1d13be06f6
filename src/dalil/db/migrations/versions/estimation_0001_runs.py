"""estimation: the estimates made on the archive, each with its event

Revision ID: estimation_0001
Revises: 0001_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "estimation_0001"
down_revision = "0001_vault"
branch_labels = ("estimation",)
depends_on = None

SHA = sa.String(64)
TIME = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "estimation_runs",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("link_run", sa.Integer, nullable=False),
        sa.Column("link_run_seq", sa.BigInteger, nullable=False),
        sa.Column("clusters_sha256", SHA, nullable=False),
        sa.Column("by_variables", sa.Text, nullable=False),
        sa.Column("methods", sa.Text, nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("tables_sha256", SHA, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("result_sha256", SHA, nullable=False),
        sa.Column("tool_version", sa.String(60), nullable=False),
        sa.Column("operator", sa.Text, nullable=False),
        sa.Column("recorded_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_estimation_runs"),
    )


def downgrade() -> None:
    op.drop_table("estimation_runs")
