"""Alembic environment: the product's models, the URL from the caller or DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from workflows.db import make_engine
from workflows.schema import metadata

config = context.config
target_metadata = metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        run(conn)
