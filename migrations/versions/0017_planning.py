"""planning: the annual plan's campaigns, unit schedules, plan lines, department meetings and the
frozen approved versions; the head of the management apparatus as a role

A campaign per year runs as one instance of the `annual_plan` diagram; the schedules (602-01 per
department, the institutes', the consolidated 602-05) and their lines are rows. Roles are stored
with a CHECK on seats and tasks: both are re-created with the new role.

Revision ID: 0017_planning
Revises: 0016_registers
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0017_planning"
down_revision = "0016_registers"
branch_labels = None
depends_on = None

ROLES_BEFORE = [
    "employee",
    "department_head",
    "institute_director",
    "hr",
    "competence_centre",
    "rector",
    "finance",
    "legal",
    "process_owner",
    "admin",
]
ROLES = [*ROLES_BEFORE, "apparatus_head"]
ROLE_TABLES = ("role_assignment", "human_task")
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
]
NOTICE_KINDS = [*NOTICE_KINDS_BEFORE, "plan_reminder", "plan_escalation", "plan_approved"]


def _notice_check(kinds: list[str]) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notification_kind"), f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def _role_checks(roles: list[str]) -> None:
    for table in ROLE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_role"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_role"), f"role IN ({', '.join(repr(r) for r in roles)})"
            )


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "plan_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            _enum("status", "open", "consolidation", "finance", "approval", "approved", "cancelled"),
            nullable=False,
        ),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("individual_by", sa.Date(), nullable=False),
        sa.Column("departments_by", sa.Date(), nullable=False),
        sa.Column("institutes_by", sa.Date(), nullable=False),
        sa.Column("approval_by", sa.Date(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("approved_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_late", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        _fk("plan_campaign", "instance_id", "process_instance"),
        _fk("plan_campaign", "opened_by_id", "person"),
        _fk("plan_campaign", "approved_by_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_campaign")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_plan_campaign_instance_id")),
        sa.UniqueConstraint("year", name=op.f("uq_plan_campaign_year")),
    )
    op.create_table(
        "plan_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("level", _enum("level", "department", "institute", "university"), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            _enum("status", "draft", "submitted", "returned", "signed", "consolidated", "withdrawn"),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("submitted_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("late", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("return_comment", sa.Text(), nullable=True),
        sa.Column("returned_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", workflows.db.UTCDateTime(), nullable=False),
        _fk("plan_schedule", "campaign_id", "plan_campaign"),
        _fk("plan_schedule", "org_unit_id", "org_unit"),
        _fk("plan_schedule", "parent_id", "plan_schedule"),
        _fk("plan_schedule", "submitted_by_id", "person"),
        _fk("plan_schedule", "returned_by_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_schedule")),
        sa.UniqueConstraint(
            "campaign_id", "org_unit_id", name=op.f("uq_plan_schedule_campaign_id_org_unit_id")
        ),
    )
    with op.batch_alter_table("plan_schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_schedule_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_schedule_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_schedule_parent_id"), ["parent_id"], unique=False)
    op.create_table(
        "plan_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("minutes_number", sa.String(length=50), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", workflows.db.UTCDateTime(), nullable=False),
        _fk("plan_meeting", "schedule_id", "plan_schedule"),
        _fk("plan_meeting", "document_id", "document"),
        _fk("plan_meeting", "recorded_by_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_meeting")),
        sa.UniqueConstraint("schedule_id", name=op.f("uq_plan_meeting_schedule_id")),
    )
    op.create_table(
        "plan_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("origin", _enum("origin", "individual", "head", "hr", "carried"), nullable=False),
        sa.Column("status", _enum("status", "wish", "planned", "removed"), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("provider", sa.String(length=300), nullable=True),
        sa.Column("training_form", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("length_class", _enum("length_class", "master_class", "short", "long"), nullable=True),
        sa.Column("hours_flag", sa.String(length=64), nullable=True),
        sa.Column("funding_source", sa.String(length=32), nullable=False),
        sa.Column("estimated_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("relevance", sa.Text(), nullable=True),
        sa.Column("approve_above", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("finance_comment", sa.Text(), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.Column("moved_from_schedule_id", sa.Integer(), nullable=True),
        sa.Column("carried_from_line_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", workflows.db.UTCDateTime(), nullable=False),
        _fk("plan_line", "campaign_id", "plan_campaign"),
        _fk("plan_line", "schedule_id", "plan_schedule"),
        _fk("plan_line", "person_id", "person"),
        _fk("plan_line", "org_unit_id", "org_unit"),
        _fk("plan_line", "approved_by_id", "person"),
        _fk("plan_line", "moved_from_schedule_id", "plan_schedule"),
        _fk("plan_line", "carried_from_line_id", "plan_line"),
        _fk("plan_line", "created_by_id", "person"),
        _fk("plan_line", "updated_by_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_line")),
    )
    with op.batch_alter_table("plan_line", schema=None) as batch_op:
        batch_op.create_index("ix_plan_line_campaign_person", ["campaign_id", "person_id"], unique=False)
        batch_op.create_index("ix_plan_line_schedule_status", ["schedule_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_line_person_id"), ["person_id"], unique=False)
    op.create_table(
        "plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("approved_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("late", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("totals", sa.JSON(), nullable=False),
        _fk("plan_version", "campaign_id", "plan_campaign"),
        _fk("plan_version", "approved_by_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_version")),
        sa.UniqueConstraint("campaign_id", "number", name=op.f("uq_plan_version_campaign_id_number")),
    )
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_version_campaign_id"), ["campaign_id"], unique=False)
    op.create_table(
        "plan_version_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("provider", sa.String(length=300), nullable=True),
        sa.Column("training_form", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("funding_source", sa.String(length=32), nullable=False),
        sa.Column("estimated_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("relevance", sa.Text(), nullable=True),
        _fk("plan_version_line", "version_id", "plan_version"),
        _fk("plan_version_line", "line_id", "plan_line"),
        _fk("plan_version_line", "person_id", "person"),
        _fk("plan_version_line", "org_unit_id", "org_unit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_version_line")),
    )
    with op.batch_alter_table("plan_version_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plan_version_line_version_unit", ["version_id", "org_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_version_line_line_id"), ["line_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_version_line_person_id"), ["person_id"], unique=False)
    _role_checks(ROLES)
    _notice_check(NOTICE_KINDS)
    # A campaign's unit task is nobody's own case: it has no subject.
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.alter_column("subject_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    gone = "SELECT id FROM human_task WHERE role = 'apparatus_head' OR subject_id IS NULL"
    op.execute(f"DELETE FROM notification WHERE task_id IN ({gone})")
    op.execute(f"DELETE FROM incident WHERE task_id IN ({gone})")
    op.execute(f"DELETE FROM human_task WHERE id IN ({gone})")
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.alter_column("subject_id", existing_type=sa.Integer(), nullable=False)
    op.execute("DELETE FROM role_assignment WHERE role = 'apparatus_head'")
    _role_checks(ROLES_BEFORE)
    op.execute("DELETE FROM notification WHERE kind LIKE 'plan_%'")
    _notice_check(NOTICE_KINDS_BEFORE)
    op.drop_table("plan_version_line")
    op.drop_table("plan_version")
    op.drop_table("plan_line")
    op.drop_table("plan_meeting")
    op.drop_table("plan_schedule")
    op.drop_table("plan_campaign")
