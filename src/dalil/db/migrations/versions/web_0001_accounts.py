"""web: roles granted per collection, reveals of images, credentials, sessions, logins

Revision ID: web_0001
Revises: 0001_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "web_0001"
down_revision = "0001_vault"
branch_labels = ("web",)
depends_on = None

SHA = sa.String(64)
TIME = sa.String(40)
PERSON = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "web_grants",
        sa.Column("person", PERSON, nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("collection", sa.String(200), nullable=False),
        sa.Column("granted_seq", sa.BigInteger, nullable=False),
        sa.Column("granted_by", sa.Text, nullable=False),
        sa.Column("granted_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("person", "role", "collection", name="pk_web_grants"),
    )
    op.create_table(
        "web_reveals",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("person", PERSON, nullable=False),
        sa.Column("sha256", SHA, nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("session", sa.String(32), nullable=False),
        sa.Column("seconds", sa.Integer, nullable=False),
        sa.Column("revealed_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_web_reveals"),
    )
    op.create_index("ix_web_reveals_session_sha256", "web_reveals", ["session", "sha256"])
    op.create_table(
        "web_credentials",
        sa.Column("person", PERSON, nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("password_set_at", TIME),
        sa.Column("totp_secret", sa.Text),
        sa.Column("totp_last_step", sa.BigInteger),
        sa.Column("disabled_at", TIME),
        sa.PrimaryKeyConstraint("person", name="pk_web_credentials"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_sha256", SHA, nullable=False),
        sa.Column("sid", sa.String(32), nullable=False),
        sa.Column("person", PERSON, nullable=False),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("seen_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("token_sha256", name="pk_web_sessions"),
        sa.UniqueConstraint("sid", name="uq_web_sessions_sid"),
    )
    op.create_index("ix_web_sessions_person", "web_sessions", ["person"])
    op.create_table(
        "web_login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("account", SHA, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_login_attempts"),
    )
    op.create_index("ix_web_login_attempts_account_at", "web_login_attempts", ["account", "at"])
    op.create_index("ix_web_login_attempts_ip_at", "web_login_attempts", ["ip", "at"])


def downgrade() -> None:
    for name in ("web_login_attempts", "web_sessions", "web_credentials", "web_reveals",
                 "web_grants"):  # fmt: skip
        op.drop_table(name)
