"""The pages of a head with a large unit below them: statements and server time per request.

    .venv/bin/python bench/org_pages.py [--sqlite-only] [--people 5000] [--departments 50] [--tasks 200]
                                  [--requests 20] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

The demo university gets one more institute with --departments departments and --people people
spread over them, built at SQL level (bulk inserts, not the services), and a director who holds
the institute's seat. The departments have no heads, so --tasks open endorsements of cases of
people there wait in the director's seat (also inserted at SQL level). Then, as the director,
through the real app (Flask's test client on the same database): the inbox page (/), the people
search of the institute (/admin/people?unit=...), and the institute's page (/admin/units/<id>).
For each page: how many SQL statements one request sends, and the median and 95th percentile of
the server time over --requests requests. SQLite in a temporary file; PostgreSQL in a schema of
its own (bench_org_<pid>) of --postgres-url or BENCH_DATABASE_URL, dropped at the end. Figures
are printed, never checked here (tests/app/admin/test_statements.py checks that the counts do not
grow with the people).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import create_app
from workflows import migrate
from workflows.cases.models import HumanTask, ProcessInstance
from workflows.clock import FrozenClock
from workflows.db import make_engine, make_session_factory
from workflows.definitions.models import ProcessVersion
from workflows.definitions.publishing import publish_directory
from workflows.org.demo import load_demo
from workflows.org.models import OrgUnit, Person, RoleAssignment

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Institute:
    unit_id: int
    director_id: int


def build(session: Session, people: int, departments: int, tasks: int, name: str = "big") -> Institute:
    """An institute with its departments, people and open tasks, inserted at SQL level."""
    root = session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None))).one()
    session.execute(
        insert(OrgUnit),
        [{"code": name, "parent_id": root, "kind": "institute", "name_kk": "Үлкен институт",
          "name_ru": "Большой институт", "name_en": "Big institute"}],
    )  # fmt: skip
    big = session.scalars(select(OrgUnit.id).where(OrgUnit.code == name)).one()
    session.execute(
        insert(OrgUnit),
        [{"code": f"{name}-{d}", "parent_id": big, "kind": "department", "name_kk": f"Кафедра {d}",
          "name_ru": f"Кафедра {d}", "name_en": f"Department {d}"} for d in range(departments)],
    )  # fmt: skip
    units = list(session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id == big).order_by(OrgUnit.id)))
    rows = [
        {"username": f"{name}-p{n}", "full_name": f"Қызметкер {n}", "last_name": f"Қызметкер{n:05d}",
         "first_name": "Аты", "personnel_number": f"{name}-{n:06d}", "org_unit_id": units[n % len(units)],
         "staff_category": "teaching", "locale": "kk", "is_active": True, "disciplines": [],
         "email_notices": {}, "session_generation": 0, "must_change_password": False}
        for n in range(people)
    ]  # fmt: skip
    session.execute(insert(Person), rows)
    session.execute(
        insert(Person),
        [{"username": f"{name}-director", "full_name": "Үлкен институт директоры", "org_unit_id": big,
          "staff_category": "administrative", "locale": "kk", "is_active": True, "disciplines": [],
          "email_notices": {}, "session_generation": 0, "must_change_password": False}],
    )  # fmt: skip
    director = session.scalars(select(Person.id).where(Person.username == f"{name}-director")).one()
    session.execute(
        insert(RoleAssignment), [{"person_id": director, "role": "institute_director", "org_unit_id": big}]
    )
    version = session.scalars(select(ProcessVersion).order_by(ProcessVersion.id)).first()
    assert version is not None
    subjects = list(session.scalars(select(Person.id).where(Person.username.like(f"{name}-p%")).limit(tasks)))
    session.execute(
        insert(ProcessInstance),
        [{"version_id": version.id, "process_key": version.process_key, "business_key": f"{name}-{n}",
          "subject_id": subject, "subject_unit_id": units[n % len(units)], "status": "running",
          "summary": {"course": f"Курс {n}", "start_date": "2026-03-21", "end_date": "2026-03-31"},
          "search_text": f"курс {n}", "state": "{}", "serializer_version": "bench", "row_version": 1,
          "started_at": NOW, "updated_at": NOW} for n, subject in enumerate(subjects)],
    )  # fmt: skip
    instances = session.execute(
        select(ProcessInstance.id, ProcessInstance.subject_id).where(
            ProcessInstance.business_key.like(f"{name}-%")
        )
    ).all()
    session.execute(
        insert(HumanTask),
        [{"instance_id": instance, "engine_task_id": f"t-{instance}", "element_id": "endorse",
          "name": "Endorse", "form_key": "endorsement", "role": "institute_director", "org_unit_id": big,
          "subject_id": subject, "status": "open", "created_at": NOW} for instance, subject in instances],
    )  # fmt: skip
    session.flush()
    return Institute(big, director)


@dataclass(frozen=True)
class Figure:
    page: str
    statements: int
    median_ms: float
    p95_ms: float


def measure(engine: Engine, args: argparse.Namespace, workdir: Path) -> list[Figure]:
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    clock = FrozenClock(NOW)
    with sessions() as session:
        load_demo(session)
        publish_directory(session, clock)
        session.commit()
        institute = build(session, args.people, args.departments, args.tasks)
        session.commit()
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_ENGINE": engine, "SQLALCHEMY_SESSIONS": sessions,
         "CLOCK": clock, "FILE_STORE": str(workdir / "files"), "WTF_CSRF_ENABLED": False}
    )  # fmt: skip
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = str(institute.director_id), True
    pages = {
        "inbox (/)": "/",
        "people of the institute": f"/admin/people?unit={institute.unit_id}",
        "the institute's page": f"/admin/units/{institute.unit_id}",
    }
    figures = []
    for name, url in pages.items():
        statements: list[str] = []

        def count(*_args: Any, sink: list[str] = statements) -> None:
            sink.append("x")

        assert client.get(url).status_code == 200, url  # warm: templates compiled, caches filled
        event.listen(engine, "before_cursor_execute", count)
        response = client.get(url)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, url
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        figures.append(Figure(name, len(statements), statistics.median(times), p95))
    return figures


def run_postgres(args: argparse.Namespace, workdir: Path) -> list[Figure] | None:
    schema = f"bench_org_{os.getpid()}"
    admin = make_engine(args.postgres_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        print(f"PostgreSQL skipped: {str(exc.orig or exc).strip().splitlines()[0]}")
        admin.dispose()
        return None
    engine = make_engine(args.postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        return measure(engine, args, workdir)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        results = {"SQLite": measure(make_engine(f"sqlite:///{workdir / 'org.sqlite3'}"), args, workdir)}
        if not args.sqlite_only:
            found = run_postgres(args, workdir)
            if found is not None:
                results["PostgreSQL"] = found
    print(
        f"A director with {args.people} people in {args.departments} departments below them, "
        f"{args.tasks} open tasks in their seat; {args.requests} requests per page"
    )
    print(f"{'backend':<11} {'page':<26} {'statements':>10} {'median ms':>10} {'p95 ms':>8}")
    for backend, figures in results.items():
        for f in figures:
            print(f"{backend:<11} {f.page:<26} {f.statements:>10} {f.median_ms:>10.1f} {f.p95_ms:>8.1f}")


if __name__ == "__main__":
    main()
