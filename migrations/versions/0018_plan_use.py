"""plan use: amendments with their changes, applications linked to plan lines, slipped lines

An approved plan is amended through a case of its own (the amendment and the lines it adds, moves
or removes); a case started from a plan line is linked to it; a line past its quarter with nothing
done is entered once in the nonconformity journal, by a daily sweep job of its own kind.

Revision ID: 0018_plan_use
Revises: 0017_planning
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0018_plan_use"
down_revision = "0017_planning"
branch_labels = None
depends_on = None

JOB_KINDS = ["timer", "email", "periodicity", "import_preview"]


def _job_kinds(kinds: list[str]) -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_job_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_job_kind"), f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def _state(name: str, values: list[str], length: int = 16) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def upgrade() -> None:
    op.create_table(
        "plan_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("status", _state("status", ["proposed", "approved", "rejected"]), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("decided_at", workflows.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["base_version_id"],
            ["plan_version.id"],
            name=op.f("fk_plan_amendment_base_version_id_plan_version"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["plan_campaign.id"], name=op.f("fk_plan_amendment_campaign_id_plan_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_plan_amendment_instance_id_process_instance"),
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_unit.id"], name=op.f("fk_plan_amendment_org_unit_id_org_unit")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["person.id"], name=op.f("fk_plan_amendment_proposed_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["plan_version.id"], name=op.f("fk_plan_amendment_version_id_plan_version")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_amendment")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_plan_amendment_instance_id")),
    )
    with op.batch_alter_table("plan_amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_amendment_campaign_id"), ["campaign_id"], unique=False)
    op.create_table(
        "plan_amendment_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("kind", _state("kind", ["add", "move", "remove"]), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=300), nullable=True),
        sa.Column("provider", sa.String(length=300), nullable=True),
        sa.Column("training_form", sa.String(length=32), nullable=True),
        sa.Column("mode", sa.String(length=32), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("funding_source", sa.String(length=32), nullable=True),
        sa.Column("estimated_cost", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("relevance", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["plan_amendment.id"],
            name=op.f("fk_plan_amendment_change_amendment_id_plan_amendment"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["plan_line.id"], name=op.f("fk_plan_amendment_change_line_id_plan_line")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_plan_amendment_change_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_amendment_change")),
    )
    with op.batch_alter_table("plan_amendment_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_amendment_change_amendment_id"), ["amendment_id"], unique=False
        )
    op.create_table(
        "plan_line_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", workflows.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_plan_line_case_instance_id_process_instance"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["plan_line.id"], name=op.f("fk_plan_line_case_line_id_plan_line")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_line_case")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_plan_line_case_instance_id")),
    )
    with op.batch_alter_table("plan_line_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_line_case_line_id"), ["line_id"], unique=False)
    op.create_table(
        "plan_line_slip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("nonconformity_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", workflows.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"], ["plan_line.id"], name=op.f("fk_plan_line_slip_line_id_plan_line")
        ),
        sa.ForeignKeyConstraint(
            ["nonconformity_id"],
            ["nonconformity.id"],
            name=op.f("fk_plan_line_slip_nonconformity_id_nonconformity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_line_slip")),
        sa.UniqueConstraint("line_id", name=op.f("uq_plan_line_slip_line_id")),
    )
    _job_kinds([*JOB_KINDS, "plan_slip"])


def downgrade() -> None:
    op.execute("DELETE FROM job WHERE kind = 'plan_slip'")
    _job_kinds(JOB_KINDS)
    op.drop_table("plan_line_slip")
    with op.batch_alter_table("plan_line_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_line_case_line_id"))
    op.drop_table("plan_line_case")
    with op.batch_alter_table("plan_amendment_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_amendment_change_amendment_id"))
    op.drop_table("plan_amendment_change")
    with op.batch_alter_table("plan_amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_amendment_campaign_id"))
    op.drop_table("plan_amendment")
