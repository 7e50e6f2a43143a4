"""states as checked values, events by process, one row per engine task, full constraint names

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The values as they were when this migration was written (a later one changes them, never this).
ROLES = [
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
CHECKS = {
    "process_instance": {"status": ["running", "completed", "rejected", "error"]},
    "human_task": {"status": ["open", "completed", "cancelled"], "role": ROLES},
    "job": {"kind": ["timer", "email"], "status": ["pending", "done", "failed", "cancelled"]},
    "event": {
        "kind": [
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
            "definition_published",
            "definition_republished",
            "draft_saved",
            "draft_discarded",
        ]
    },
    "notification": {
        "kind": [
            "task_assigned",
            "approved",
            "returned",
            "rejected",
            "order_issued",
            "reminder",
            "escalation",
            "completed",
        ]
    },
    "role_assignment": {"role": ROLES},
}


def _condition(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _backfill_process_keys() -> None:
    event = sa.table(
        "event",
        sa.column("id", sa.Integer),
        sa.column("instance_id", sa.Integer),
        sa.column("process_key", sa.String),
        sa.column("data", sa.JSON),
    )
    instance = sa.table("process_instance", sa.column("id", sa.Integer), sa.column("process_key", sa.String))
    bind = op.get_bind()
    bind.execute(
        event.update()
        .where(event.c.instance_id.is_not(None))
        .values(
            process_key=sa.select(instance.c.process_key)
            .where(instance.c.id == event.c.instance_id)
            .scalar_subquery()
        )
    )
    for event_id, data in bind.execute(sa.select(event.c.id, event.c.data).where(event.c.instance_id.is_(None))):
        key = (data or {}).get("process_key")
        if isinstance(key, str):
            bind.execute(event.update().where(event.c.id == event_id).values(process_key=key[:100]))


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("process_key", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_event_process_key"), ["process_key"], unique=False)
    _backfill_process_keys()
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_process_version_process_key"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_process_version_process_key_version"), ["process_key", "version"]
        )
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_human_task_instance_id_engine_task_id"), ["instance_id", "engine_task_id"]
        )
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns.items():
                batch_op.create_check_constraint(batch_op.f(f"ck_{table}_{column}"), _condition(column, values))


def downgrade() -> None:
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(batch_op.f(f"ck_{table}_{column}"), type_="check")
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_human_task_instance_id_engine_task_id"), type_="unique")
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_process_version_process_key_version"), type_="unique")
        batch_op.create_unique_constraint("uq_process_version_process_key", ["process_key", "version"])
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_process_key"))
        batch_op.drop_column("process_key")
