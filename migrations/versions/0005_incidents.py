"""incidents: where a case's diagram failed, kept to be retried

Revision ID: 0005_incidents
Revises: 0004_withdrawals
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0005_incidents"
down_revision = "0004_withdrawals"
branch_labels = None
depends_on = None

EVENT_KINDS_0004 = [
    "case_started",
    "task_completed",
    "task_claimed",
    "task_released",
    "timer_fired",
    "order_issued",
    "nonconformity",
    "case_completed",
    "case_rejected",
    "case_error",
    "case_withdrawn",
    "case_cancelled",
    "order_cancelled",
    "definition_published",
    "definition_republished",
    "draft_saved",
    "draft_discarded",
]
NOTICE_KINDS_0004 = [
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
]
LISTS = {
    "event": ("kind", EVENT_KINDS_0004, [*EVENT_KINDS_0004, "incident_retried"]),
    "notification": ("kind", NOTICE_KINDS_0004, [*NOTICE_KINDS_0004, "incident"]),
}


def _condition(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _checks(after: bool) -> None:
    for table, (column, before, later) in LISTS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_{column}"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_{column}"), _condition(column, later if after else before)
            )


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("process_key", sa.String(length=100), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("submitted", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("first_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("last_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('start', 'step', 'timer')", name=op.f("ck_incident_kind")),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f("ck_incident_status")),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"], name=op.f("fk_incident_actor_id_person")),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], name=op.f("fk_incident_instance_id_process_instance")),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name=op.f("fk_incident_job_id_job")),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["person.id"], name=op.f("fk_incident_resolved_by_id_person")),
        sa.ForeignKeyConstraint(["task_id"], ["human_task.id"], name=op.f("fk_incident_task_id_human_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index("ix_incident_open", ["status", "instance_id"], unique=False)
    _checks(after=True)


def downgrade() -> None:
    _checks(after=False)
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_open")
    op.drop_table("incident")
