"""A hand-built university for the reports' tests, with answers known by hand.

Three institutes (I1, I2, I3) of two departments each, ten teachers per department (60 people),
and three years of training records per teacher by their place in the department (`n`):

    n 0-2  72 h course,      ended 2024-05-15   (met until 2027-05-15: due next year in 2026)
    n 3-4  36 h seminar,     ended 2025-10-10   (not enough hours: overdue)
    n 5    72 h internship,  ended 2026-02-20   (met)
    n 6    72 h course ended 2023-05-01 (due 2026-05-01: due this year) and a struck 36 h one in 2026-01
    n 7    72 h course,      ended 2023-01-10   (lapsed 2026-01-10: overdue)
    n 8-9  nothing           (no data)

The first department of each institute has two journal entries about its first teacher: one opened
2026-01-10 and closed 2026-02-01, one opened 2025-12-01 and closed 2026-03-05.

Besides, the demo teacher (Computer Science, demo institute of Engineering) goes through two real
cases, course 21-31 March 2026: one paid by the university (150,000, 60 hours counted, the meeting
marks it "high" and recommends at attestation), one from own money (no cost to the university,
72 hours, "low", no recommendation); both are verified and reviewed on 3 April 2026.

It is built once per test module through the factories and the real services, inside a
transaction rolled back at the module's end; each test runs in a savepoint of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.conftest import START, Database
from tests.workflows.flow import Flow
from tests.workflows.records.test_file_case import complete_meeting
from workflows.cases.documents import FileStore
from workflows.clock import FrozenClock
from workflows.org.roles import Role
from workflows.records.models import Nonconformity, TrainingForm

TODAY = "2026-04-03T12:00:00+05:00"


@dataclass
class University:
    institutes: list[int] = field(default_factory=list)
    departments: list[int] = field(default_factory=list)  # two per institute, in order
    people: dict[int, list[int]] = field(default_factory=dict)  # department -> its ten teachers
    director: int = 0  # director of I1
    head: int = 0  # head of I1's first department
    cases: dict[str, int] = field(default_factory=dict)
    root: int = 0


def _records(session: Session, person_id: int, n: int) -> None:
    def add(start: date, end: date, hours: int, form: TrainingForm, **more: object) -> None:
        factories.training_record(
            session, person_id, start_date=start, end_date=end, hours=hours, form=form, **more
        )

    if n <= 2:
        add(date(2024, 5, 1), date(2024, 5, 15), 72, TrainingForm.COURSE)
    elif n <= 4:
        add(date(2025, 10, 1), date(2025, 10, 10), 36, TrainingForm.SEMINAR)
    elif n == 5:
        add(date(2026, 2, 10), date(2026, 2, 20), 72, TrainingForm.INTERNSHIP)
    elif n == 6:
        add(date(2023, 4, 20), date(2023, 5, 1), 72, TrainingForm.COURSE)
        add(
            date(2026, 1, 10),
            date(2026, 1, 15),
            36,
            TrainingForm.COURSE,
            struck_at=datetime(2026, 1, 20, tzinfo=UTC),
            struck_reason="Қате енгізілген",
        )
    elif n == 7:
        add(date(2022, 12, 20), date(2023, 1, 10), 72, TrainingForm.COURSE)


def _journal(session: Session, person_id: int) -> None:
    for opened, closed in (
        (datetime(2026, 1, 10, 6, tzinfo=UTC), datetime(2026, 2, 1, 6, tzinfo=UTC)),
        (datetime(2025, 12, 1, 6, tzinfo=UTC), datetime(2026, 3, 5, 6, tzinfo=UTC)),
    ):
        session.add(
            Nonconformity(
                person_id=person_id, kind="manual", note="Кезеңділік", recorded_at=opened, closed_at=closed
            )
        )
    session.flush()


def _real_cases(flow: Flow) -> dict[str, int]:
    paid = flow.start("teacher", funding_source="university", cost=150000, course="Деректер талдауы")
    own = flow.start("teacher", funding_source="own", course="Ғылыми жазылым")
    flow.approve_to_order(paid, university=True)
    flow.approve_to_order(own)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.at("2026-04-03T10:00:00+05:00")
    for case, hours, mark, recommend in ((paid, 60, "high", True), (own, 72, "low", False)):
        flow.submit_report(case)
        flow.verify(case, counted_hours=hours)
        if mark == "high":
            complete_meeting(flow, case)
        else:
            flow.do(
                "head",
                case,
                "meeting_review",
                **flow.meeting_record(
                    minutes_number="9",
                    minutes_date="2026-04-03",
                    effectiveness=mark,
                    implementation_plan="Жазылым дағдыларын енгізу",
                    attestation_recommendation=recommend,
                ),
                decision="approve",
            )
    return {"paid": paid, "own": own}


def build(factory: sessionmaker[Session], flow: Flow) -> University:
    found = University()
    with factory() as session:
        found.root = factories.university(session).id
        for i in range(3):
            institute = factories.unit(session, kind="institute", name=f"Институт {i + 1}")
            found.institutes.append(institute.id)
            for j in range(2):
                department = factories.unit(session, institute, name=f"Кафедра {i + 1}.{j + 1}")
                found.departments.append(department.id)
                found.people[department.id] = []
                for n in range(10):
                    person = factories.person(
                        session, department.id, full_name=f"Оқытушы {i + 1}.{j + 1}.{n}"
                    )
                    found.people[department.id].append(person.id)
                    _records(session, person.id, n)
                if j == 0:
                    _journal(session, found.people[department.id][0])
        director = factories.person(session, found.institutes[0], full_name="Директор 1")
        factories.seat(session, director.id, Role.INSTITUTE_DIRECTOR, found.institutes[0])
        head = factories.person(session, found.departments[0], full_name="Меңгеруші 1.1")
        factories.seat(session, head.id, Role.DEPARTMENT_HEAD, found.departments[0])
        found.director, found.head = director.id, head.id
        session.commit()
    found.cases = _real_cases(flow)
    flow.at(TODAY)
    return found


@dataclass
class Built:
    connection: Connection
    university: University
    clock: FrozenClock
    flow: Flow


def built_university(database: Database, files: Path) -> Iterator[Built]:
    """The university in a transaction of its own, for a module-scoped fixture."""
    connection = database.rollback_engine.connect()
    outer = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    clock = FrozenClock(datetime.fromisoformat(START))
    flow = Flow(factory, database.demo, clock, FileStore(files))
    try:
        yield Built(connection, build(factory, flow), clock, flow)
    finally:
        outer.rollback()
        connection.close()


def per_test(built: Built) -> Iterator[sessionmaker[Session]]:
    """Sessions in a savepoint rolled back after the test."""
    nested = built.connection.begin_nested()
    built.clock.set(datetime.fromisoformat(TODAY))
    yield sessionmaker(
        bind=built.connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    if nested.is_active:
        nested.rollback()
