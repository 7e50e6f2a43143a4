"""Rows for standing tests: people with the facts the policy reads and their training records."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from tests import factories
from workflows.org.models import Person
from workflows.records.models import TrainingRecord

_n = itertools.count(1)


def staff(
    session: Session,
    unit_id: int | None = None,
    category: str = "teaching",
    disciplines: tuple[str, ...] = ("Информатика",),
    position: str = "Аға оқытушы",
    employment_start: date | None = None,
) -> Person:
    found = factories.person(session, org_unit_id=unit_id, staff_category=category)
    found.disciplines = list(disciplines)
    found.position = position
    found.employment_start = employment_start
    session.flush()
    return found


def training(
    session: Session,
    person: Person,
    end: date,
    hours: int,
    *,
    kind: str | None = "certificate",
    matches: bool = True,
    management: bool = False,
    struck: bool = False,
) -> TrainingRecord:
    record = TrainingRecord(
        person_id=person.id,
        source="manual",
        course=f"Курс {next(_n)}",
        provider="Орталық",
        start_date=end - timedelta(days=5),
        end_date=end,
        hours=hours,
        certificate_type=kind,
        matches_disciplines=matches,
        management=management,
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        struck_at=datetime(2026, 1, 2, tzinfo=UTC) if struck else None,
    )
    session.add(record)
    session.flush()
    return record
