"""a step's cost: the database writes the jobs a step's rows imply

Every notice has its email job beside it, and a case's pending timer jobs mirror the timers its
engine waits for. Both are now written by the database itself, in the statement that writes what
they follow from: a trigger on `notification` queues each notice's email, and one on
`process_instance` keeps the timer jobs in step with the case's new `timers` column (the moments,
as the `due_at` of a job stores them), cancelling the pending ones no longer waited for and adding
the ones missing. A step spends no statement of its own on jobs. Cases that wait already get their
`timers` from their pending timer jobs.

Revision ID: 0023_step_cost2
Revises: 0022_agreements
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_step_cost2"
down_revision = "0022_agreements"
branch_labels = None
depends_on = None

PENDING_TIMERS = "job.instance_id = process_instance.id AND job.kind = 'timer' AND job.status = 'pending'"

SQLITE = [
    f"""UPDATE process_instance SET timers = (
        SELECT json_group_array(due_at) FROM (SELECT due_at FROM job WHERE {PENDING_TIMERS} ORDER BY due_at)
    ) WHERE EXISTS (SELECT 1 FROM job WHERE {PENDING_TIMERS})""",
    """CREATE TRIGGER notification_email AFTER INSERT ON notification
    BEGIN
        INSERT INTO job (kind, instance_id, due_at, status, payload, attempts)
        VALUES ('email', NEW.instance_id, NEW.created_at, 'pending', json_object(
            'person_id', NEW.person_id, 'kind', NEW.kind, 'instance_id', NEW.instance_id,
            'task_id', NEW.task_id, 'data', json(NEW.data)), 0);
    END""",
    """CREATE TRIGGER process_instance_timers AFTER UPDATE OF timers ON process_instance
    WHEN OLD.timers IS NOT NEW.timers
    BEGIN
        UPDATE job SET status = 'cancelled'
        WHERE instance_id = NEW.id AND kind = 'timer' AND status = 'pending'
            AND due_at NOT IN (SELECT value FROM json_each(NEW.timers));
        INSERT INTO job (kind, instance_id, due_at, status, payload, attempts)
        SELECT 'timer', NEW.id, wanted.value, 'pending', '{}', 0 FROM json_each(NEW.timers) AS wanted
        WHERE NOT EXISTS (
            SELECT 1 FROM job WHERE job.instance_id = NEW.id AND job.kind = 'timer'
                AND job.status = 'pending' AND job.due_at = wanted.value
        )
        ORDER BY wanted.value;
    END""",
]

POSTGRESQL = [
    f"""UPDATE process_instance SET timers = (
        SELECT json_agg(to_char(due_at, 'YYYY-MM-DD HH24:MI:SS.US') ORDER BY due_at)
        FROM job WHERE {PENDING_TIMERS}
    ) WHERE EXISTS (SELECT 1 FROM job WHERE {PENDING_TIMERS})""",
    """CREATE FUNCTION email_notices() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO job (kind, instance_id, due_at, status, payload, attempts)
        SELECT 'email', n.instance_id, n.created_at, 'pending', json_build_object(
            'person_id', n.person_id, 'kind', n.kind, 'instance_id', n.instance_id,
            'task_id', n.task_id, 'data', n.data), 0
        FROM new_notices AS n ORDER BY n.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER notification_email AFTER INSERT ON notification
    REFERENCING NEW TABLE AS new_notices FOR EACH STATEMENT EXECUTE FUNCTION email_notices()""",
    """CREATE FUNCTION mirror_timers() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE job SET status = 'cancelled'
        WHERE instance_id = NEW.id AND kind = 'timer' AND status = 'pending'
            AND due_at NOT IN (SELECT value::timestamp FROM json_array_elements_text(NEW.timers));
        INSERT INTO job (kind, instance_id, due_at, status, payload, attempts)
        SELECT 'timer', NEW.id, wanted.due, 'pending', '{}', 0
        FROM (SELECT value::timestamp AS due FROM json_array_elements_text(NEW.timers)) AS wanted
        WHERE NOT EXISTS (
            SELECT 1 FROM job WHERE job.instance_id = NEW.id AND job.kind = 'timer'
                AND job.status = 'pending' AND job.due_at = wanted.due
        )
        ORDER BY wanted.due;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER process_instance_timers AFTER UPDATE OF timers ON process_instance FOR EACH ROW
    WHEN (OLD.timers::text IS DISTINCT FROM NEW.timers::text) EXECUTE FUNCTION mirror_timers()""",
]


def upgrade() -> None:
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timers", sa.JSON(), nullable=False, server_default="[]"))
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS process_instance_timers ON process_instance")
        op.execute("DROP FUNCTION IF EXISTS mirror_timers()")
        op.execute("DROP TRIGGER IF EXISTS notification_email ON notification")
        op.execute("DROP FUNCTION IF EXISTS email_notices()")
    else:
        op.execute("DROP TRIGGER IF EXISTS process_instance_timers")
        op.execute("DROP TRIGGER IF EXISTS notification_email")
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.drop_column("timers")
