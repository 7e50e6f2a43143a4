"""A planning campaign at a university's size: 100 departments and 5,000 plan lines.

    .venv/bin/python bench/planning.py [--departments 100] [--lines 5000] [--repeat 10]
                                       [--sqlite-only | --postgres-only]
                                       [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

Per backend (SQLite in a temporary file; PostgreSQL from --postgres-url or BENCH_DATABASE_URL, in a
schema of its own, bench_planning_<pid>, dropped at the end):

1. the demo university grows to --departments departments in ten-department institutes, each with a
   head and its share of --lines teachers; HR opens the campaign (bpmn/annual_plan.bpmn, one
   sub-process per institute and department) and the clock passes the individual plans' date;
2. one plan line per teacher is written into the departments' schedules at the SQL level (entering
   lines is not what is measured), every head records the meeting and approves through the
   services, and every director signs;
3. measured: HR's consolidation (the service, one step of the campaign), the campaign page and the
   progress behind it as HR opens them (server time through the web app in-process, p50 and p95,
   with the SQL statements sent), finance's agreement and the approval that freezes the plan; then
   the whole university's plan execution page and the daily sweep of slipped lines at mid-year.

Timings are printed, never checked.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from sqlalchemy import Engine, event, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402  # after the path: the script runs from anywhere
from workflows import migrate  # noqa: E402
from workflows.cases.documents import FileStore  # noqa: E402
from workflows.clock import FrozenClock  # noqa: E402
from workflows.db import make_engine, make_session_factory  # noqa: E402
from workflows.definitions.publishing import publish_directory  # noqa: E402
from workflows.definitions.versions import VERSIONS  # noqa: E402
from workflows.org.demo import load_demo  # noqa: E402
from workflows.org.models import OrgUnit, Person, RoleAssignment  # noqa: E402
from workflows.org.roles import Role  # noqa: E402
from workflows.planning import stages  # noqa: E402
from workflows.planning.campaign import open_campaign  # noqa: E402
from workflows.planning.models import PlanLine, PlanSchedule  # noqa: E402
from workflows.planning.progress import campaign_progress  # noqa: E402
from workflows.planning.slips import sweep_slips  # noqa: E402
from workflows.worker import fire_due_jobs  # noqa: E402

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
YEAR = 2026
PER_INSTITUTE = 10


def moment(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+05:00")


def _pdf() -> bytes:
    writer, out = PdfWriter(), BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


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


def grow(engine: Engine, departments: int, lines: int) -> dict[str, Any]:
    """Institutes, departments, heads, directors and teachers beside the demo's two departments."""
    sessions = make_session_factory(engine)
    with sessions() as s:
        load_demo(s)
        publish_directory(s, FrozenClock(moment("2025-08-01")))
        s.commit()
        people = {p.username: p.id for p in s.scalars(select(Person))}
        root = s.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None))).one()
        cs, math = (s.scalars(select(OrgUnit).where(OrgUnit.code == code)).one() for code in ("cs", "math"))
        boss = Person(username="apparatus", full_name="Аппарат басшысы", org_unit_id=root.id)
        s.add(boss)
        s.flush()
        s.add(RoleAssignment(person_id=boss.id, role=Role.APPARATUS_HEAD, org_unit_id=root.id))
        units = [(cs.id, people["head"]), (math.id, people["head2"])]
        directors = {cs.parent_id: people["director"]}
        institute: OrgUnit | None = None
        for n in range(departments - len(units)):
            if n % PER_INSTITUTE == 0:
                institute = OrgUnit(
                    code=f"inst-{n}",
                    parent_id=root.id,
                    kind="institute",
                    name_kk=f"Институт {n}",
                    name_ru=f"Институт {n}",
                    name_en=f"Institute {n}",
                )
                s.add(institute)
                s.flush()
                director = Person(
                    username=f"director-{n}", full_name=f"Директор {n}", org_unit_id=institute.id
                )
                s.add(director)
                s.flush()
                s.add(
                    RoleAssignment(
                        person_id=director.id, role=Role.INSTITUTE_DIRECTOR, org_unit_id=institute.id
                    )
                )
                directors[institute.id] = director.id
            assert institute is not None
            unit = OrgUnit(
                code=f"dep-{n}",
                parent_id=institute.id,
                kind="department",
                name_kk=f"Кафедра {n}",
                name_ru=f"Кафедра {n}",
                name_en=f"Department {n}",
            )
            s.add(unit)
            s.flush()
            head = Person(username=f"head-{n}", full_name=f"Меңгеруші {n}", org_unit_id=unit.id)
            s.add(head)
            s.flush()
            s.add(RoleAssignment(person_id=head.id, role=Role.DEPARTMENT_HEAD, org_unit_id=unit.id))
            units.append((unit.id, head.id))
        s.flush()
        teachers: list[dict[str, Any]] = []
        for i in range(lines):
            unit_id = units[i % len(units)][0]
            teachers.append(
                {"username": f"t{i:05d}", "full_name": f"Оқытушы {i:05d}", "org_unit_id": unit_id}
            )
        s.execute(insert(Person), teachers)
        s.commit()
        teacher_ids = dict(
            s.execute(select(Person.id, Person.org_unit_id).where(Person.username.like("t0%"))).all()
        )
    return {
        "people": people,
        "units": units,
        "directors": directors,
        "teachers": teacher_ids,
        "boss": boss.id,
    }


