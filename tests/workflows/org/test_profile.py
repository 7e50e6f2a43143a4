"""The account page's facts: a person's seats with their dates and the delegations both ways."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import Demo
from workflows.clock import FrozenClock
from workflows.errors import NotFound
from workflows.org.profile import profile


def test_seats_with_dates_and_delegations_both_ways(db: Session, demo: Demo, clock: FrozenClock) -> None:
    unit = factories.university(db)
    factories.seat(db, demo["teacher"], "competence_centre", unit.id, date(2026, 4, 1), date(2026, 12, 31))
    factories.seat(db, demo["teacher"], "finance", unit.id, date(2025, 1, 1), date(2025, 12, 31))  # over
    factories.deputy(db, demo["head"], demo["teacher"], date(2026, 2, 20), date(2026, 3, 10))
    factories.deputy(db, demo["teacher"], demo["teacher2"], date(2026, 5, 1), date(2026, 5, 14))
    mine = profile(db, demo["teacher"], clock)
    rows = [(s.role, s.valid_from, s.valid_to, s.on_behalf_of) for s in mine.seats]
    assert ("competence_centre", date(2026, 4, 1), date(2026, 12, 31), None) in rows
    assert all(role != "finance" for role, *_ in rows)
    head_seat = [s for s in mine.seats if s.role == "department_head"]
    assert len(head_seat) == 1 and head_seat[0].on_behalf_of and "Дәурен" in head_seat[0].on_behalf_of
    ways = sorted((d.outgoing, d.valid_from) for d in mine.delegations)
    assert ways == [(False, date(2026, 2, 20)), (True, date(2026, 5, 1))]
    with pytest.raises(NotFound):
        profile(db, 999999, clock)
