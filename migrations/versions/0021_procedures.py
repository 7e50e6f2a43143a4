"""procedures: a process can be archived (no new cases), and the history says when

Revision ID: 0021_procedures
Revises: 0020_journal
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0021_procedures"
down_revision = "0020_journal"
branch_labels = None
depends_on = None

EVENT_KINDS_0013 = [
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
    "incident_retried",
    "notice_sent",
    "task_reassigned",
]
ADDED = ["definition_archived", "definition_unarchived"]


def _check(values: list[str]) -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_event_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_event_kind"), f"kind IN ({', '.join(repr(v) for v in values)})"
        )


def upgrade() -> None:
    op.create_table(
        "process_archive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=100), nullable=False),
        sa.Column("archived_by_id", sa.Integer(), nullable=False),
        sa.Column("archived_at", workflows.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["archived_by_id"], ["person.id"], name=op.f("fk_process_archive_archived_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_archive")),
        sa.UniqueConstraint("process_key", name=op.f("uq_process_archive_process_key")),
    )
    _check([*EVENT_KINDS_0013, *ADDED])


def downgrade() -> None:
    op.execute("DELETE FROM event WHERE kind IN ('definition_archived', 'definition_unarchived')")
    _check(EVENT_KINDS_0013)
    op.drop_table("process_archive")
