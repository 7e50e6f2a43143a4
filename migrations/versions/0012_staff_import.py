"""staff import: uploaded files with their previews, the import lock, the preview job

An import file is kept (with its preview and how far reading it got) until it is applied; a lock
row per kind of import lets one be applied at a time; reading a large file is a job.

Revision ID: 0012_staff_import
Revises: 0011_monitoring
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0012_staff_import"
down_revision = "0011_monitoring"
branch_labels = None
depends_on = None

JOB_KINDS = ["timer", "email", "periodicity"]
LOCKS = ["staff", "training"]


def _job_kinds(kinds: list[str]) -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_job_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_job_kind"), f"kind IN ({', '.join(repr(k) for k in kinds)})"
        )


def upgrade() -> None:
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("staff", "training", name="kind", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "reading",
                "ready",
                "applied",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("full_register", sa.Boolean(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("preview", sa.JSON(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("applied_at", workflows.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_import_run_created_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    lock = op.create_table(
        "import_lock",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("taken_at", workflows.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_import_lock")),
    )
    op.bulk_insert(lock, [{"name": name, "taken_at": None} for name in LOCKS])
    _job_kinds([*JOB_KINDS, "import_preview"])


def downgrade() -> None:
    op.execute("DELETE FROM job WHERE kind = 'import_preview'")
    _job_kinds(JOB_KINDS)
    op.drop_table("import_lock")
    op.drop_table("import_run")
