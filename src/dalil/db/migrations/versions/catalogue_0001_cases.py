"""catalogue: readings of the numbers, groupings into cases, double-entry review

Revision ID: catalogue_0001
Revises: 0001_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "catalogue_0001"
down_revision = "0001_vault"
branch_labels = ("catalogue",)
depends_on = None

SHA = sa.String(64)
TIME = sa.String(40)
NUMBER = sa.String(20)
CASE_ID = sa.String(16)


def _fields(with_confident: bool) -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = []
    for name in ("detainee", "branch", "report"):
        columns.append(sa.Column(name, NUMBER))
        columns.append(sa.Column(f"{name}_bp", sa.Integer, nullable=False))
        if with_confident:
            columns.append(sa.Column(f"{name}_confident", sa.Boolean, nullable=False))
    return columns


def upgrade() -> None:
    op.create_table(
        "catalogue_readings",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "sha256",
            SHA,
            sa.ForeignKey("objects.sha256", name="fk_catalogue_readings_sha256_objects"),
            nullable=False,
        ),
        sa.Column("reader", sa.String(40), nullable=False),
        sa.Column("script", sa.String(10)),
        sa.Column("layout", sa.String(20)),
        sa.Column("lines", sa.Text, nullable=False),
        *_fields(with_confident=False),
        sa.Column("card", sa.Text),
        sa.Column("flags", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_catalogue_readings"),
        sa.UniqueConstraint("sha256", "reader", name="uq_catalogue_readings_sha256_reader"),
    )
    op.create_table(
        "catalogue_groupings",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("reader", sa.String(40), nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("vocabulary_sha256", SHA, nullable=False),
        sa.Column("photos", sa.Integer, nullable=False),
        sa.Column("cases", sa.Integer, nullable=False),
        sa.Column("unassigned", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_catalogue_groupings"),
    )
    op.create_table(
        "catalogue_cases",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("grouping_seq", sa.BigInteger, nullable=False),
        sa.Column("case_id", CASE_ID, nullable=False),
        sa.Column("category", sa.String(12), nullable=False),
        sa.Column("session", sa.Text, nullable=False),
        sa.Column("photos", sa.Text, nullable=False),
        sa.Column("first_taken", TIME),
        sa.Column("last_taken", TIME),
        *_fields(with_confident=True),
        sa.Column("flags", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_catalogue_cases"),
        sa.UniqueConstraint(
            "grouping_seq", "case_id", name="uq_catalogue_cases_grouping_seq_case_id"
        ),
    )
    op.create_index("ix_catalogue_cases_case_id", "catalogue_cases", ["case_id"])
    op.create_table(
        "catalogue_entries",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("case_id", CASE_ID, nullable=False),
        sa.Column("grouping_seq", sa.BigInteger, nullable=False),
        sa.Column("reviewer", sa.Text, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("detainee", NUMBER, nullable=False),
        sa.Column("branch", NUMBER, nullable=False),
        sa.Column("report", NUMBER, nullable=False),
        sa.Column("typed", sa.Text, nullable=False),
        sa.Column("replaces", sa.BigInteger),
        sa.PrimaryKeyConstraint("seq", name="pk_catalogue_entries"),
    )
    op.create_index("ix_catalogue_entries_case_id", "catalogue_entries", ["case_id"])
    op.create_table(
        "catalogue_confirmations",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("case_id", CASE_ID, nullable=False),
        sa.Column("field", sa.String(10), nullable=False),
        sa.Column("value", NUMBER, nullable=False),
        sa.Column("entries", sa.Text, nullable=False),
        sa.Column("reviewers", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_catalogue_confirmations"),
    )
    op.create_index("ix_catalogue_confirmations_case_id", "catalogue_confirmations", ["case_id"])


def downgrade() -> None:
    for table in (
        "catalogue_confirmations",
        "catalogue_entries",
        "catalogue_cases",
        "catalogue_groupings",
        "catalogue_readings",
    ):
        op.drop_table(table)
