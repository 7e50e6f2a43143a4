"""register speed: the cases register's default order and its open steps read from indexes

The register's default order (newest first, the case id breaking ties) gets an index on both
columns, replacing the one on the start moment alone, which left every case in scope to be sorted
for a page. A case's open tasks get a partial index (the case, its due date, its id): the
register's current step, due date and overdue filter read a case's one or two open rows instead of
its whole history of finished steps. On PostgreSQL a case's summary is stored as jsonb: the
register reads its fields in every row it filters, sorts and counts, and json text was parsed
anew (every Cyrillic letter escaped) each time; the summary sort indexes are rebuilt with it.
SQLite gets plain indexes only: no table is rebuilt, its triggers on process_instance stay.

Revision ID: 0026_register_speed
Revises: 0024_quarterly
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_register_speed"
down_revision = "0024_quarterly"
branch_labels = None
depends_on = None

OPEN_TASK = "status = 'open'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE process_instance ALTER COLUMN summary TYPE jsonb USING summary::jsonb")
    op.create_index("ix_process_instance_started_at_id", "process_instance", ["started_at", "id"])
    op.drop_index("ix_process_instance_started_at", table_name="process_instance")
    op.create_index(
        "ix_human_task_open_instance",
        "human_task",
        ["instance_id", "due_date", "id"],
        sqlite_where=sa.text(OPEN_TASK),
        postgresql_where=sa.text(OPEN_TASK),
    )


def downgrade() -> None:
    op.drop_index("ix_human_task_open_instance", table_name="human_task")
    op.create_index("ix_process_instance_started_at", "process_instance", ["started_at"])
    op.drop_index("ix_process_instance_started_at_id", table_name="process_instance")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE process_instance ALTER COLUMN summary TYPE json USING summary::json")
