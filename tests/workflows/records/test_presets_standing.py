"""The other presets against hand-worked people: seed 003's old ministry rule (one counted training
every 5 years, whatever its hours) and the plain "once in 3 years"; each applies from the day it is
published, like any version of the periodicity table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from tests import factories
from tests.workflows.records.standings import publish_table, staff, training
from workflows.records.standing import Status, standing_of

PRESETS = Path(__file__).resolve().parents[3] / "bpmn" / "presets"
PUBLISHED = datetime(2026, 1, 10, 4, 0, tzinfo=UTC)
DAY = date(2026, 12, 1)


def _publish(db: Session, preset: str) -> None:
    publish_table(db, (PRESETS / f"{preset}.dmn").read_text(encoding="utf-8"), PUBLISHED)


def test_seed_003_asks_one_training_in_5_years_of_a_teacher_whatever_its_hours(db: Session) -> None:
    _publish(db, "seed_003")
    kept_up = staff(db)
    training(db, kept_up, date(2022, 6, 15), 24)  # under seed 001 far short of 72 hours
    lapsed = staff(db)
    training(db, lapsed, date(2021, 5, 20), 72)  # more than 5 years before the day
    found = standing_of(db, kept_up.id, DAY)
    assert found is not None
    assert [r.code for r in found.requirements] == ["any"]
    assert found.requirements[0].met and found.due_on == date(2027, 6, 15)
    assert found.status is Status.DUE_NEXT_YEAR and found.compliant
    late = standing_of(db, lapsed.id, DAY)
    assert late is not None and late.status is Status.OVERDUE and not late.compliant
    # Before the preset was published, seed 001 still decided: 24 hours are not 72.
    before = standing_of(db, kept_up.id, date(2026, 1, 9))
    assert before is not None and "hours" in {r.code for r in before.requirements}
    assert before.status is Status.OVERDUE


def test_once_in_3_years_asks_one_counted_training_of_teachers_and_heads_alike(db: Session) -> None:
    _publish(db, "once_per_3_years")
    teacher = staff(db)
    training(db, teacher, date(2025, 3, 1), 16)  # a short course counts: no least hours
    office = factories.unit(db, kind="office")
    head = staff(db, office.id, category="administrative", disciplines=(), position="Бөлім басшысы")
    training(db, head, date(2023, 11, 1), 40, matches=False)  # out of the window by 1 December 2026
    note = staff(db)
    training(db, note, date(2026, 2, 1), 72, kind="attendance_note")  # an attendance note counts nothing
    found = standing_of(db, teacher.id, DAY)
    assert found is not None and [r.code for r in found.requirements] == ["any"]
    assert found.status is Status.MET and found.due_on == date(2028, 3, 1)
    overdue = standing_of(db, head.id, DAY)
    assert overdue is not None and [r.code for r in overdue.requirements] == ["any"]
    assert overdue.status is Status.OVERDUE
    nothing = standing_of(db, note.id, DAY)
    assert nothing is not None and not nothing.compliant