def timed(label: str, action: Callable[[], Any]) -> Any:
    began = time.perf_counter()
    result = action()
    print(f"{label:52} {time.perf_counter() - began:8.2f} s")
    return result


def run(engine: Engine, args: argparse.Namespace, workdir: Path) -> None:
    VERSIONS.clear()
    migrate.upgrade(engine)
    world = grow(engine, args.departments, args.lines)
    people = world["people"]
    sessions = make_session_factory(engine)
    clock = FrozenClock(moment("2025-08-20"))
    store = FileStore(workdir / "files")
    with sessions() as s:
        campaign = timed("opening the campaign", lambda: open_campaign(s, YEAR, people["hr"], clock))
        s.commit()
    clock.set(moment("2025-10-02"))
    timed("the individual plans' date passing (the worker)", lambda: fire_due_jobs(sessions, clock))
    with sessions() as s:
        schedules = dict(
            s.execute(
                select(PlanSchedule.org_unit_id, PlanSchedule.id).where(
                    PlanSchedule.campaign_id == campaign.id
                )
            ).all()
        )
    now = clock.now()
    rows = [
        {
            "campaign_id": campaign.id,
            "schedule_id": schedules[unit_id],
            "person_id": person_id,
            "org_unit_id": unit_id,
            "origin": "head",
            "status": "planned",
            "topic": f"Курс {person_id % 40}",
            "provider": "Назарбаев Университеті",
            "training_form": "course",
            "mode": "without_leaving_work",
            "quarter": 1 + person_id % 4,
            "hours": 72,
            "funding_source": "university" if person_id % 3 == 0 else "own",
            "estimated_cost": 150000 if person_id % 3 == 0 else 0,
            "created_by_id": people["hr"],
            "created_at": now,
            "updated_at": now,
        }
        for person_id, unit_id in world["teachers"].items()
    ]
    with engine.begin() as conn:
        conn.execute(insert(PlanLine), rows)
    print(f"{len(world['units'])} departments, {len(rows)} plan lines")
    pdf = _pdf()

    def heads_approve() -> None:
        for unit_id, head in world["units"]:
            with sessions() as s:
                schedule = s.get(PlanSchedule, schedules[unit_id])
                assert schedule is not None
                minutes = stages.MinutesFile("minutes.pdf", BytesIO(pdf))
                stages.record_meeting(
                    s, schedule.id, "3", "2025-10-02", minutes, store, head, clock, schedule.version
                )
                s.flush()
                stages.approve_schedule(s, schedule.id, head, clock, schedule.version)
                s.commit()

    timed("every head: the meeting and the approval", heads_approve)

    def directors_sign() -> None:
        for institute_id, director in world["directors"].items():
            with sessions() as s:
                stages.sign_institute(s, schedules[institute_id], director, clock)
                s.commit()

    timed("every director signs", directors_sign)
    with sessions() as s:
        timed(
            "HR's consolidation (602-05 to finance)",
            lambda: stages.consolidate(s, campaign.id, people["hr"], clock),
        )
        s.commit()
    with sessions() as s:
        consolidated = stages.university_schedule(s, campaign.id).id
    measure_pages(
        engine,
        people["hr"],
        campaign.id,
        args.repeat,
        workdir,
        clock,
        [
            ("campaign progress (service)", None),
            ("the campaign page", f"/plan/campaigns/{campaign.id}"),
            ("the consolidated schedule 602-05", f"/plan/schedules/{consolidated}"),
            ("602-05 as XLSX", f"/plan/schedules/{consolidated}/form.xlsx"),
        ],
    )
    with sessions() as s:
        timed(
            "finance agrees",
            lambda: stages.finance_decision(s, campaign.id, True, "", {}, people["finance"], clock),
        )
        s.commit()
    clock.set(moment("2025-11-28"))
    with sessions() as s:
        timed(
            "the approval, freezing version 1",
            lambda: stages.approval_decision(s, campaign.id, True, "", world["boss"], clock),
        )
        s.commit()
    clock.set(moment("2026-07-02"))
    measure_pages(
        engine,
        people["hr"],
        campaign.id,
        args.repeat,
        workdir,
        clock,
        [
            ("plan execution, whole university", f"/plan/{YEAR}/execution"),
            ("plan execution, one department", f"/plan/{YEAR}/execution?unit={world['units'][0][0]}"),
        ],
    )
    with sessions() as s:
        entered = timed("the slipped lines' sweep (first run)", lambda: sweep_slips(s, clock))
        s.commit()
    with sessions() as s:
        timed("the slipped lines' sweep (next day, nothing new)", lambda: sweep_slips(s, clock))
    print(f"slipped lines entered in the journal: {entered}")


def measure_pages(
    engine: Engine,
    hr: int,
    campaign_id: int,
    repeat: int,
    workdir: Path,
    clock: FrozenClock,
    views: list[tuple[str, str | None]],
) -> None:
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
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(hr)
    sessions = make_session_factory(engine)
    print(f"{'view':34} {'p50 ms':>8} {'p95 ms':>8} {'statements':>10}")
    for label, url in views:
        times, statements = [], 0
        for _ in range(repeat):
            with counting(engine) as sent:
                began = time.perf_counter()
                if url is None:
                    with sessions() as s:
                        campaign_progress(s, campaign_id, hr, clock)
                else:
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
                times.append((time.perf_counter() - began) * 1000)
            statements = len(sent)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{label:34} {statistics.median(times):8.1f} {p95:8.1f} {statements:10d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
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
        schema = f"bench_planning_{os.getpid()}"
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
