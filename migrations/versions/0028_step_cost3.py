"""a step's cost: the case's pending jobs are found without reading its finished ones

Every step that changes a case's timers has the database look up the case's pending timer jobs
(the trigger of 0023_step_cost2), and so does the worker: through the index on `job.instance_id`
alone that read went through every job the case ever had, its sent emails and cancelled timers
included, and a case sent back and forth two hundred times has over a thousand. The index now
leads with the case and the job's status and kind, so the lookup reads the pending ones only;
it serves every lookup by case the old one did. The triggers stay as they are.

Revision ID: 0028_step_cost3
Revises: 0027_inbox_speed
"""

from alembic import op

revision = "0028_step_cost3"
down_revision = "0027_inbox_speed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE/DROP INDEX: no table is rebuilt, so the triggers on `job` stay in place.
    op.create_index("ix_job_instance_status_kind", "job", ["instance_id", "status", "kind"])
    op.drop_index("ix_job_instance_id", table_name="job")


def downgrade() -> None:
    op.create_index("ix_job_instance_id", "job", ["instance_id"])
    op.drop_index("ix_job_instance_status_kind", table_name="job")
