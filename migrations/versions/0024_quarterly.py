"""quarterly: each department's quarterly data to HR is worked as a case of its diagram

A quarter's submission row names the case of bpmn/quarterly_data.bpmn that asks its head for it
(one case per row). Rows kept from before stay as they are: the sent ones are HR's history, and a
row still waiting in its quarter's window gets its case from the next daily sweep.

Revision ID: 0024_quarterly
Revises: 0023_step_cost2
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_quarterly"
down_revision = "0023_step_cost2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quarterly_submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("instance_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_quarterly_submission_instance_id_process_instance"),
            "process_instance",
            ["instance_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(batch_op.f("uq_quarterly_submission_instance_id"), ["instance_id"])


def downgrade() -> None:
    with op.batch_alter_table("quarterly_submission", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_quarterly_submission_instance_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_quarterly_submission_instance_id_process_instance"), type_="foreignkey"
        )
        batch_op.drop_column("instance_id")
