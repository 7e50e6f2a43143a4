"""How the cases register answers with many cases: server time and SQL statements per page.

    .venv/bin/python bench/registers.py [--cases 100000] [--tasks 1000000] [--seeds 12] [--repeat 20]
                                        [--sqlite-only] [--postgres-only] [--export-all]
                                        [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Per backend (SQLite in a temporary file; PostgreSQL from --postgres-url or BENCH_DATABASE_URL, in a
schema of its own, bench_registers_<pid>, dropped at the end):

1. a few real cases are run through the services (applied, some endorsed, some with an order), then
   copied at the SQL level, with their open tasks, to --cases cases spread over the demo's
   departments, courses, dates, funding sources and forms; history rows (finished steps of
   earlier passes, copied from the seeds' finished ones) make up --tasks task rows;
2. the register page as HR opens it (whole university) is requested --repeat times for each of a few
   typical views (first page, a search, one department's overdue cases, sorted by cost, a deep page,
   the director's view), through the web app in-process (Flask's test client: routing, the service,
   the template, no network), printing p50 and p95 server time and the SQL statements each page sent;
3. the time to export one department's overdue cases as XLSX, with the row count, and with
   --export-all every case as CSV and as XLSX.

Timings are printed, never checked.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Engine, event, func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402  # after the path: the script runs from anywhere
from workflows import migrate  # noqa: E402
from workflows.cases.models import HumanTask, ProcessInstance  # noqa: E402
from workflows.cases.start import start_case  # noqa: E402
from workflows.cases.tasks import complete_task  # noqa: E402
from workflows.clock import FrozenClock  # noqa: E402
from workflows.db import make_engine, make_session_factory  # noqa: E402
from workflows.definitions.publishing import publish_directory  # noqa: E402
from workflows.definitions.versions import VERSIONS  # noqa: E402
from workflows.org.demo import load_demo  # noqa: E402
from workflows.org.models import OrgUnit, Person  # noqa: E402

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
START = datetime.fromisoformat("2026-03-01T09:00:00+05:00")
LATER = datetime.fromisoformat("2026-06-01T09:00:00+05:00")  # most endorsements are overdue by then
FUNDING = ["university", "sponsor", "own", "grant", "other"]
FORMS = ["course", "internship", "seminar", "conference", "online_course"]
APPLICANTS = ["teacher", "teacher2"]
TOPICS = ["цифрлық педагогика", "деректер қоры", "академиялық жазылым"]
CHUNK = 5000


def _application(i: int) -> dict[str, Any]:
    start = date(2026, 3, 21) + timedelta(days=i % 40)
    funding = FUNDING[i % len(FUNDING)]
    data: dict[str, Any] = {
        "course": f"Цифрлық педагогика {i}",
        "provider": "Назарбаев Университеті",
        "training_form": FORMS[i % len(FORMS)],
        "mode": "without_leaving_work",
        "place": "Астана, Қазақстан",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=5)).isoformat(),
        "hours": 36,
        "funding_source": funding,
        "in_plan": i % 3 != 0,
        "relevance": "Оқытатын пәндерге цифрлық құралдарды енгізу",
    }
    if funding == "university":
        data["cost"] = 50000 + 1000 * i
    if not data["in_plan"]:
        data["out_of_plan_reason"] = "Жаңа пән енгізіледі"
    return data


def seed(engine: Engine, seeds: int) -> dict[str, int]:
    """Real cases through the services; returns the demo people's ids."""
    sessions = make_session_factory(engine)
    clock = FrozenClock(START)
    with sessions() as session:
        load_demo(session)
        publish_directory(session, clock)
        session.commit()
        people = {p.username: p.id for p in session.scalars(select(Person))}
    for i in range(seeds):
        applicant = APPLICANTS[i % 2]
        with sessions() as session:
            ref = start_case(session, "qualification_request", people[applicant], _application(i), clock)
            session.commit()
        if i % 3 == 0:  # a third endorsed: the rector's visa waits (no due date)
            head = "head" if applicant == "teacher" else "head2"
            with sessions() as session:
                task = session.scalars(
                    select(HumanTask.id).where(HumanTask.instance_id == ref.id, HumanTask.status == "open")
                ).one()
                complete_task(session, task, people[head], {"decision": "approve"}, clock)
                session.commit()
    return people


