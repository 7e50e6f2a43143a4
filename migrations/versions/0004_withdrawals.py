"""withdrawn and cancelled cases, cancelled orders

Revision ID: 0004_withdrawals
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0004_withdrawals"
down_revision = "0003"
branch_labels = None
depends_on = None

# The values as they are from this migration on (0003 holds the earlier lists).
CASE_STATUSES = ["running", "completed", "rejected", "error", "withdrawn", "cancelled"]
EVENT_KINDS = [
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
NOTICE_KINDS = [
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
BEFORE = {
    "process_instance": ("status", ["running", "completed", "rejected", "error"]),
    "event": ("kind", EVENT_KINDS[:10] + EVENT_KINDS[13:]),
    "notification": ("kind", NOTICE_KINDS[:8]),
}
AFTER = {
    "process_instance": ("status", CASE_STATUSES),
    "event": ("kind", EVENT_KINDS),
    "notification": ("kind", NOTICE_KINDS),
}


def _condition(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace_checks(lists: dict[str, tuple[str, list[str]]]) -> None:
    for table, (column, values) in lists.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_{column}"), type_="check")
            batch_op.create_check_constraint(batch_op.f(f"ck_{table}_{column}"), _condition(column, values))


def upgrade() -> None:
    _replace_checks(AFTER)
    with op.batch_alter_table("training_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="issued"))
        batch_op.add_column(sa.Column("cancelled_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", workflows.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_training_order_cancelled_by_id_person"), "person", ["cancelled_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_training_order_status"), _condition("status", ["issued", "cancelled"])
        )
    with op.batch_alter_table("training_order", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("training_order", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_training_order_status"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_training_order_cancelled_by_id_person"), type_="foreignkey")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("cancelled_by_id")
        batch_op.drop_column("status")
    _replace_checks(BEFORE)
