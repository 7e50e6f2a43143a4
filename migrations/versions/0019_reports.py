"""reports: the annual report's versions, the quarterly data to HR, long exports, the reports' policy

The annual report (602-06) and the centre's report keep a row per version: a draft's narrative,
and what was approved, frozen. Each department's quarterly data to HR is a row opened when the
quarter ends and submitted by its head. The reports' policy (when the quarter's data is asked for,
by when, how large an export is made in the background) is one editable row. A long export is a
job of its own with a row keeping its progress and its file. Notices may tell a head that the
quarter's data is to be sent, and a reader that their report's file is ready.

Revision ID: 0019_reports
Revises: 0018_plan_use
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0019_reports"
down_revision = "0018_plan_use"
branch_labels = None
depends_on = None

NOTICE_KINDS_BEFORE = [
    "task_assigned",
    "approved",
    "returned",
    "rejected",
    "order_issued",
    "reminder",
    "escalation",
    "completed",
    "withdrawn",
    "order_cancelled",
    "incident",
    "periodicity_due",
    "periodicity_due_staff",
    "next_year_list",
    "overdue_step",
    "plan_reminder",
    "plan_escalation",
    "plan_approved",
]
NOTICE_KINDS = [*NOTICE_KINDS_BEFORE, "quarterly_due", "report_ready"]
JOB_KINDS_BEFORE = ["timer", "email", "periodicity", "import_preview", "plan_slip"]
JOB_KINDS = [*JOB_KINDS_BEFORE, "report_export"]


def _job_kinds(kinds: list[str]) -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_job_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_job_kind"), f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def _notice_check(kinds: list[str]) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notification_kind"), f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def upgrade() -> None:
    op.create_table(
        "annual_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("602-06", "centre", name="kind", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "approved", name="status", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("frozen", sa.JSON(), nullable=False),
        sa.Column("created_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["person.id"], name=op.f("fk_annual_report_approved_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_annual_report_created_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["person.id"], name=op.f("fk_annual_report_updated_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_report")),
        sa.UniqueConstraint("kind", "year", "version", name=op.f("uq_annual_report_kind_year_version")),
    )
    op.create_table(
        "quarterly_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("opened_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("submitted_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["person.id"], name=op.f("fk_quarterly_submission_submitted_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_quarterly_submission_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarterly_submission")),
        sa.UniqueConstraint(
            "unit_id", "year", "quarter", name=op.f("uq_quarterly_submission_unit_id_year_quarter")
        ),
    )
    with op.batch_alter_table("quarterly_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarterly_submission_unit_id"), ["unit_id"], unique=False)
    op.create_table(
        "reports_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarterly_opens_after_days", sa.Integer(), server_default="1", nullable=False),
        sa.Column("quarterly_due_days", sa.Integer(), server_default="10", nullable=False),
        sa.Column("export_background_rows", sa.Integer(), server_default="5000", nullable=False),
        sa.Column("updated_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["person.id"], name=op.f("fk_reports_setting_updated_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports_setting")),
    )
    op.execute("INSERT INTO reports_setting (id) VALUES (1)")
    op.create_table(
        "report_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "done",
                "failed",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("done_at", workflows.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_report_export_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_export")),
    )
    with op.batch_alter_table("report_export", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_export_person_id"), ["person_id"], unique=False)
    _notice_check(NOTICE_KINDS)
    _job_kinds(JOB_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE kind IN ('quarterly_due', 'report_ready')")
    _notice_check(NOTICE_KINDS_BEFORE)
    op.execute("DELETE FROM job WHERE kind = 'report_export'")
    _job_kinds(JOB_KINDS_BEFORE)
    with op.batch_alter_table("report_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_export_person_id"))
    op.drop_table("report_export")
    op.drop_table("reports_setting")
    with op.batch_alter_table("quarterly_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarterly_submission_unit_id"))
    op.drop_table("quarterly_submission")
    op.drop_table("annual_report")
