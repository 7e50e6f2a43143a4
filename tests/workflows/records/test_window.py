"""The window's walk through a person's trainings gives what the plain reading of the rules
gives (tests/workflows/records/per_person.py), requirement by requirement and day by day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session

from tests.workflows.records import per_person
from tests.workflows.records.standings import staff, training
from workflows.org.models import Person
from workflows.records.models import TrainingRecord
from workflows.records.requirements import Requirement
from workflows.records.standing import Scope, standings
from workflows.records.window import requirement_standing

TYPES = frozenset({"certificate", "svidetelstvo", "foreign_certificate", "retraining_diploma"})


def _req(
    code: str = "hours",
    hours: int = 72,
    years: int = 3,
    least: int = 36,
    match: bool = False,
    management: bool = False,
    types: frozenset[str] = TYPES,
) -> Requirement:
    return Requirement(code, hours, years, least, match, management, types)


REQUIREMENTS = [
    _req(),  # 72 hours in 3 years, courses of 36 hours at least
    _req(match=True),  # ... matching the disciplines
    _req(hours=36),  # a college teacher's
    _req("management", 0, 3, 0, management=True),  # one management training
    _req("any", 0, 5, 0),  # one training of any kind in 5 years
    _req(hours=100, years=1, least=0),  # more than one year's records can give
    _req(hours=72, years=4, least=0, types=frozenset({"certificate"})),  # 29 February in a leap year
]
DAYS = [
    date(2024, 2, 28),
    date(2025, 6, 30),
    date(2026, 12, 1),
    date(2027, 2, 28),
    date(2027, 3, 1),
    date(2028, 2, 29),
    date(2029, 1, 10),
    date(2031, 12, 31),
]


def _compare(db: Session, people: list[Person], requirements: list[Requirement], days: list[date]) -> int:
    """Every requirement against every person on every day, both ways; the number compared."""
    compared = 0
    for day in days:
        walked = per_person.trainings(db, day)
        for req in requirements:
            for person in people:
                mine = walked.get(person.id, [])
                expected = per_person.requirement_standing(req, mine, day, person.employment_start)
                got = requirement_standing(req, mine, day, person.employment_start)
                assert got == expected, (day, req, person.id, [(t.end_date, t.hours) for t in mine])
                compared += 1
    return compared


def test_a_varied_file_counts_the_same_both_ways(db: Session) -> None:
    newcomer = staff(db, employment_start=date(2025, 9, 1))
    nobody = staff(db)
    leap = staff(db, employment_start=date(2020, 2, 29))
    for end in (date(2024, 2, 29), date(2024, 2, 28), date(2024, 3, 1)):
        training(db, leap, end, 36, kind="certificate")
    steady = staff(db)
    for year in range(2019, 2027):
        training(db, steady, date(year, 5, 20), 24 + (year % 3) * 24)
    mixed = staff(db, employment_start=date(2018, 1, 10))
    training(db, mixed, date(2022, 11, 30), 72, matches=False)
    training(db, mixed, date(2023, 4, 1), 40, kind="attendance_note")
    training(db, mixed, date(2024, 6, 15), 30)
    training(db, mixed, date(2024, 6, 15), 50, kind=None)  # from before types were kept
    training(db, mixed, date(2025, 1, 1), 72, struck=True)
    training(db, mixed, date(2025, 10, 10), 16, management=True)
    training(db, mixed, date(2027, 1, 5), 108, kind="svidetelstvo")  # after some of the days
    lapsed = staff(db)
    training(db, lapsed, date(2016, 3, 3), 72)
    training(db, lapsed, date(2017, 3, 3), 72, management=True)
    twins = staff(db)  # two records ending the same day, the older one by id second
    training(db, twins, date(2023, 12, 31), 36)
    training(db, twins, date(2023, 12, 31), 36)
    training(db, twins, date(2026, 1, 1), 0)
    people = [newcomer, nobody, leap, steady, mixed, lapsed, twins]
    assert _compare(db, people, REQUIREMENTS, DAYS) == len(people) * len(REQUIREMENTS) * len(DAYS)


def test_the_standings_list_the_counted_records_in_end_date_order(db: Session) -> None:
    teacher = staff(db)
    later = training(db, teacher, date(2026, 3, 1), 36)
    earlier = training(db, teacher, date(2025, 3, 1), 36)
    [found] = standings(db, Scope.people([teacher.id]), date(2026, 12, 1)).items
    assert [r.record_ids for r in found.requirements if r.code == "hours"] == [(earlier.id, later.id)]


_record = st.tuples(
    st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    st.sampled_from([0, 8, 16, 36, 40, 72, 108]),
    st.sampled_from(["certificate", "svidetelstvo", "attendance_note", None]),
    st.booleans(),  # matches the disciplines
    st.booleans(),  # management
    st.booleans(),  # struck
)
_requirement = st.builds(
    _req,
    code=st.sampled_from(["hours", "management", "any"]),
    hours=st.sampled_from([0, 16, 36, 72, 144]),
    years=st.integers(1, 5),
    least=st.sampled_from([0, 16, 36]),
    match=st.booleans(),
    management=st.booleans(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.lists(st.lists(_record, max_size=7), min_size=1, max_size=3),
    requirements=st.lists(_requirement, min_size=1, max_size=3),
    day=st.dates(date(2016, 1, 1), date(2032, 12, 31)),
    start=st.one_of(st.none(), st.dates(date(2010, 1, 1), date(2030, 12, 31))),
)
def test_any_file_counts_the_same_both_ways(
    db: Session,
    files: list[list[tuple[date, int, str | None, bool, bool, bool]]],
    requirements: list[Requirement],
    day: date,
    start: date | None,
) -> None:
    people = [staff(db, employment_start=start) for _ in files]
    for person, records in zip(people, files, strict=True):
        for end, hours, kind, matches, management, struck in records:
            training(db, person, end, hours, kind=kind, matches=matches, management=management, struck=struck)
    try:
        _compare(db, people, requirements, [day, day + timedelta(days=366)])
    finally:
        db.execute(delete(TrainingRecord).where(TrainingRecord.person_id.in_([p.id for p in people])))
