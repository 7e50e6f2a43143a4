"""directory accounts: the directory entry a person signs in through

People who sign in through the university's directory (LDAP or Active Directory) are marked with
their entry's DN, so that their local password is not used while a directory is configured.

Revision ID: 0014_accounts
Revises: 0013_org_admin
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_accounts"
down_revision = "0013_org_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("directory_dn", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("directory_dn")
