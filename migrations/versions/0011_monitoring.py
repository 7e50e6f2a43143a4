"""periodicity monitoring: what the sweep has said (once per person and period), the sweep's job
kind, and the notices it sends without a case

Revision ID: 0011_monitoring
Revises: 0010_records
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0011_monitoring"
down_revision = "0010_records"
branch_labels = None
depends_on = None

NOTICE_KINDS_0010 = [
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
    "incident",
]
JOB_KINDS_0010 = ["timer", "email"]
LISTS = {
    "notification": (
        "kind",
        NOTICE_KINDS_0010,
        [*NOTICE_KINDS_0010, "periodicity_due", "periodicity_due_staff", "next_year_list"],
    ),
    "job": ("kind", JOB_KINDS_0010, [*JOB_KINDS_0010, "periodicity"]),
}


def _condition(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _checks(after: bool) -> None:
    for table, (column, before, later) in LISTS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_{column}"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_{column}"), _condition(column, later if after else before)
            )


def upgrade() -> None:
    op.create_table(
        "periodicity_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "reminder",
                "not_met",
                "next_year_list",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("created_at", workflows.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_periodicity_notice_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periodicity_notice")),
        sa.UniqueConstraint("kind", "person_id", "period", name=op.f("uq_periodicity_notice_kind_person_id_period")),
    )
    with op.batch_alter_table("periodicity_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_periodicity_notice_person_id"), ["person_id"], unique=False)
    _checks(after=True)


def downgrade() -> None:
    op.execute(
        "DELETE FROM notification WHERE kind IN ('periodicity_due', 'periodicity_due_staff', 'next_year_list')"
    )
    op.execute("DELETE FROM job WHERE kind = 'periodicity'")
    _checks(after=False)
    with op.batch_alter_table("periodicity_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_periodicity_notice_person_id"))
    op.drop_table("periodicity_notice")
