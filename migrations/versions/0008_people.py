"""the organisation as data: unit kinds, closed units, people's identifiers and staff data, account
tokens, the audit log

Unit kinds become reference data (a table the units point to), filled with the kinds the product
knows and any kind already in use. People get their name parts (backfilled from the full name:
"first patronymic last"), a Russian spelling, personnel number and IIN (unique), the staff
category as a checked value, disciplines, employment start, leaving date, per-kind email choices
and the temporary-password flag. Account tokens carry invitations and password resets; the audit
log records who changed the organisation's data.

Revision ID: 0008_people
Revises: 0007_sign_in_throttle
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0008_people"
down_revision = "0007_sign_in_throttle"
branch_labels = None
depends_on = None

# The kinds as they were when this migration was written; later ones are data, not migrations.
KINDS = [
    ("university", "Университет", "Университет", "University", 10),
    ("institute", "Институт", "Институт", "Institute", 20),
    ("faculty", "Факультет", "Факультет", "Faculty", 30),
    ("directorate", "Дирекция", "Дирекция", "Directorate", 40),
    ("department", "Кафедра", "Кафедра", "Department", 50),
    ("office", "Бөлім", "Отдел", "Office", 60),
    ("centre", "Орталық", "Центр", "Centre", 70),
    ("college", "Колледж", "Колледж", "College", 80),
]
STAFF_CATEGORIES = ["teaching", "research", "administrative", "support", "college_teaching"]


def _fill_kinds() -> None:
    kind = sa.table(
        "unit_kind",
        sa.column("code", sa.String),
        sa.column("name_kk", sa.String),
        sa.column("name_ru", sa.String),
        sa.column("name_en", sa.String),
        sa.column("sort_order", sa.Integer),
    )
    bind = op.get_bind()
    known = {code for code, *_ in KINDS}
    in_use = {row[0] for row in bind.execute(sa.text("SELECT DISTINCT kind FROM org_unit"))}
    rows = [dict(zip(("code", "name_kk", "name_ru", "name_en", "sort_order"), k, strict=True)) for k in KINDS]
    rows += [
        {"code": code, "name_kk": code, "name_ru": code, "name_en": code, "sort_order": 100}
        for code in sorted(in_use - known)
    ]
    op.bulk_insert(kind, rows)


def _name_parts() -> None:
    person = sa.table(
        "person",
        sa.column("id", sa.Integer),
        sa.column("full_name", sa.String),
        sa.column("first_name", sa.String),
        sa.column("patronymic", sa.String),
        sa.column("last_name", sa.String),
    )
    bind = op.get_bind()
    for person_id, full_name in bind.execute(sa.select(person.c.id, person.c.full_name)).all():
        words = (full_name or "").split()
        first, middle, last = (
            (words[0], " ".join(words[1:-1]) or None, words[-1]) if len(words) > 1 else ((words or [""])[0], None, "")
        )
        bind.execute(
            person.update()
            .where(person.c.id == person_id)
            .values(first_name=first, patronymic=middle, last_name=last)
        )


def upgrade() -> None:
    op.create_table(
        "unit_kind",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_kk", sa.String(length=200), nullable=False),
        sa.Column("name_ru", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_unit_kind")),
    )
    _fill_kinds()
    op.create_table(
        "account_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "invitation", "password_reset", name="purpose", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", workflows.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_account_token_created_by_id_person")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_account_token_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_token_token_hash")),
    )
    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_token_person_id"), ["person_id"], unique=False)
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"], name=op.f("fk_audit_entry_actor_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_entry_subject", ["subject_kind", "subject_id"], unique=False)
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_at", workflows.db.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_delegation_created_by_id_person"), "person", ["created_by_id"], ["id"]
        )
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_org_unit_kind_unit_kind"), "unit_kind", ["kind"], ["code"])
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("full_name_ru", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("last_name", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("first_name", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("patronymic", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("personnel_number", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("iin", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("disciplines", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("employment_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("email_notices", sa.JSON(), server_default="{}", nullable=False))
        batch_op.create_unique_constraint(batch_op.f("uq_person_iin"), ["iin"])
        batch_op.create_unique_constraint(batch_op.f("uq_person_personnel_number"), ["personnel_number"])
        batch_op.create_check_constraint(
            batch_op.f("ck_person_staff_category"),
            "staff_category IN (" + ", ".join(repr(c) for c in STAFF_CATEGORIES) + ")",
        )
    _name_parts()


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_person_staff_category"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_person_personnel_number"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_person_iin"), type_="unique")
        for column in (
            "email_notices",
            "left_on",
            "employment_start",
            "disciplines",
            "must_change_password",
            "iin",
            "personnel_number",
            "patronymic",
            "first_name",
            "last_name",
            "full_name_ru",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_org_unit_kind_unit_kind"), type_="foreignkey")
        batch_op.drop_column("closed_on")
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_delegation_created_by_id_person"), type_="foreignkey")
        batch_op.drop_column("created_at")
        batch_op.drop_column("created_by_id")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_subject")
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))
    op.drop_table("audit_entry")
    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_token_person_id"))
    op.drop_table("account_token")
    op.drop_table("unit_kind")
