"""registers: saved filters, the journal's worked fields, and the overdue-step reminder

Saved filters keep a register's query under a name per person. Nonconformity entries get the
analysis at the unit's meeting, the corrective action's owner and date, the re-check and who
closed them. Notices may be "overdue step" reminders sent from the cases register. Cases are
indexed by unit and by start moment, what the registers count and sort by.

Revision ID: 0016_registers
Revises: 0015_step_cost
"""

import sqlalchemy as sa
from alembic import op

import workflows.db
from workflows.messaging.models import NoticeKind

revision = "0016_registers"
down_revision = "0015_step_cost"
branch_labels = None
depends_on = None

# Every kind the product knows when this runs: other migrations of the same release add kinds too,
# and this one, the last to re-create the check, must keep theirs.
NOTICE_KINDS = [kind.value for kind in NoticeKind]
NOTICE_KINDS_BEFORE = [kind for kind in NOTICE_KINDS if kind != "overdue_step"]
NONCONFORMITY_COLUMNS = [
    ("analysis", sa.Text),
    ("minutes_ref", lambda: sa.String(length=100)),
    ("analysed_on", sa.Date),
    ("action_owner_id", sa.Integer),
    ("action_due", sa.Date),
    ("recheck_note", sa.Text),
    ("rechecked_on", sa.Date),
    ("closed_by_id", sa.Integer),
]


def _notice_check(kinds: list[str]) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notification_kind"), f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def upgrade() -> None:
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", workflows.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_saved_filter_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filter")),
        sa.UniqueConstraint("person_id", "register", "name", name=op.f("uq_saved_filter_person_id_register_name")),
    )
    with op.batch_alter_table("saved_filter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_filter_person_id"), ["person_id"], unique=False)
    with op.batch_alter_table("nonconformity", schema=None) as batch_op:
        for name, kind in NONCONFORMITY_COLUMNS:
            batch_op.add_column(sa.Column(name, kind(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_nonconformity_action_owner_id_person"), "person", ["action_owner_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_nonconformity_closed_by_id_person"), "person", ["closed_by_id"], ["id"]
        )
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_process_instance_subject_unit_id"), ["subject_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_process_instance_started_at"), ["started_at"], unique=False)
    _notice_check(NOTICE_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE kind = 'overdue_step'")
    _notice_check(NOTICE_KINDS_BEFORE)
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_instance_started_at"))
        batch_op.drop_index(batch_op.f("ix_process_instance_subject_unit_id"))
    with op.batch_alter_table("nonconformity", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_nonconformity_closed_by_id_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_nonconformity_action_owner_id_person"), type_="foreignkey")
        for name, _kind in reversed(NONCONFORMITY_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("saved_filter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_filter_person_id"))
    op.drop_table("saved_filter")
