"""linkage: every list record, pair and cluster names the event that inserted it

Revision ID: linkage_0002
Revises: linkage_0001

Rows written before this revision name their event through their list or run; the
number is copied onto each row, so that verify reads the rows in the order of the log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "linkage_0002"
down_revision = "linkage_0001"
branch_labels = None
depends_on = None

ADDED = {
    "list_records": ("list_id", "victim_lists", ("seq", "id")),
    "link_pairs": ("run_id", "link_runs", ("seq", "record_a", "record_b")),
    "link_clusters": ("run_id", "link_runs", ("seq", "record")),
}


def upgrade() -> None:
    for table, (parent_key, parent, index) in ADDED.items():
        op.add_column(table, sa.Column("seq", sa.BigInteger, nullable=True))
        op.execute(
            f"UPDATE {table} SET seq = (SELECT {parent}.seq FROM {parent} "  # noqa: S608
            f"WHERE {parent}.id = {table}.{parent_key})"
        )
        op.create_index(f"ix_{table}_{'_'.join(index)}", table, list(index))


def downgrade() -> None:
    for table, (_, _, index) in ADDED.items():
        op.drop_index(f"ix_{table}_{'_'.join(index)}", table_name=table)
        op.drop_column(table, "seq")