def copy_cases(engine: Engine, total: int, people: dict[str, int]) -> int:
    """Copies the seed cases and their open tasks at the SQL level until there are `total` cases."""
    rng = random.Random(7)
    with engine.begin() as conn:
        seeds = [dict(r._mapping) for r in conn.execute(select(ProcessInstance.__table__))]
        tasks = [
            dict(r._mapping)
            for r in conn.execute(select(HumanTask.__table__).where(HumanTask.status == "open"))
        ]
        units = {u.code: u.id for u in conn.execute(select(OrgUnit.code, OrgUnit.id))}
        next_id = (conn.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
        next_task = (conn.scalar(select(func.max(HumanTask.id))) or 0) + 1
    by_case: dict[int, list[dict[str, Any]]] = {}
    for t in tasks:
        by_case.setdefault(t["instance_id"], []).append(t)
    subjects = [(people["teacher"], units["cs"]), (people["teacher2"], units["math"])]
    made = len(seeds)
    while made < total:
        cases, rows = [], []
        for _ in range(min(CHUNK, total - made)):
            model = seeds[made % len(seeds)]
            subject, unit = subjects[made % 2]
            summary = {**model["summary"], **_summary(made, rng)}
            words = (summary.get("applicant_name"), summary["course"], summary["provider"])
            key = f"B{made:07d}"
            cases.append(
                {
                    **model,
                    "id": next_id,
                    "business_key": key,
                    "subject_id": subject,
                    "subject_unit_id": unit,
                    "summary": summary,
                    "search_text": " ".join(str(w) for w in (*words, key) if w).casefold(),
                    "state": "",  # lists never read it; a step on these copies is not measured
                }
            )
            for t in by_case.get(model["id"], []):
                rows.append(
                    {
                        **t,
                        "id": next_task,
                        "instance_id": next_id,
                        "engine_task_id": f"c{next_task}",
                        "subject_id": subject,
                        "org_unit_id": unit if t["role"] == "department_head" else t["org_unit_id"],
                        "assignee_id": subject if t["role"] == "employee" else None,
                        "due_date": t["due_date"] and t["due_date"] + timedelta(days=rng.randint(-10, 120)),
                    }
                )
                next_task += 1
            next_id += 1
            made += 1
        with engine.begin() as conn:
            conn.execute(insert(ProcessInstance.__table__), cases)
            if rows:
                conn.execute(insert(HumanTask.__table__), rows)
        print(f"  {made} cases", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return made


def add_history(engine: Engine, total: int) -> None:
    """Finished steps spread over the cases, copied from the seeds' finished ones, until there are
    `total` task rows: the open steps the register reads are a tenth of the table, as in use."""
    with engine.begin() as conn:
        have = conn.scalar(select(func.count(HumanTask.id))) or 0
        next_task = (conn.scalar(select(func.max(HumanTask.id))) or 0) + 1
        done = [
            dict(r._mapping)
            for r in conn.execute(select(HumanTask.__table__).where(HumanTask.status == "completed"))
        ]
        cases = list(conn.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)))
    if not done or not cases or have >= total:
        return
    for begin in range(0, total - have, CHUNK * 4):
        rows = []
        for k in range(begin, min(begin + CHUNK * 4, total - have)):
            model, case = done[k % len(done)], cases[k % len(cases)]
            rows.append({**model, "id": next_task + k, "instance_id": case, "engine_task_id": f"h{k}"})
        with engine.begin() as conn:
            conn.execute(insert(HumanTask.__table__), rows)
        print(f"  {have + begin + len(rows)} task rows", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def _summary(i: int, rng: random.Random) -> dict[str, Any]:
    start = date(2026, 1, 10) + timedelta(days=rng.randint(0, 330))
    funding = FUNDING[rng.randrange(len(FUNDING))]
    return {
        "course": f"Курс {rng.randint(1, 5000)}: {TOPICS[i % len(TOPICS)]}",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=rng.randint(2, 20))).isoformat(),
        "hours": rng.choice([24, 36, 72, 108]),
        "funding_source": funding,
        "training_form": FORMS[rng.randrange(len(FORMS))],
        "cost": rng.randint(20, 400) * 1000 if funding == "university" else None,
        "in_plan": rng.random() < 0.7,
    }


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def measure(
    engine: Engine, people: dict[str, int], repeat: int, workdir: Path, export_all: bool = False
) -> None:
    clock = FrozenClock(LATER)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_ENGINE": engine,
            "CLOCK": clock,
            "FILE_STORE": str(workdir / "files"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    with engine.connect() as conn:
        cs = conn.scalar(select(OrgUnit.id).where(OrgUnit.code == "cs"))
    clients = {}
    for who in ("hr", "director"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(people[who])
        clients[who] = client
    views = [
        ("hr", "first page", "/registers/cases"),
        ("hr", "search 'деректер'", "/registers/cases?q=деректер"),
        ("hr", "one department, overdue", f"/registers/cases?unit={cs}&overdue=1"),
        ("hr", "university funds, by cost", "/registers/cases?funding=university&sort=cost"),
        ("hr", "by course, A to Z", "/registers/cases?sort=course&dir=asc"),
        ("hr", "by start date, latest first", "/registers/cases?sort=start"),
        ("hr", "by cost, dearest first", "/registers/cases?sort=cost"),
        ("hr", "page 200", "/registers/cases?page=200"),
        ("director", "the director's view", "/registers/cases?status=running"),
    ]
    for who, client in clients.items():  # warm, as a running server is: the templates, the versions
        assert client.get("/registers/cases").status_code == 200, who
    print(f"{'view':34} {'p50 ms':>8} {'p95 ms':>8} {'statements':>10}")
    for who, label, url in views:
        times, statements = [], 0
        for _ in range(repeat):
            with counting(engine) as sent:
                began = time.perf_counter()
                response = clients[who].get(url)
                times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            statements = len(sent)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{label:34} {statistics.median(times):8.1f} {p95:8.1f} {statements:10d}")
    began = time.perf_counter()
    response = clients["hr"].get(f"/registers/cases?unit={cs}&overdue=1&format=xlsx")
    seconds = time.perf_counter() - began
    rows = sum(1 for _ in load_workbook(io.BytesIO(response.data), read_only=True).active.iter_rows()) - 1
    print(f"XLSX export of one department's overdue cases: {rows} rows in {seconds:.2f} s")
    if not export_all:
        return
    for fmt in ("csv", "xlsx"):
        began = time.perf_counter()
        response = clients["hr"].get(f"/registers/cases?format={fmt}")
        seconds = time.perf_counter() - began
        lines = response.data.count(b"\n") - 1 if fmt == "csv" else None
        size = len(response.data) / 1e6
        shown = f"{lines} rows, " if lines is not None else ""
        print(f"{fmt.upper()} export of every case: {shown}{size:.1f} MB in {seconds:.1f} s")


def run(engine: Engine, args: argparse.Namespace, workdir: Path) -> None:
    VERSIONS.clear()
    migrate.upgrade(engine)
    people = seed(engine, args.seeds)
    made = copy_cases(engine, args.cases, people)
    add_history(engine, args.tasks)
    with engine.begin() as conn:
        # Fresh statistics, as after a database's routine maintenance: without them SQLite's
        # planner does not know that the start moment's index serves a whole-university page.
        conn.execute(text("ANALYZE"))
    with engine.connect() as conn:
        tasks = conn.scalar(select(func.count(HumanTask.id)))
    print(f"{made} cases, {tasks} task rows")
    measure(engine, people, args.repeat, workdir, args.export_all)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=1_000_000, help="task rows, history included")
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--export-all", action="store_true", help="also time exporting every case")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL))
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
        schema = f"bench_registers_{os.getpid()}"
        admin = make_engine(args.postgres_url)
        try:
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as exc:  # no server: say so, the SQLite figures stand
            print(f"PostgreSQL not measured: {str(exc).splitlines()[0]}")
            return 0
        try:
            print("== PostgreSQL ==")
            engine = make_engine(args.postgres_url, connect_args={"options": f"-csearch_path={schema}"})
            run(engine, args, workdir)
            engine.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
