"""The statuses alone (`statuses`) against the full standings on a varied crowd: heads by seat and
by position, administrative and college staff, newcomers, records of every kind over ten years,
struck ones, under the shipped table and a preset, on several days."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests import factories
from tests.statements import counting
from tests.workflows.records.standings import publish_table, staff, training
from workflows.records.standing import Scope, standings
from workflows.records.statuses import statuses
from workflows.records.window import Status

PRESETS = Path(__file__).resolve().parents[3] / "bpmn" / "presets"
DAYS = (date(2024, 2, 29), date(2026, 1, 1), date(2026, 12, 1), date(2028, 6, 30))


def _crowd(db: Session, count: int) -> int:
    """`count` people of varied facts and records; the unit they are all under."""
    rng = random.Random(5)
    top = factories.unit(db, kind="institute")
    units = [factories.unit(db, top, kind) for kind in ("department", "office", "college", "centre")]
    positions = ("Аға оқытушы", "Бөлім басшысы", "Маман", "Директордың орынбасары", "Оқытушы")
    for n in range(count):
        unit = units[n % len(units)]
        start = rng.choice([None, None, date(2010, 9, 1), date(2025, 9, 1), date(2026, 6, 1)])
        person = staff(
            db,
            unit.id,
            category=rng.choice(["teaching", "teaching", "administrative"]),
            disciplines=rng.choice([("Информатика",), ()]),
            position=rng.choice(positions),
            employment_start=start,
        )
        if n % 7 == 0:
            factories.seat(db, person.id, "department_head", unit.id)
        for _ in range(rng.randrange(0, 7)):
            training(
                db,
                person,
                date(2018, 1, 1) + timedelta(days=rng.randrange(0, 3800)),
                rng.choice([8, 16, 24, 36, 40, 72, 108]),
                kind=rng.choice(["certificate", "certificate", None, "attendance_note"]),
                matches=rng.random() < 0.6,
                management=rng.random() < 0.3,
                struck=rng.random() < 0.1,
            )
    return top.id


def _agree(db: Session, scope: Scope) -> set[Status]:
    seen: set[Status] = set()
    for day in DAYS:
        full = {s.person_id: s.status for s in standings(db, scope, day).items}
        assert statuses(db, scope, day) == full, day
        seen.update(full.values())
    return seen


def test_the_statuses_alone_are_the_standings_statuses(db: Session) -> None:
    top = _crowd(db, 80)
    assert _agree(db, Scope.units([top])) == set(Status)  # every status is met on the way
    _agree(db, Scope())


def test_they_agree_under_a_preset_too(db: Session) -> None:
    top = _crowd(db, 40)
    text = (PRESETS / "seed_003.dmn").read_text(encoding="utf-8")
    publish_table(db, text, datetime(2025, 1, 10, 4, 0, tzinfo=UTC))
    _agree(db, Scope.units([top]))


def test_they_are_read_in_as_many_statements_as_the_standings(db: Session, engine: Engine) -> None:
    top = _crowd(db, 5)
    day = date(2026, 12, 1)
    with counting(engine) as full:
        standings(db, Scope.units([top]), day)
    with counting(engine) as few:
        statuses(db, Scope.units([top]), day)
    _crowd(db, 30)
    with counting(engine) as many:
        statuses(db, Scope(), day)
    assert len(few) == len(many) == len(full) <= 6
