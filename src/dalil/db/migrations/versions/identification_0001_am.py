"""identification: AM reports, sealed contacts, portraits, faces, decisions, tasks

Revision ID: identification_0001
Revises: 0001_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "identification_0001"
down_revision = "0001_vault"
branch_labels = ("identification",)
depends_on = None

SHA = sa.String(64)
TIME = sa.String(40)
CASE_ID = sa.String(100)


def _report_fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey("am_reports.id", name=f"fk_{table}_report_id_am_reports")


def upgrade() -> None:
    op.create_table(
        "am_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("person", sa.Text),
        sa.Column("consent_identification", sa.Boolean, nullable=False),
        sa.Column("consent_court", sa.Boolean, nullable=False),
        sa.Column("share_with", sa.Text, nullable=False),
        sa.Column("source", sa.String(60)),
        sa.Column("commitment", SHA),
        sa.Column("received_at", TIME, nullable=False),
        sa.Column("received_by", sa.Text, nullable=False),
        sa.Column("received_seq", sa.BigInteger, nullable=False),
        sa.Column("updated_seq", sa.BigInteger, nullable=False),
        sa.Column("withdrawn_at", TIME),
        sa.Column("withdrawn_seq", sa.BigInteger),
        sa.UniqueConstraint("code", name="uq_am_reports_code"),
    )
    op.create_table(
        "am_keys",
        sa.Column("report_id", sa.Integer, _report_fk("am_keys"), primary_key=True),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "am_contacts",
        sa.Column("report_id", sa.Integer, _report_fk("am_contacts"), primary_key=True),
        sa.Column("field", sa.String(40), primary_key=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "am_portraits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, _report_fk("am_portraits"), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("commitment", SHA, nullable=False),
        sa.Column("added_seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_am_portraits_report_id", "am_portraits", ["report_id"])
    op.create_table(
        "am_faces",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "portrait_id",
            sa.Integer,
            sa.ForeignKey("am_portraits.id", name="fk_am_faces_portrait_id_am_portraits"),
            nullable=False,
        ),
        sa.Column("report_id", sa.Integer, _report_fk("am_faces"), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("quality", sa.Float, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
    )
    op.create_index("ix_am_faces_report_id", "am_faces", ["report_id"])
    op.create_table(
        "pm_faces",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", CASE_ID, nullable=False),
        sa.Column(
            "object_sha256",
            SHA,
            sa.ForeignKey("objects.sha256", name="fk_pm_faces_object_sha256_objects"),
            nullable=False,
        ),
        sa.Column("embedding", sa.LargeBinary, nullable=False),
        sa.Column("quality", sa.Float, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_pm_faces_case_id", "pm_faces", ["case_id"])
    op.create_index("ix_pm_faces_object_sha256", "pm_faces", ["object_sha256"])
    op.create_table(
        "match_decisions",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("report_id", sa.Integer, _report_fk("match_decisions"), nullable=False),
        sa.Column("case_id", CASE_ID, nullable=False),
        sa.Column("reviewer", sa.Text, nullable=False),
        sa.Column("decision", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("decided_at", TIME, nullable=False),
    )
    op.create_index(
        "ix_match_decisions_report_id_case_id", "match_decisions", ["report_id", "case_id"]
    )
    op.create_table(
        "exclusion_overrides",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("report_id", sa.Integer, _report_fk("exclusion_overrides"), nullable=False),
        sa.Column("case_id", CASE_ID, nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("reviewer", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("decided_at", TIME, nullable=False),
    )
    op.create_index(
        "ix_exclusion_overrides_report_id_case_id",
        "exclusion_overrides",
        ["report_id", "case_id"],
    )
    op.create_table(
        "notification_tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, _report_fk("notification_tasks"), nullable=False),
        sa.Column("case_id", CASE_ID, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("assigned_role", sa.String(40), nullable=False),
        sa.Column("assigned_to", sa.Text),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_seq", sa.BigInteger, nullable=False),
        sa.Column("closed_at", TIME),
        sa.Column("closed_seq", sa.BigInteger),
        sa.Column("outcome", sa.Text),
    )
    op.create_index("ix_notification_tasks_report_id", "notification_tasks", ["report_id"])


def downgrade() -> None:
    for table in (
        "notification_tasks",
        "exclusion_overrides",
        "match_decisions",
        "pm_faces",
        "am_faces",
        "am_portraits",
        "am_contacts",
        "am_keys",
        "am_reports",
    ):
        op.drop_table(table)
