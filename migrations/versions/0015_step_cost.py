"""a step's cost: PostgreSQL announces new jobs itself

A statement-level trigger on `job` sends the NOTIFY that wakes sleeping workers whenever jobs are
inserted (the payload is the schema, so installations sharing a database wake only their own):
a step no longer spends a statement of its own on it, and every insert of a job is announced.

Revision ID: 0015_step_cost
Revises: 0014_accounts
"""

from alembic import op

revision = "0015_step_cost"
down_revision = "0014_accounts"
branch_labels = None
depends_on = None

CHANNEL = "biliktilik_jobs"  # workflows.cases.steps.JOBS_CHANNEL when this was written


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION announce_jobs() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', current_schema()); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER job_announce AFTER INSERT ON job FOR EACH STATEMENT EXECUTE FUNCTION announce_jobs()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS job_announce ON job")
    op.execute("DROP FUNCTION IF EXISTS announce_jobs()")
