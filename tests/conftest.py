"""Shared fixtures: a real database per backend (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
migrated, with the demo university loaded and the shipped diagrams published once per test session.

Each test runs inside a transaction of its own that is rolled back at its end: the services' commits
become savepoints (`factory`, `db`, `flow`). Tests that are about commits (races between threads,
the worker, the command line, the in-process worker thread) ask for `committed_factory` or
`committed_flow` instead; afterwards the database is put back to what the session started with.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Connection, Engine, event, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.smtp import smtp  # noqa: F401  # the loopback SMTP server fixture, for every test
from workflows import migrate
from workflows.cases.documents import FileStore
from workflows.clock import FrozenClock
from workflows.db import make_engine, make_session_factory
from workflows.definitions.publishing import publish_directory
from workflows.definitions.versions import VERSIONS
from workflows.org.demo import load_demo
from workflows.org.models import Person
from workflows.schema import metadata

if TYPE_CHECKING:
    from tests.workflows.flow import Flow

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
ROOT = Path(__file__).resolve().parents[1]
# 1 March 2026, 09:00 in Almaty: SCENARIOS.md's dates start here.
START = "2026-03-01T09:00:00+05:00"


@dataclass
class Demo:
    ids: dict[str, int]

    def __getitem__(self, username: str) -> int:
        return self.ids[username]


@dataclass
class Database:
    """One backend's test database, ready with the demo university and the published diagrams."""

    engine: Engine  # real commits: setup, commit-mode tests, subprocesses given its URL
    rollback_engine: Engine  # the per-test transactions
    demo: Demo
    baseline: dict[str, list[dict[str, Any]]]  # every row the setup left, by table

    def restore(self) -> None:
        """Put the database back to the baseline after a test that committed."""
        tables = metadata.sorted_tables
        with self.engine.begin() as conn:
            for table in reversed(tables):
                conn.execute(table.delete())
            for table in tables:
                if self.baseline.get(table.name):
                    conn.execute(insert(table), self.baseline[table.name])


def _savepoints_on_sqlite(engine: Engine) -> Engine:
    """pysqlite begins transactions lazily and mishandles SAVEPOINT; let SQLAlchemy begin them, so a
    test's outer transaction really holds its savepoints (SQLAlchemy's documented recipe)."""

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def _schema_url(base: str, schema: str) -> str:
    # In the URL (not connect_args) so that subprocesses given the URL land in the same schema.
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        engine, rollback_engine = make_engine(url), _savepoints_on_sqlite(make_engine(url))
    else:
        # A schema of this run's own: parallel runs against the same server never meet, and the
        # migrations build everything from nothing.
        schema = f"test_{os.getpid()}"
        admin = make_engine(os.environ["TEST_DATABASE_URL"])
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = _schema_url(os.environ["TEST_DATABASE_URL"], schema)
        engine, rollback_engine = make_engine(url), make_engine(url)
        request.addfinalizer(lambda: _drop_schema(admin, schema))
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        load_demo(session)
        publish_directory(session, FrozenClock(datetime.fromisoformat(START)))
        session.commit()
        demo = Demo({p.username: p.id for p in session.scalars(select(Person))})
    with engine.connect() as conn:
        baseline = {
            t.name: [dict(row._mapping) for row in conn.execute(select(t))] for t in metadata.sorted_tables
        }
    yield Database(engine, rollback_engine, demo, baseline)
    rollback_engine.dispose()
    engine.dispose()


def _drop_schema(admin: Engine, schema: str) -> None:
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def engine(database: Database) -> Engine:
    """The engine the test's sessions run on (statement counting listens here)."""
    return database.rollback_engine


@pytest.fixture
def connection(database: Database) -> Iterator[Connection]:
    """The test's own transaction on the shared database, rolled back at the end."""
    VERSIONS.clear()  # ids published in a rolled-back test may be reused by the next one
    conn = database.rollback_engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()
    VERSIONS.clear()


@pytest.fixture
def factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions inside the test's transaction: their commits are savepoints, undone with the test."""
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session
        session.rollback()


@pytest.fixture
def committed_factory(database: Database) -> Iterator[sessionmaker[Session]]:
    """Sessions that really commit, for tests about commits; the baseline is restored afterwards."""
    VERSIONS.clear()
    yield make_session_factory(database.engine)
    database.restore()
    VERSIONS.clear()


@pytest.fixture
def committed_engine(database: Database, committed_factory: sessionmaker[Session]) -> Engine:
    """The engine of real commits (its URL is handed to the command line and subprocesses)."""
    return database.engine


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime.fromisoformat(START))


@pytest.fixture
def demo(database: Database) -> Demo:
    return database.demo


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture
def flow(factory: sessionmaker[Session], demo: Demo, clock: FrozenClock, store: FileStore) -> Flow:
    from tests.workflows.flow import Flow

    return Flow(factory, demo, clock, store)


@pytest.fixture
def committed_flow(
    committed_factory: sessionmaker[Session], demo: Demo, clock: FrozenClock, store: FileStore
) -> Flow:
    from tests.workflows.flow import Flow

    return Flow(committed_factory, demo, clock, store)


@pytest.fixture(autouse=True)
def _mail_outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Emails from a test go to its own outbox folder unless the test starts an SMTP server."""
    outbox = tmp_path / "outbox"
    monkeypatch.setenv("MAIL_OUTBOX", str(outbox))
    monkeypatch.delenv("SMTP_HOST", raising=False)
    return outbox
