"""linkage: lists removed or replaced, kept out of the current view

Revision ID: linkage_0003
Revises: linkage_0002

A list is removed or replaced by an event that marks its row (``removed_seq``) and
records why (``list_removals``). A replacement keeps the list's name, so a name is
unique among current lists only: the unique constraint becomes a partial unique index.

SQLite cannot drop a constraint, so ``victim_lists`` is rebuilt. Its records refer to
it; the rebuild defers the foreign keys to the end of the migration's transaction (a
``DROP TABLE`` of a referenced table otherwise fails, and rows copied back under the
same ids satisfy the references again before the transaction commits).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "linkage_0003"
down_revision = "linkage_0002"
branch_labels = None
depends_on = None

SHA = sa.String(64)
TIME = sa.String(40)
CURRENT = sa.text("removed_seq IS NULL")
COLUMNS = "id, name, file_name, file_sha256, rows, mapping, imported_at, seq"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite()
    else:
        op.drop_constraint("uq_victim_lists_name", "victim_lists", type_="unique")
        op.add_column("victim_lists", sa.Column("removed_seq", sa.BigInteger, nullable=True))
    op.create_index("ix_victim_lists_name", "victim_lists", ["name"], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)  # fmt: skip
    op.create_table(
        "list_removals",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "list_id",
            sa.Integer,
            sa.ForeignKey("victim_lists.id", name="fk_list_removals_list_id_victim_lists"),
            nullable=False,
        ),
        sa.Column(
            "replaced_by",
            sa.Integer,
            sa.ForeignKey("victim_lists.id", name="fk_list_removals_replaced_by_victim_lists"),
        ),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("removed_by", sa.Text, nullable=False),
        sa.Column("removed_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_list_removals"),
    )


def _rebuild_on_sqlite() -> None:
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TABLE victim_lists_before_0003 AS SELECT {COLUMNS} FROM victim_lists")  # noqa: S608
    op.drop_table("victim_lists")
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
        sa.Column("removed_seq", sa.BigInteger, nullable=True),
    )
    op.execute(
        f"INSERT INTO victim_lists ({COLUMNS}) SELECT {COLUMNS} FROM victim_lists_before_0003"  # noqa: S608
    )
    op.drop_table("victim_lists_before_0003")


def downgrade() -> None:
    op.drop_table("list_removals")
    op.drop_index("ix_victim_lists_name", table_name="victim_lists")
    with op.batch_alter_table("victim_lists") as batch:
        batch.drop_column("removed_seq")
        batch.create_unique_constraint("uq_victim_lists_name", ["name"])
