"""Standings against hand-worked people under seed 001's table (the shipped periodicity.dmn):
teachers 72 h per 3 years matching their disciplines (courses of 36 h or more), college teachers
36 h, heads of administrative staff management training once in 3 years, everyone one counted
training in 3 years; a changed table applies from its publish date only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests import factories
from tests.statements import counting
from tests.workflows.records.standings import publish_table, staff, training
from workflows.records.shortfall import sentence
from workflows.records.standing import Scope, Status, standing_of, standings

SHIPPED = (Path(__file__).resolve().parents[3] / "bpmn" / "periodicity.dmn").read_text(encoding="utf-8")


def _hours(s: object) -> object:
    return next(r for r in s.requirements if r.code == "hours")  # type: ignore[attr-defined]


def test_40_hours_in_2024_and_40_in_2026_meet_72_in_3_years_in_2026_but_not_in_2028(db: Session) -> None:
    teacher = staff(db)
    training(db, teacher, date(2024, 5, 12), 40)
    training(db, teacher, date(2026, 2, 20), 40)
    now = standing_of(db, teacher.id, date(2026, 12, 1))
    assert now is not None
    hours = _hours(now)
    assert (hours.hours_counted, hours.hours_required, hours.met) == (80, 72, True)  # type: ignore[attr-defined]
    # Met until the 2024 course leaves the window: due by 12 May 2027, next year.
    assert hours.due_on == date(2027, 5, 12)  # type: ignore[attr-defined]
    assert now.status is Status.DUE_NEXT_YEAR and now.compliant
    later = standing_of(db, teacher.id, date(2028, 1, 10))
    assert later is not None
    assert (_hours(later).hours_counted, _hours(later).met) == (40, False)  # type: ignore[attr-defined]
    assert later.status is Status.OVERDUE and not later.compliant
    assert sentence(later, "en").startswith("40 of 72 hours; overdue since 12 May 2027")


def test_a_head_of_an_administrative_unit_without_management_training_is_due(db: Session) -> None:
    office = factories.unit(db, kind="office")
    head = staff(db, office.id, category="administrative", disciplines=(), position="Бөлім басшысы")
    training(db, head, date(2023, 4, 1), 24, matches=False, management=True)  # out of the window
    training(db, head, date(2026, 3, 1), 24, matches=False)  # counts for "any", not for management
    found = standing_of(db, head.id, date(2026, 12, 1))
    assert found is not None
    codes = {r.code: r for r in found.requirements}
    assert set(codes) == {"management", "any"}
    assert not codes["management"].met and codes["any"].met
    assert codes["management"].status is Status.OVERDUE and found.status is Status.OVERDUE
    assert sentence(found, "en").startswith("Management training: none since 2023")


def test_a_head_by_seat_is_a_manager_whatever_the_position_says(db: Session) -> None:
    office = factories.unit(db, kind="office")
    head = staff(db, office.id, category="administrative", disciplines=(), position="Маман")
    factories.seat(db, head.id, "department_head", office.id)
    found = standing_of(db, head.id, date(2026, 12, 1))
    assert found is not None and "management" in {r.code for r in found.requirements}


def test_a_college_teacher_needs_36_hours(db: Session) -> None:
    college = factories.unit(db, kind="college")
    teacher = staff(db, college.id, category="college_teaching")
    training(db, teacher, date(2025, 10, 1), 36)
    found = standing_of(db, teacher.id, date(2026, 12, 1))
    assert found is not None
    assert (_hours(found).hours_required, _hours(found).met) == (36, True)  # type: ignore[attr-defined]
    assert found.status is Status.MET and found.due_on == date(2028, 10, 1)


def test_an_attendance_note_counts_nothing(db: Session) -> None:
    teacher = staff(db)
    training(db, teacher, date(2026, 1, 15), 72, kind="attendance_note")
    found = standing_of(db, teacher.id, date(2026, 12, 1))
    assert found is not None
    assert all(r.hours_counted == 0 and not r.met for r in found.requirements)


def test_a_30_hour_course_does_not_count_where_36_are_the_least(db: Session) -> None:
    teacher = staff(db)
    training(db, teacher, date(2025, 3, 1), 30)
    training(db, teacher, date(2026, 3, 1), 40)
    found = standing_of(db, teacher.id, date(2026, 12, 1))
    assert found is not None
    assert _hours(found).hours_counted == 40  # type: ignore[attr-defined]
    any_training = next(r for r in found.requirements if r.code == "any")
    assert any_training.hours_counted == 70  # "any" asks for no shortest course


def test_a_struck_record_or_one_not_matching_the_disciplines_counts_nothing_for_hours(db: Session) -> None:
    teacher = staff(db)
    training(db, teacher, date(2026, 3, 1), 72, struck=True)
    training(db, teacher, date(2026, 4, 1), 72, matches=False)
    found = standing_of(db, teacher.id, date(2026, 12, 1))
    assert found is not None
    assert _hours(found).hours_counted == 0  # type: ignore[attr-defined]
    assert next(r for r in found.requirements if r.code == "any").met


def test_nobody_with_nothing_on_file_and_no_start_date_has_no_data_and_a_newcomer_has_time(
    db: Session,
) -> None:
    unknown = staff(db)
    newcomer = staff(db, employment_start=date(2026, 9, 1))
    found = {
        s.person_id: s
        for s in standings(db, Scope.people([unknown.id, newcomer.id]), date(2026, 12, 1)).items
    }
    assert found[unknown.id].status is Status.NO_DATA
    assert found[newcomer.id].status is Status.MET and not found[newcomer.id].compliant
    assert found[newcomer.id].due_on == date(2029, 9, 1)


def test_a_policy_change_applies_from_its_publish_date_only(db: Session) -> None:
    teacher = staff(db)
    training(db, teacher, date(2025, 6, 1), 60)
    sixty = SHIPPED.replace("<text>72</text>", "<text>60</text>")
    version = publish_table(db, sixty, datetime(2026, 5, 10, 4, 0, tzinfo=UTC))
    before = standing_of(db, teacher.id, date(2026, 5, 9))
    after = standing_of(db, teacher.id, date(2026, 5, 10))
    assert before is not None and after is not None
    assert not _hours(before).met and before.policy_label != after.policy_label  # type: ignore[attr-defined]
    assert (_hours(after).met, after.policy_label) == (True, f"periodicity v{version}")  # type: ignore[attr-defined]


def test_the_sentence_is_in_the_readers_language(db: Session) -> None:
    teacher = staff(db)
    training(db, teacher, date(2024, 5, 12), 36)
    found = standing_of(db, teacher.id, date(2026, 12, 1))
    assert found is not None
    assert sentence(found, "en").startswith("36 of 72 hours; overdue") is False
    assert "36" in sentence(found, "ru") and "72" in sentence(found, "kk")
    assert sentence(found, "ru") != sentence(found, "kk") != sentence(found, "en")


def test_the_statement_count_does_not_grow_with_the_number_of_people(db: Session, engine: Engine) -> None:
    department = factories.unit(db)
    day = date(2026, 12, 1)

    def add(n: int) -> None:
        for i in range(n):
            person = staff(db, department.id, position="Бөлім басшысы" if i % 3 == 0 else "Оқытушы")
            training(db, person, date(2025, 1 + i % 12, 1), 36 + i)

    add(3)
    with counting(engine) as few:
        small = standings(db, Scope.units([department.id]), day)
    add(30)
    with counting(engine) as many:
        large = standings(db, Scope.units([department.id]), day)
    assert (len(small.items), len(large.items)) == (3, 33)
    assert len(many) == len(few) <= 6
