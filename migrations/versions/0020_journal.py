"""journal: the nonconformity journal worked as a process, records kept, the register's indexes

Nonconformity entries get the key of their cause (one entry per cause), their own unit, the case
of the journal's diagram that works them and its stage, the cause, who answers for it, who opened
it, the action's completion and the escalation. Notices may say a corrective action falls due.
The retention periods of 000's list of forms are written as editable rows. The cases register's
sorts on summary fields get expression indexes, both on PostgreSQL only, with a trigram index for its search.

Revision ID: 0020_journal
Revises: 0019_reports
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0020_journal"
down_revision = "0019_reports"
branch_labels = None
depends_on = None

# Written out: the values the product knows with this revision (not read from the live enum).
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
    "incident",
    "periodicity_due",
    "periodicity_due_staff",
    "next_year_list",
    "overdue_step",
    "plan_reminder",
    "plan_escalation",
    "plan_approved",
    "quarterly_due",
    "report_ready",
    "action_due",
]
NOTICE_KINDS_BEFORE = [kind for kind in NOTICE_KINDS if kind != "action_due"]
# 000's list of forms (ҚазҰТЗУ 602 ҚП): what is kept, the form, for how many years.
RETENTION = [
    ("schedule", "602-01", 5),  # the qualification improvement schedule: the cases and their orders
    ("staff_lists", "602-02", 3),  # the lists of teaching and support staff: the staff imports
    ("department_staff", "602-03", 3),  # a department's teaching staff
    ("consolidated_schedule", "602-05", 5),  # the consolidated schedule: the certificates counted
    ("annual_report", "602-06", 5),  # the annual report
    ("journal", "602-06", 5),  # the nonconformity journal, analysed in the annual report (000 §11.6)
]
NONCONFORMITY_COLUMNS = [
    ("source_key", lambda: sa.String(length=200)),
    ("unit_id", sa.Integer),
    ("flow_id", sa.Integer),
    ("stage", lambda: sa.String(length=32)),
    ("cause", sa.Text),
    ("responsible_id", sa.Integer),
    ("opened_by_id", sa.Integer),
    ("action_done_on", sa.Date),
    ("action_done_note", sa.Text),
    ("escalated_at", workflows.db.UTCDateTime),
]
NONCONFORMITY_KEYS = [("unit_id", "org_unit"), ("flow_id", "process_instance"), ("responsible_id", "person")]
NONCONFORMITY_KEYS += [("opened_by_id", "person")]
# The cases register's sorts on summary fields (workflows/reports/summary_fields.py writes the
# same expressions): both directions, empty values last, the case id breaking ties.
SORTED = [("course", False), ("start_date", False), ("cost", True)]


def _expression(dialect: str, key: str, number: bool) -> str:
    text = f"(summary ->> '{key}')"
    return f"(CAST(summary ->> '{key}' AS DOUBLE PRECISION))" if number else text


def _notice_check(kinds: list[str]) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notification_kind"), f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def _sort_indexes() -> None:
    """PostgreSQL only: SQLite's planner sorted a page's candidates in memory rather than read
    such indexes, so there they would only cost writes."""
    dialect = op.get_bind().dialect.name
    if dialect != "postgresql":
        return
    for key, number in SORTED:
        expression = _expression(dialect, key, number)
        op.execute(
            f"CREATE INDEX ix_process_instance_sort_{key} ON process_instance ({expression} ASC NULLS LAST, id ASC)"
        )
        op.execute(
            f"CREATE INDEX ix_process_instance_sort_{key}_desc ON process_instance "
            f"({expression} DESC NULLS LAST, id DESC)"
        )
    # Trigram search on the case-folded employee, course, provider and key; the extension lives
    # in one schema of the database, whichever created it first.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    schema = op.get_bind().scalar(
        sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    )
    op.execute(
        "CREATE INDEX ix_process_instance_search_trgm ON process_instance "
        f"USING gin (search_text {schema}.gin_trgm_ops)"
    )


def upgrade() -> None:
    with op.batch_alter_table("nonconformity", schema=None) as batch_op:
        for name, kind in NONCONFORMITY_COLUMNS:
            batch_op.add_column(sa.Column(name, kind(), nullable=True))
        for column, table in NONCONFORMITY_KEYS:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_nonconformity_{column}_{table}"), table, [column], ["id"]
            )
        batch_op.create_unique_constraint(batch_op.f("uq_nonconformity_source_key"), ["source_key"])
        batch_op.create_index(batch_op.f("ix_nonconformity_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nonconformity_flow_id"), ["flow_id"], unique=False)
    retention = op.create_table(
        "retention_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("form", sa.String(length=32), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("updated_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["person.id"], name=op.f("fk_retention_period_updated_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_period")),
        sa.UniqueConstraint("kind", name=op.f("uq_retention_period_kind")),
    )
    op.bulk_insert(retention, [{"kind": k, "form": f, "years": y} for k, f, y in RETENTION])
    _notice_check(NOTICE_KINDS)
    _sort_indexes()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_process_instance_search_trgm")
        for key, _number in SORTED:
            op.execute(f"DROP INDEX IF EXISTS ix_process_instance_sort_{key}")
            op.execute(f"DROP INDEX IF EXISTS ix_process_instance_sort_{key}_desc")
    op.execute("DELETE FROM notification WHERE kind = 'action_due'")
    _notice_check(NOTICE_KINDS_BEFORE)
    op.drop_table("retention_period")
    with op.batch_alter_table("nonconformity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nonconformity_flow_id"))
        batch_op.drop_index(batch_op.f("ix_nonconformity_unit_id"))
        batch_op.drop_constraint(batch_op.f("uq_nonconformity_source_key"), type_="unique")
        for column, table in reversed(NONCONFORMITY_KEYS):
            batch_op.drop_constraint(batch_op.f(f"fk_nonconformity_{column}_{table}"), type_="foreignkey")
        for name, _kind in reversed(NONCONFORMITY_COLUMNS):
            batch_op.drop_column(name)
