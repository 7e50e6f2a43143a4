"""Every periodicity standing at once: 10,000 people with 5 years of training history.

    .venv/bin/python bench/standing.py [--people 10000] [--small 1000] [--repeat 3] [--sqlite-only]
                                       [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

The university (institutes, departments, people with their categories, disciplines and positions,
head seats, and about three training records a year per person for five years, some struck, some
attendance notes, some short courses) is written with plain INSERTs into a fresh database (a
temporary SQLite file; a schema bench_standing_<pid> of --postgres-url or BENCH_DATABASE_URL,
dropped at the end). Per backend it prints the time to compute every standing (best of --repeat,
the policy's evaluation cache warm), the statements sent for --small people and for --people
people (the same: the count does not depend on the number of people), and the server time of HR's
monitoring page (a request through the Flask app, the first page of everyone). Target on
PostgreSQL: under 2 s for 10,000 people. Figures are printed, never checked.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, select, text

from app import create_app
from workflows import migrate
from workflows.calendar import local_date
from workflows.clock import FrozenClock
from workflows.db import make_engine, make_session_factory
from workflows.org.demo import load_demo
from workflows.org.models import OrgUnit, Person, RoleAssignment
from workflows.records.models import TrainingRecord
from workflows.records.standing import Scope, standings

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
TARGET = 2.0
CATEGORIES = ["teaching"] * 6 + ["research", "administrative", "support", "college_teaching"]
TYPES = ["certificate"] * 6 + ["svidetelstvo", "attendance_note", "foreign_certificate", None]


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def build(engine: Engine, people: int, seed: int = 7) -> dict[str, int]:
    """The university at SQL level: units, people (the first `people` get the bench's ids), seats,
    and training records. Returns the ids of the unit that holds the first `small` people."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        root = conn.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))
        institutes, departments = [], []
        for i in range(max(1, people // 2000)):
            inst = conn.execute(
                insert(OrgUnit)
                .values(
                    code=f"b-inst-{i}",
                    parent_id=root,
                    kind="institute",
                    name_kk=f"Институт {i}",
                    name_ru=f"Институт {i}",
                    name_en=f"Institute {i}",
                )
                .returning(OrgUnit.id)
            ).scalar_one()
            institutes.append(inst)
        for d in range(max(1, people // 40)):
            dep = conn.execute(
                insert(OrgUnit)
                .values(
                    code=f"b-dep-{d}",
                    parent_id=institutes[d % len(institutes)],
                    kind="department",
                    name_kk=f"Кафедра {d}",
                    name_ru=f"Кафедра {d}",
                    name_en=f"Department {d}",
                )
                .returning(OrgUnit.id)
            ).scalar_one()
            departments.append(dep)
        rows = []
        for n in range(people):
            category = CATEGORIES[n % len(CATEGORIES)]
            rows.append(
                {
                    "username": f"bench{n}",
                    "full_name": f"Қызметкер {n:05d}",
                    "last_name": f"{n:05d}",
                    "first_name": "Қызметкер",
                    "position": "Кафедра меңгерушісі" if n % 40 == 0 else "Оқытушы",
                    "staff_category": category,
                    "disciplines": ["Пән"] if category in ("teaching", "college_teaching") and n % 7 else [],
                    "org_unit_id": departments[n % len(departments)],
                    "locale": "kk",
                    "is_active": True,
                    "employment_start": date(2015, 1, 1) if n % 11 else None,
                    "email_notices": {},
                }
            )
        conn.execute(insert(Person), rows)
        ids = list(conn.scalars(select(Person.id).where(Person.username.like("bench%")).order_by(Person.id)))
        conn.execute(
            insert(RoleAssignment),
            [
                {
                    "person_id": ids[i],
                    "role": "department_head",
                    "org_unit_id": departments[i % len(departments)],
                }
                for i in range(0, len(ids), 40)
            ],
        )
        records = []
        for person_id in ids:
            for year in range(2022, 2027):
                for _ in range(rng.choice((1, 2, 3, 3, 4))):
                    end = date(year, rng.randint(1, 11), rng.randint(1, 28))
                    records.append(
                        {
                            "person_id": person_id,
                            "source": "import",
                            "course": "Курс",
                            "provider": "Орталық",
                            "start_date": end - timedelta(days=5),
                            "end_date": end,
                            "hours": rng.choice((18, 24, 30, 36, 36, 40, 72)),
                            "certificate_type": rng.choice(TYPES),
                            "matches_disciplines": rng.random() < 0.7,
                            "management": rng.random() < 0.1,
                            "recorded_at": NOW,
                            "struck_at": NOW if rng.random() < 0.02 else None,
                        }
                    )
            if len(records) > 20_000:
                conn.execute(insert(TrainingRecord), records)
                records = []
        if records:
            conn.execute(insert(TrainingRecord), records)
    return {"first_department": departments[0], "departments": len(departments)}


def count_statements(engine: Engine, work: Any) -> int:
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(sent)


def measure(engine: Engine, people: int, small: int, repeat: int) -> dict[str, Any]:
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        load_demo(session)
        session.commit()
    progress(f"building {people} people with 5 years of history")
    started = time.perf_counter()
    build(engine, people)
    built = time.perf_counter() - started
    day = local_date(NOW)
    with factory() as session:
        small_ids = list(
            session.scalars(
                select(Person.id).where(Person.username.like("bench%")).order_by(Person.id).limit(small)
            )
        )
        hr = session.scalar(select(Person.id).where(Person.username == "hr"))
    figures: dict[str, Any] = {"built": built}
    with factory() as session:
        figures["small statements"] = count_statements(
            engine, lambda: standings(session, Scope.people(small_ids), day)
        )
    with factory() as session:
        figures["statements"] = count_statements(engine, lambda: standings(session, Scope(), day))
    times = []
    for _ in range(repeat):
        with factory() as session:
            started = time.perf_counter()
            found = standings(session, Scope(), day)
            times.append(time.perf_counter() - started)
    figures["people"] = len(found.items)
    figures["standings"] = min(times)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_ENGINE": engine,
            "CLOCK": FrozenClock(NOW),
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    with client.session_transaction() as browser:
        browser["_user_id"], browser["_fresh"] = str(hr), True
    page_times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get("/records/monitoring")
        page_times.append(time.perf_counter() - started)
    figures["page"] = min(page_times)
    figures["page status"] = response.status_code
    return figures


def render(results: dict[str, dict[str, Any]], people: int, small: int) -> str:
    title = f"Every periodicity standing for {people} people with 5 years of history"
    columns = ("backend", "people", "standings s", "statements", f"({small} people)", "page s", "built s")
    lines = [
        f"{title} (target on PostgreSQL: < {TARGET:.0f} s)",
        "{:<12} {:>7} {:>12} {:>11} {:>14} {:>8} {:>8}".format(*columns),
    ]
    for name, f in results.items():
        figures = (f["people"], f["standings"], f["statements"], f["small statements"], f["page"], f["built"])
        line = "{:<12} {:>7} {:>12.3f} {:>11} {:>14} {:>8.3f} {:>8.1f}".format(name, *figures)
        lines.append(line + ("" if f["page status"] == 200 else f"  (page answered {f['page status']})"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL))
    args = parser.parse_args(argv)
    small = min(args.small, args.people)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        progress("SQLite")
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        results["SQLite"] = measure(engine, args.people, small, args.repeat)
        engine.dispose()
    if not args.sqlite_only:
        progress("PostgreSQL")
        schema = f"bench_standing_{os.getpid()}"
        admin = make_engine(args.postgres_url)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        base = args.postgres_url
        engine = make_engine(f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}")
        try:
            results["PostgreSQL"] = measure(engine, args.people, small, args.repeat)
        finally:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()
    print(render(results, args.people, small))
    return 0


if __name__ == "__main__":
    sys.exit(main())
