"""Shared fixtures: a real database per backend (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
the demo university, published diagrams and a clock the tests move."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

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


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        eng = make_engine(url)
    else:
        # A schema of this run's own: parallel runs against the same server never meet, and the
        # migrations build everything from nothing.
        schema = f"test_{os.getpid()}"
        admin = make_engine(os.environ["TEST_DATABASE_URL"])
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        # In the URL (not connect_args) so that subprocesses given the URL land in the same schema.
        base = os.environ["TEST_DATABASE_URL"]
        eng = make_engine(f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}")
        request.addfinalizer(lambda: _drop_schema(admin, schema))
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


def _drop_schema(admin: Engine, schema: str) -> None:
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _wipe(eng: Engine) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions on a clean database; what a test commits is wiped afterwards."""
    VERSIONS.clear()
    yield make_session_factory(engine)
    _wipe(engine)
    VERSIONS.clear()


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session
        session.rollback()


@pytest.fixture
def clock() -> FrozenClock:
    # 1 March 2026, 09:00 in Almaty: SCENARIOS.md's dates start here.
    return FrozenClock(datetime.fromisoformat("2026-03-01T09:00:00+05:00"))


@dataclass
class Demo:
    ids: dict[str, int]

    def __getitem__(self, username: str) -> int:
        return self.ids[username]


@pytest.fixture
def demo(factory: sessionmaker[Session], clock: FrozenClock) -> Demo:
    with factory() as session:
        load_demo(session)
        publish_directory(session, None, clock)
        session.commit()
        ids = {p.username: p.id for p in session.scalars(select(Person))}
    return Demo(ids)


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture
def flow(factory: sessionmaker[Session], demo: Demo, clock: FrozenClock, store: FileStore) -> Flow:
    from tests.workflows.flow import Flow

    return Flow(factory, demo, clock, store)


@pytest.fixture(autouse=True)
def _mail_outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Emails from a test go to its own outbox folder unless the test starts an SMTP server."""
    outbox = tmp_path / "outbox"
    monkeypatch.setenv("MAIL_OUTBOX", str(outbox))
    monkeypatch.delenv("SMTP_HOST", raising=False)
    return outbox
