"""authenticity: analysis runs, findings (superseded, never edited), measurement cache

Revision ID: authenticity_0001
Revises: 0001_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "authenticity_0001"
down_revision = "0001_vault"
branch_labels = ("authenticity",)
depends_on = None

SHA = sa.String(64)
TIME = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "authenticity_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("tool_version", sa.String(60), nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("parameters_sha256", SHA, nullable=False),
        sa.Column("inputs_sha256", SHA, nullable=False),
        sa.Column("images", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("started_seq", sa.BigInteger, nullable=False),
        sa.Column("finished_at", TIME),
        sa.Column("finished_seq", sa.BigInteger),
        sa.Column("summary", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_authenticity_runs"),
        sa.UniqueConstraint("started_seq", name="uq_authenticity_runs_started_seq"),
        sa.UniqueConstraint("finished_seq", name="uq_authenticity_runs_finished_seq"),
    )
    op.create_table(
        "authenticity_findings",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey(
                "authenticity_runs.id", name="fk_authenticity_findings_run_id_authenticity_runs"
            ),
            nullable=False,
        ),
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column(
            "sha256",
            SHA,
            sa.ForeignKey("objects.sha256", name="fk_authenticity_findings_sha256_objects"),
            nullable=False,
        ),
        sa.Column("check", sa.String(20), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("score", sa.String(60)),
        sa.Column("camera", sa.Text),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("tool_version", sa.String(60), nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("error_rate", sa.Text, nullable=False),
        sa.Column("body_sha256", SHA, nullable=False),
        sa.Column("superseded_seq", sa.BigInteger),
        sa.PrimaryKeyConstraint("seq", name="pk_authenticity_findings"),
        sa.UniqueConstraint("superseded_seq", name="uq_authenticity_findings_superseded_seq"),
    )
    op.create_index("ix_authenticity_findings_sha256", "authenticity_findings", ["sha256"])
    op.create_index(
        "ix_authenticity_findings_check_severity", "authenticity_findings", ["check", "severity"]
    )
    op.create_index(
        "ix_authenticity_findings_scope_superseded_seq",
        "authenticity_findings",
        ["scope", "superseded_seq"],
    )
    op.create_table(
        "authenticity_measurements",
        sa.Column("sha256", SHA, nullable=False),
        sa.Column("key", SHA, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("sha256", "key", name="pk_authenticity_measurements"),
    )


def downgrade() -> None:
    op.drop_table("authenticity_measurements")
    op.drop_table("authenticity_findings")
    op.drop_table("authenticity_runs")
