"""linkage: victim lists, records, decisions, linkage runs, pairs and clusters

Revision ID: linkage_0001
Revises: 0001_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "linkage_0001"
down_revision = "0001_vault"
branch_labels = ("linkage",)
depends_on = None

SHA = sa.String(64)
TIME = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "victim_lists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("file_sha256", SHA, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("mapping", sa.Text, nullable=False),
        sa.Column("imported_at", TIME, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("name", name="uq_victim_lists_name"),
    )
    op.create_table(
        "list_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "list_id",
            sa.Integer,
            sa.ForeignKey("victim_lists.id", name="fk_list_records_list_id_victim_lists"),
            nullable=False,
        ),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.UniqueConstraint("list_id", "record_id", name="uq_list_records_list_id_record_id"),
    )
    op.create_table(
        "link_decisions",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("list_a", sa.String(200), nullable=False),
        sa.Column("record_a", sa.String(200), nullable=False),
        sa.Column("list_b", sa.String(200), nullable=False),
        sa.Column("record_b", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("decided_at", TIME, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_link_decisions_list_a_record_a_list_b_record_b",
        "link_decisions",
        ["list_a", "record_a", "list_b", "record_b"],
    )
    op.create_table(
        "link_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("finished_at", TIME, nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("candidate_pairs", sa.BigInteger, nullable=False),
        sa.Column("clusters", sa.Integer, nullable=False),
    )
    op.create_table(
        "link_pairs",
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("link_runs.id", name="fk_link_pairs_run_id_link_runs"),
            primary_key=True,
        ),
        sa.Column(
            "record_a",
            sa.Integer,
            sa.ForeignKey("list_records.id", name="fk_link_pairs_record_a_list_records"),
            primary_key=True,
        ),
        sa.Column(
            "record_b",
            sa.Integer,
            sa.ForeignKey("list_records.id", name="fk_link_pairs_record_b_list_records"),
            primary_key=True,
        ),
        sa.Column("match_weight", sa.Float, nullable=False),
        sa.Column("match_probability", sa.Float, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
    )
    op.create_table(
        "link_clusters",
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("link_runs.id", name="fk_link_clusters_run_id_link_runs"),
            primary_key=True,
        ),
        sa.Column(
            "record",
            sa.Integer,
            sa.ForeignKey("list_records.id", name="fk_link_clusters_record_list_records"),
            primary_key=True,
        ),
        sa.Column("cluster", sa.Integer, nullable=False),
    )
    op.create_index("ix_link_clusters_run_id_cluster", "link_clusters", ["run_id", "cluster"])


def downgrade() -> None:
    for table in (
        "link_clusters",
        "link_pairs",
        "link_runs",
        "link_decisions",
        "list_records",
        "victim_lists",
    ):
        op.drop_table(table)
