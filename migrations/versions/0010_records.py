"""the personal training file: where a record came from, its form and mode, the certificate (type,
number, issue date, validity), who verified or entered it, striking a wrong record; the records
policy (one editable row), the extracts issued from a file and the verification page's throttle

Existing records came from completed cases (source "case").

Revision ID: 0010_records
Revises: 0008_people
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0010_records"
down_revision = "0008_people"
branch_labels = None
depends_on = None


def _first_setting() -> None:
    setting = sa.table(
        "records_setting",
        sa.column("id", sa.Integer),
        sa.column("certificate_validity_years", sa.Integer),
        sa.column("expiring_within_months", sa.Integer),
        sa.column("remind_months", sa.Integer),
        sa.column("next_year_list_on", sa.String),
    )
    op.bulk_insert(
        setting,
        [
            {
                "id": 1,
                "certificate_validity_years": 3,
                "expiring_within_months": 3,
                "remind_months": 6,
                "next_year_list_on": "09-01",
            }
        ],
    )


def upgrade() -> None:
    op.create_table(
        "verification_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("window_start", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("lookups", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_throttle")),
        sa.UniqueConstraint("address", name=op.f("uq_verification_throttle_address")),
    )
    with op.batch_alter_table("verification_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verification_throttle_window_start"), ["window_start"], unique=False
        )

    op.create_table(
        "record_extract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["person.id"], name=op.f("fk_record_extract_issued_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_record_extract_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["person.id"], name=op.f("fk_record_extract_revoked_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_extract")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_record_extract_token_hash")),
    )
    with op.batch_alter_table("record_extract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_extract_person_id"), ["person_id"], unique=False)

    op.create_table(
        "records_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_validity_years", sa.Integer(), server_default="3", nullable=False),
        sa.Column("expiring_within_months", sa.Integer(), server_default="3", nullable=False),
        sa.Column("remind_months", sa.Integer(), server_default="6", nullable=False),
        sa.Column("next_year_list_on", sa.String(length=5), server_default="09-01", nullable=False),
        sa.Column("updated_at", workflows.db.UTCDateTime(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["person.id"], name=op.f("fk_records_setting_updated_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records_setting")),
    )
    _first_setting()
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source",
                sa.Enum(
                    "case",
                    "import",
                    "manual",
                    name="source",
                    native_enum=False,
                    create_constraint=True,
                    length=16,
                ),
                server_default="case",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "form",
                sa.Enum(
                    "course",
                    "internship",
                    "seminar",
                    "conference",
                    "webinar",
                    "retraining",
                    "other",
                    name="form",
                    native_enum=False,
                    create_constraint=True,
                    length=16,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "mode",
                sa.Enum(
                    "offline",
                    "online",
                    "blended",
                    name="mode",
                    native_enum=False,
                    create_constraint=True,
                    length=16,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("matches_disciplines", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("management", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column(
                "certificate_type",
                sa.Enum(
                    "certificate",
                    "svidetelstvo",
                    "attendance_note",
                    "foreign_certificate",
                    "retraining_diploma",
                    name="certificate_type",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("certificate_number", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("certificate_issued_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("verified_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("struck_at", workflows.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("struck_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("struck_reason", sa.Text(), nullable=True))
        batch_op.create_index(
            "ix_training_record_certificate", ["certificate_number", "provider"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_training_record_struck_by_id_person"), "person", ["struck_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_training_record_verified_by_id_person"), "person", ["verified_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_training_record_entered_by_id_person"), "person", ["entered_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        for column in ("source", "form", "mode", "certificate_type"):
            batch_op.drop_constraint(batch_op.f(f"ck_training_record_{column}"), type_="check")
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_training_record_entered_by_id_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_training_record_verified_by_id_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_training_record_struck_by_id_person"), type_="foreignkey")
        batch_op.drop_index("ix_training_record_certificate")
        batch_op.drop_column("struck_reason")
        batch_op.drop_column("struck_by_id")
        batch_op.drop_column("struck_at")
        batch_op.drop_column("note")
        batch_op.drop_column("entered_by_id")
        batch_op.drop_column("verified_by_id")
        batch_op.drop_column("valid_until")
        batch_op.drop_column("certificate_issued_on")
        batch_op.drop_column("certificate_number")
        batch_op.drop_column("certificate_type")
        batch_op.drop_column("management")
        batch_op.drop_column("matches_disciplines")
        batch_op.drop_column("mode")
        batch_op.drop_column("form")
        batch_op.drop_column("source")

    op.drop_table("records_setting")
    with op.batch_alter_table("record_extract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_extract_person_id"))

    op.drop_table("record_extract")
    with op.batch_alter_table("verification_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_throttle_window_start"))

    op.drop_table("verification_throttle")
