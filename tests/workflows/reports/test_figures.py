"""Every report figure against the hand-built university of `university.py`, and the scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Database
from tests.statements import counting
from tests.workflows.reports.university import Built, built_university, per_test
from workflows.errors import Forbidden, ValidationFailed
from workflows.org.models import Person
from workflows.reports.figures import Report, Share, build_report
from workflows.reports.period import Period, custom, parse_period, quarter, year


@pytest.fixture(scope="module")
def built(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    yield from built_university(database, tmp_path_factory.mktemp("files"))


@pytest.fixture
def sessions(built: Built) -> Iterator[sessionmaker[Session]]:
    yield from per_test(built)


def _report(
    built: Built, sessions: sessionmaker[Session], actor: int, level: str, subject: int | None, period: Period
) -> Report:
    with sessions() as session:
        return build_report(session, actor, built.clock, level, subject, period)


def test_a_department_in_each_year(built: Built, sessions: sessionmaker[Session]) -> None:
    u = built.university
    dep = u.departments[0]
    r2024 = _report(built, sessions, built.flow.demo["hr"], "department", dep, year(2024))
    assert (r2024.totals.people, r2024.totals.trained, r2024.totals.hours) == (11, 3, 216)  # and the head
    assert r2024.by_form == {"course": Share(3, 216, 0.0)}
    r2025 = _report(built, sessions, built.flow.demo["hr"], "department", dep, year(2025))
    assert (r2025.totals.trained, r2025.totals.hours, r2025.totals.trainings) == (2, 72, 2)
    assert r2025.by_form == {"seminar": Share(2, 72, 0.0)}
    # On 31 December 2025: n 3-4 overdue (36 of 72 hours); nobody due within 2025.
    assert (r2025.totals.due, r2025.totals.overdue) == (0, 2)
    assert (r2025.totals.opened, r2025.totals.closed) == (1, 0)
    r2026 = _report(built, sessions, built.flow.demo["hr"], "department", dep, year(2026))
    # The struck record counts nothing; today (3 April 2026) n 6 is due this year, n 3, 4, 7 overdue.
    assert (r2026.totals.trained, r2026.totals.hours) == (1, 72)
    assert r2026.by_form == {"internship": Share(1, 72, 0.0)}
    assert r2026.by_funding == {"unrecorded": Share(1, 72, 0.0)}
    assert (r2026.totals.due, r2026.totals.overdue) == (1, 3)
    assert (r2026.totals.opened, r2026.totals.closed) == (1, 2)
    assert r2026.day == date(2026, 4, 3)
    assert r2026.people[0].person_id == u.head  # Меңгеруші before Оқытушы
    assert [p.hours for p in r2026.people] == [0, 0, 0, 0, 0, 0, 72, 0, 0, 0, 0]
    assert [p.status for p in r2026.people][:9] == [
        "no_data",
        "due_next_year",
        "due_next_year",
        "due_next_year",
        "overdue",
        "overdue",
        "met",
        "due_this_year",
        "overdue",
    ]
    assert r2026.plan is None  # no annual plan to compare with yet


def test_an_institute_counts_its_departments(built: Built, sessions: sessionmaker[Session]) -> None:
    u = built.university
    found = _report(built, sessions, built.flow.demo["hr"], "institute", u.institutes[1], year(2024))
    assert (found.totals.people, found.totals.trained, found.totals.hours) == (20, 6, 432)
    assert [line.unit_id for line in found.units] == u.departments[2:4]
    assert [line.totals.hours for line in found.units] == [216, 216]
    q1 = _report(built, sessions, built.flow.demo["hr"], "institute", u.institutes[1], quarter(2026, 1))
    assert (q1.totals.trained, q1.totals.hours, q1.totals.opened, q1.totals.closed) == (2, 144, 1, 2)
    assert q1.hours_by_month == [(date(2026, 1, 1), 0), (date(2026, 2, 1), 144), (date(2026, 3, 1), 0)]


def test_the_university_with_real_cases(built: Built, sessions: sessionmaker[Session]) -> None:
    hr = built.flow.demo["hr"]
    q1 = _report(built, sessions, hr, "university", None, quarter(2026, 1))
    # Six internships of 72 hours and the demo teacher's two courses (60 + 72 hours counted).
    assert (q1.totals.trained, q1.totals.trainings, q1.totals.hours) == (7, 8, 564)
    assert q1.totals.spent == 150000
    assert q1.by_funding == {
        "own": Share(1, 72, 0.0),
        "university": Share(1, 60, 150000.0),
        "unrecorded": Share(6, 432, 0.0),
    }
    assert q1.by_form == {"course": Share(2, 132, 150000.0), "internship": Share(6, 432, 0.0)}
    # Verified and reviewed on 3 April: in the second quarter, not the first.
    assert (q1.totals.verified, q1.totals.reviews, q1.totals.recommended) == (0, 0, 0)
    assert (q1.totals.opened, q1.totals.closed) == (3, 6)
    q2 = _report(built, sessions, hr, "university", None, quarter(2026, 2))
    assert (q2.totals.hours, q2.totals.verified, q2.totals.reviews, q2.totals.recommended) == (0, 2, 2, 1)
    assert q2.effectiveness == {"high": 1, "sufficient": 0, "low": 1}
    with sessions() as session:
        everyone = session.scalar(select(func.count(Person.id)).where(Person.is_active.is_(True)))
    assert q1.totals.people == everyone
    # The lines below are the institutes (the demo one and the three) and the people of the
    # university's own offices, adding up to the whole.
    assert len(q1.units) == 5 and q1.units[-1].unit_id == built.university.root
    for name in ("people", "trained", "hours", "due", "overdue", "opened", "closed"):
        assert sum(getattr(line.totals, name) for line in q1.units) == getattr(q1.totals, name), name
    three_years = _report(
        built, sessions, hr, "university", None, custom(date(2024, 1, 1), date(2026, 12, 31))
    )
    assert three_years.totals.hours == 6 * (216 + 72 + 72) + 132


def test_an_individual_report_shows_what_was_planned_and_done(
    built: Built, sessions: sessionmaker[Session]
) -> None:
    teacher = built.flow.demo["teacher"]
    found = _report(built, sessions, teacher, "individual", None, year(2026))
    assert found.subject.person_id == teacher
    assert sorted(t.hours for t in found.trainings) == [60, 72]
    assert sorted(c.course or "" for c in found.cases) == ["Деректер талдауы", "Ғылыми жазылым"]
    assert {c.status for c in found.cases} == {"completed"}
    assert found.totals.spent == 150000
    assert found.units == [] and found.people == []


def _refused(
    built: Built, sessions: sessionmaker[Session], actor: int, level: str, subject: int | None
) -> None:
    with pytest.raises(Forbidden):
        _report(built, sessions, actor, level, subject, year(2026))


def test_a_director_sees_his_institute_and_nothing_else(
    built: Built, sessions: sessionmaker[Session]
) -> None:
    u = built.university
    mine = _report(built, sessions, u.director, "institute", None, year(2024))
    assert mine.subject.unit_id == u.institutes[0]
    assert mine.totals.people == 22  # twenty teachers, the director and a head
    assert (
        _report(built, sessions, u.director, "department", u.departments[1], year(2024)).totals.hours == 216
    )
    someone = built.university.people[u.departments[0]][1]
    assert _report(built, sessions, u.director, "individual", someone, year(2024)).totals.hours == 72
    _refused(built, sessions, u.director, "institute", u.institutes[1])
    _refused(built, sessions, u.director, "department", u.departments[2])
    _refused(built, sessions, u.director, "university", None)
    _refused(built, sessions, u.director, "individual", u.people[u.departments[4]][0])


def test_a_head_sees_his_department_and_an_employee_himself(
    built: Built, sessions: sessionmaker[Session]
) -> None:
    u = built.university
    assert (
        _report(built, sessions, u.head, "department", None, year(2024)).subject.unit_id == u.departments[0]
    )
    _refused(built, sessions, u.head, "department", u.departments[1])
    _refused(built, sessions, u.head, "institute", u.institutes[0])
    teacher = u.people[u.departments[0]][0]
    assert _report(built, sessions, teacher, "individual", None, year(2024)).totals.hours == 72
    _refused(built, sessions, teacher, "individual", u.people[u.departments[0]][1])
    _refused(built, sessions, teacher, "department", u.departments[0])
    for role in ("hr", "centre", "rector"):
        whole = _report(built, sessions, built.flow.demo[role], "university", None, year(2024))
        assert whole.totals.hours == 6 * 216


def test_a_report_reads_the_same_statements_however_big(
    built: Built, sessions: sessionmaker[Session], engine: Engine
) -> None:
    hr = built.flow.demo["hr"]
    with counting(engine) as small:
        _report(built, sessions, hr, "department", built.university.departments[0], year(2026))
    with counting(engine) as large:
        _report(built, sessions, hr, "university", None, year(2026))
    assert len(large) == len(small)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("decade", None, None, None, None), "period"),
        (("year", "20x6", None, None, None), "year"),
        (("quarter", "2026", "5", None, None), "quarter"),
        (("custom", None, None, "2026-02-30", "2026-03-01"), "start"),
        (("custom", None, None, "2026-03-01", "2026-02-01"), "end"),
    ],
)
def test_a_wrong_period_is_a_field_error(args: tuple[str | None, ...], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_period(args[0], args[1], args[2], args[3], args[4], date(2026, 4, 3))
    assert caught.value.errors[0].field == field


def test_periods() -> None:
    today = date(2026, 4, 3)
    assert parse_period(None, None, None, None, None, today) == year(2026)
    assert parse_period("quarter", "2026", None, None, None, today) == quarter(2026, 2)
    assert quarter(2026, 4).end == date(2026, 12, 31) and quarter(2026, 1).end == date(2026, 3, 31)
    assert parse_period("custom", None, None, "2026-01-05", "2026-02-01", today).months() == [
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
