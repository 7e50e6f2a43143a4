"""How the reports answer with many cases: server time of the university report and of the annual
report 602-06, and the time of their XLSX and PDF.

    .venv/bin/python bench/reports.py [--cases 100000] [--tasks 1000000] [--people 10000] [--seeds 12]
                                      [--repeat 10] [--sqlite-only | --postgres-only]
                                      [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
                                      [--schema NAME] [--no-freeze]

Per backend (SQLite in a temporary file; PostgreSQL from --postgres-url or BENCH_DATABASE_URL, in a
schema of its own, bench_reports_<pid>, dropped at the end; with --schema NAME the schema is kept,
and a later run with the same name measures its data again without building it):

1. real cases through the services, copied at the SQL level to --cases cases (bench/registers.py's
   builder), with finished steps making up --tasks task rows; --people teachers over the demo's
   departments; a training record for half of the cases, spread over those people and three years,
   and an imported one for each of them; a department meeting's review for a third of the cases,
   and a few journal entries;
2. the university report for 2026 and the annual report 602-06 as HR opens them, through the web
   app in-process (Flask's test client; its objects frozen out of the collector as app/wsgi.py
   does when it serves, unless --no-freeze), --repeat times each: p50 and p95 server time and the SQL
   statements each sent (goal: the annual report within 2 s);
3. the university report's XLSX (native charts) and PDF (drawn charts): time and size.

Timings are printed, never checked.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402  # after the path: the script runs from anywhere
from bench.registers import DEFAULT_POSTGRES_URL, copy_cases, counting, seed  # noqa: E402
from bench.registers import add_history as add_task_history  # noqa: E402
from workflows import migrate  # noqa: E402
from workflows.cases.models import Event, HumanTask, ProcessInstance  # noqa: E402
from workflows.clock import FrozenClock  # noqa: E402
from workflows.db import make_engine  # noqa: E402
from workflows.definitions.versions import VERSIONS  # noqa: E402
from workflows.org.models import OrgUnit, Person  # noqa: E402
from workflows.records.models import Nonconformity, TrainingRecord  # noqa: E402

NOW = datetime.fromisoformat("2026-11-20T09:00:00+05:00")
FORMS = ["course", "internship", "seminar", "conference", "webinar", "retraining"]
MARKS = ["high", "sufficient", "low"]
CHUNK = 5000


def _insert(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), CHUNK):
        with engine.begin() as conn:
            conn.execute(insert(table), rows[i : i + CHUNK])


def add_people(engine: Engine, count: int) -> list[int]:
    with engine.connect() as conn:
        units = list(conn.scalars(select(OrgUnit.id).where(OrgUnit.kind == "department")))
        first = (conn.scalar(select(func.max(Person.id))) or 0) + 1
    rows = [
        {
            "id": first + i,
            "username": f"bench{i}",
            "full_name": f"Оқытушы {i}",
            "email": f"bench{i}@demo.biliktilik.kz",
            "org_unit_id": units[i % len(units)],
            "staff_category": "teaching",
            "locale": "kk",
            "is_active": True,
        }
        for i in range(count)
    ]
    _insert(engine, Person.__table__, rows)
    return [r["id"] for r in rows]


def add_history(engine: Engine, people: list[int]) -> tuple[int, int]:
    """Training records for half the cases and the people, meeting reviews for a third of the cases."""
    rng = random.Random(11)
    with engine.connect() as conn:
        cases = list(conn.scalars(select(ProcessInstance.id)))
    records, events = [], []
    for n, case_id in enumerate(cases):
        end = date(2024, 1, 15) + timedelta(days=rng.randint(0, 1040))
        if n % 2 == 0:
            records.append(_record(people[n % len(people)], end, rng, case_id))
        if n % 3 == 0:
            events.append(
                {
                    "instance_id": case_id,
                    "process_key": "qualification_request",
                    "at": datetime(end.year, end.month, end.day, 6, tzinfo=UTC) + timedelta(days=20),
                    "kind": "task_completed",
                    "element_id": "meeting_review",
                    "data": {
                        "submitted": {
                            "decision": "approve",
                            "effectiveness": MARKS[rng.randrange(3)],
                            "attestation_recommendation": rng.random() < 0.3,
                        }
                    },
                }
            )
    for person in people:
        records.append(_record(person, date(2023, 1, 1) + timedelta(days=rng.randint(0, 1400)), rng, None))
    _insert(engine, TrainingRecord.__table__, records)
    _insert(engine, Event.__table__, events)
    journal = [
        {
            "person_id": people[i * 7 % len(people)],
            "kind": "manual",
            "note": "Кезеңділік",
            "recorded_at": datetime(2026, 1 + i % 10, 5, tzinfo=UTC),
            "closed_at": datetime(2026, 2 + i % 10, 5, tzinfo=UTC) if i % 2 else None,
        }
        for i in range(max(len(people) // 20, 1))
    ]
    _insert(engine, Nonconformity.__table__, journal)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return len(records), len(events)


def _record(person: int, end: date, rng: random.Random, case_id: int | None) -> dict[str, Any]:
    return {
        "person_id": person,
        "instance_id": case_id,
        "source": "case" if case_id else "import",
        "course": f"Курс {rng.randint(1, 500)}",
        "provider": "Назарбаев Университеті",
        "form": FORMS[rng.randrange(len(FORMS))],
        "start_date": end - timedelta(days=10),
        "end_date": end,
        "hours": rng.choice([36, 72, 108]),
        "matches_disciplines": False,
        "management": False,
        "verified_by_id": None,
        "recorded_at": datetime(end.year, end.month, end.day, 6, tzinfo=UTC) + timedelta(days=5),
    }


def _timed(client: Any, url: str, engine: Engine, repeat: int) -> tuple[list[float], int, Any]:
    times, statements, response = [], 0, None
    for _ in range(repeat):
        with counting(engine) as sent:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        statements = len(sent)
    return sorted(times), statements, response


def measure(engine: Engine, people: dict[str, int], repeat: int, workdir: Path, freeze: bool) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_ENGINE": engine,
            "CLOCK": FrozenClock(NOW),
            "FILE_STORE": str(workdir / "files"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    if freeze:  # as app/wsgi.py serves it: the app's own objects kept out of full collections
        gc.freeze()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(people["hr"])
    views = [
        ("university report, 2026", "/reports/university?period=year&year=2026"),
        ("university report, 2026 Q3", "/reports/university?period=quarter&year=2026&quarter=3"),
        ("annual report 602-06, 2026", "/reports/annual/602-06/2026"),
    ]
    print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'statements':>10}")
    for label, url in views:
        times, statements, _ = _timed(client, url, engine, repeat)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{label:34} {statistics.median(times):8.1f} {p95:8.1f} {statements:10d}")
    for fmt in ("xlsx", "pdf"):
        times, _, response = _timed(
            client, f"/reports/university?period=year&year=2026&format={fmt}", engine, 1
        )
        print(f"university report as {fmt.upper()}: {times[0] / 1000:.2f} s, {len(response.data) // 1024} KB")


def run(engine: Engine, args: argparse.Namespace, workdir: Path, built: bool = False) -> None:
    if built:  # a kept schema: its people are the seeds' and the data is there already
        VERSIONS.clear()
        migrate.upgrade(engine)
        with engine.connect() as conn:
            people = {r.username: r.id for r in conn.execute(select(Person.username, Person.id))}
            tables = (ProcessInstance, HumanTask, TrainingRecord)
            counts = [conn.scalar(select(func.count(t.id))) for t in tables]
        print(f"kept data: {counts[0]} cases, {counts[1]} task rows, {counts[2]} training records")
        measure(engine, people, args.repeat, workdir, not args.no_freeze)
        return
    VERSIONS.clear()
    migrate.upgrade(engine)
    people = seed(engine, args.seeds)
    made = copy_cases(engine, args.cases, people)
    add_task_history(engine, args.tasks)
    teachers = add_people(engine, args.people)
    records, reviews = add_history(engine, teachers)
    with engine.connect() as conn:
        tasks = conn.scalar(select(func.count(HumanTask.id)))
    print(
        f"{made} cases, {tasks} task rows, {len(teachers)} more people, {records} training records, "
        f"{reviews} meeting reviews"
    )
    measure(engine, people, args.repeat, workdir, not args.no_freeze)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=1_000_000, help="task rows, history included")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--no-freeze", action="store_true", help="leave the app's objects to the collector")
    parser.add_argument("--schema", help="a PostgreSQL schema to keep, and to measure again when it exists")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if not args.postgres_only:
            print("== SQLite ==")
            engine = make_engine(f"sqlite:///{workdir / 'bench.sqlite3'}")
            run(engine, args, workdir)
            engine.dispose()
        if args.sqlite_only:
            return 0
        schema = args.schema or f"bench_reports_{os.getpid()}"
        admin = make_engine(args.postgres_url)
        try:
            with admin.begin() as conn:
                built = bool(
                    conn.scalar(
                        text("SELECT count(*) FROM information_schema.tables WHERE table_schema = :s"),
                        {"s": schema},
                    )
                )
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        except Exception as exc:  # no server: say so, the SQLite figures stand
            print(f"PostgreSQL not measured: {str(exc).splitlines()[0]}")
            return 0
        try:
            print("== PostgreSQL ==")
            engine = make_engine(args.postgres_url, connect_args={"options": f"-csearch_path={schema}"})
            run(engine, args, workdir, built)
            engine.dispose()
        finally:
            if not args.schema:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
