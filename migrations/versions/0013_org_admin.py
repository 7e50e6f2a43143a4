"""org admin: a case's history records a task handed to another person

Revision ID: 0013_org_admin
Revises: 0012_staff_import
"""

from alembic import op

revision = "0013_org_admin"
down_revision = "0012_staff_import"
branch_labels = None
depends_on = None

EVENT_KINDS_0008 = [
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
]


def _condition(values: list[str]) -> str:
    return f"kind IN ({', '.join(repr(v) for v in values)})"


def _check(values: list[str]) -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_event_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_event_kind"), _condition(values))


def upgrade() -> None:
    _check([*EVENT_KINDS_0008, "task_reassigned"])


def downgrade() -> None:
    op.execute("DELETE FROM event WHERE kind = 'task_reassigned'")
    _check(EVENT_KINDS_0008)
