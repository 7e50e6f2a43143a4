"""inbox speed: partial indexes on open tasks, in the inbox's order

The inbox reads a person's open tasks as branches, one per seat they hold and one for the tasks
assigned to them (workflows/cases/inbox.py). Each branch is a range of one of these indexes, which
hold open tasks only (a finished step leaves them) and are sorted as the page is; on PostgreSQL
the seat index carries the subject and the assignee too, so the list and its counts are read from
the index without visiting the table.

Revision ID: 0027_inbox_speed
Revises: 0026_register_speed
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_inbox_speed"
down_revision = "0026_register_speed"
branch_labels = None
depends_on = None

OPEN_TASK = "status = 'open'"


def upgrade() -> None:
    op.create_index(
        "ix_human_task_ready_seat",
        "human_task",
        ["role", "org_unit_id", "due_date", "id"],
        postgresql_include=["subject_id", "assignee_id"],
        postgresql_where=sa.text(OPEN_TASK),
        sqlite_where=sa.text(OPEN_TASK),
    )
    op.create_index(
        "ix_human_task_ready_assignee",
        "human_task",
        ["assignee_id", "due_date", "id"],
        postgresql_where=sa.text(OPEN_TASK),
        sqlite_where=sa.text(OPEN_TASK),
    )


def downgrade() -> None:
    op.drop_index("ix_human_task_ready_assignee", table_name="human_task")
    op.drop_index("ix_human_task_ready_seat", table_name="human_task")
