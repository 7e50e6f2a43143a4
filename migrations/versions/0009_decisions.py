"""decision tables as definitions: a kind on published versions and drafts

Versions and drafts get `kind` (process | decision, checked); every existing row is a process.
DMN decision tables (the periodicity policy) are then published, versioned and drafted like the
diagrams.

Revision ID: 0009_decisions
Revises: 0008_people
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_decisions"
down_revision = "0008_people"
branch_labels = None
depends_on = None

TABLES = ("process_version", "process_draft")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("kind", sa.String(length=16), server_default="process", nullable=False)
            )
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_kind"), "kind IN ('process', 'decision')"
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_kind"), type_="check")
            batch_op.drop_column("kind")
