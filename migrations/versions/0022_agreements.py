"""agreements: training agreements and their refunds, deadline notices, collective training records

Employer-paid training has an agreement (001 §3.8): its number, date, amount and obligation term,
and, when the person leaves within the term, the refund case and its outcome. Diagrams' deadline
timers send three new notices (a step due soon, a step overdue to the next level, an order late
before the start). A collective internship (001 §7.7) records the training for each person it
sent, so a case may have one training record per person rather than one in all. The strategic
development and international cooperation office (001 §8.1) becomes a role: it coordinates
internships abroad.

Revision ID: 0022_agreements
Revises: 0021_procedures
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0022_agreements"
down_revision = "0021_procedures"
branch_labels = None
depends_on = None

NOTICE_KINDS_BEFORE = [
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
NEW_NOTICE_KINDS = ["step_reminder", "step_escalation", "order_late"]
ROLES_BEFORE = [
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
    "apparatus_head",
]
# The strategic development and international cooperation office (001 §8.1).
NEW_ROLES = ["international_office"]
ROLE_TABLES = ("human_task", "role_assignment")


def _role_checks(roles: list[str]) -> None:
    for table in ROLE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_role"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_role"), f"role IN ({', '.join(repr(r) for r in roles)})"
            )


def _notice_check(kinds: list[str]) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_notification_kind"), f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def upgrade() -> None:
    op.create_table(
        "training_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("term_years", sa.Integer(), nullable=False),
        sa.Column("obligation_starts_on", sa.Date(), nullable=False),
        sa.Column("obligation_ends_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "breached", name="status", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("created_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("refund_instance_id", sa.Integer(), nullable=True),
        sa.Column("refund_due", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("refund_outcome", sa.String(length=32), nullable=True),
        sa.Column("refund_paid", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instance.id"], name=op.f("fk_training_agreement_instance_id_process_instance")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_training_agreement_person_id_person")),
        sa.ForeignKeyConstraint(
            ["refund_instance_id"],
            ["process_instance.id"],
            name=op.f("fk_training_agreement_refund_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_agreement")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_training_agreement_instance_id")),
    )
    with op.batch_alter_table("training_agreement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_agreement_person_id"), ["person_id"], unique=False)
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_training_record_instance_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_training_record_instance_id_person_id"), ["instance_id", "person_id"]
        )
    _notice_check(NOTICE_KINDS_BEFORE + NEW_NOTICE_KINDS)
    _role_checks(ROLES_BEFORE + NEW_ROLES)


def downgrade() -> None:
    op.execute(
        "DELETE FROM notification WHERE kind IN ({})".format(", ".join(repr(k) for k in NEW_NOTICE_KINDS))
    )
    _notice_check(NOTICE_KINDS_BEFORE)
    roles = ", ".join(repr(r) for r in NEW_ROLES)
    op.execute(f"DELETE FROM role_assignment WHERE role IN ({roles})")
    # Open coordination steps go to HR, which organises the training without the office.
    op.execute(f"UPDATE human_task SET role = 'hr' WHERE role IN ({roles})")
    _role_checks(ROLES_BEFORE)
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_training_record_instance_id_person_id"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_training_record_instance_id"), ["instance_id"])
    with op.batch_alter_table("training_agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_agreement_person_id"))
    op.drop_table("training_agreement")
