"""sign-in throttle by address instead of account lockout; session generations on people

Failed sign-ins are counted per (address, login) and per address in their own table, so that
nobody's failures lock another person out; the lockout columns of person go. A person's session
generation is written into their session at sign-in: raising it ends every earlier session.
Sessions from before this revision count as generation 0 and stay valid until the person next
signs out or changes the password.

Revision ID: 0007_sign_in_throttle
Revises: 0006_history
"""

import sqlalchemy as sa
from alembic import op

import workflows.db

revision = "0007_sign_in_throttle"
down_revision = "0006_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", workflows.db.UTCDateTime(), nullable=False),
        sa.Column("blocked_until", workflows.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_throttle")),
        sa.UniqueConstraint("address", "login", name=op.f("uq_sign_in_throttle_address_login")),
    )
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_throttle_last_failure_at"), ["last_failure_at"], unique=False)
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("locked_until", workflows.db.UTCDateTime(), nullable=True))
        batch_op.drop_column("session_generation")
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_throttle_last_failure_at"))
    op.drop_table("sign_in_throttle")
