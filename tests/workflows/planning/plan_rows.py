"""An approved plan written as rows, for the tests of what happens to a plan once it is approved."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tests.conftest import Demo
from workflows.clock import FrozenClock
from workflows.org.models import Person
from workflows.planning.models import (
    CampaignStatus,
    LineOrigin,
    LineStatus,
    PlanCampaign,
    PlanLine,
    PlanSchedule,
    PlanVersion,
    PlanVersionLine,
    ScheduleLevel,
    ScheduleStatus,
)
from workflows.planning.new_version import LINE_FIELDS, totals


def line(username: str, topic: str, quarter: int, hours: int = 72, **values: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "username": username,
        "topic": topic,
        "quarter": quarter,
        "hours": hours,
        "provider": "Назарбаев Университеті",
        "training_form": "course",
        "mode": "without_leaving_work",
        "place": "Астана, Қазақстан",
        "funding_source": "own",
        "estimated_cost": Decimal(0),
        "relevance": "Оқытатын пәндерге цифрлық құралдарды енгізу",
    }
    found.update(values)
    return found


def campaign(
    session: Session,
    demo: Demo,
    clock: FrozenClock,
    year: int,
    status: CampaignStatus = CampaignStatus.APPROVED,
) -> PlanCampaign:
    row = PlanCampaign(
        year=year,
        status=status,
        opens_on=date(year - 1, 9, 1),
        individual_by=date(year - 1, 10, 1),
        departments_by=date(year - 1, 11, 1),
        institutes_by=date(year - 1, 11, 15),
        approval_by=date(year - 1, 12, 1),
        policy={},
        opened_by_id=demo["hr"],
        opened_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


def schedule(session: Session, campaign_id: int, unit_id: int, status: ScheduleStatus, now: datetime) -> int:
    row = PlanSchedule(
        campaign_id=campaign_id,
        org_unit_id=unit_id,
        level=ScheduleLevel.DEPARTMENT,
        status=status,
        due_on=date(2025, 11, 1),
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def approved_plan(
    session: Session, demo: Demo, clock: FrozenClock, year: int, lines: list[dict[str, Any]]
) -> dict[str, int]:
    """Topic → plan line id, in version 1 of the year's approved plan."""
    now = clock.now()
    plan = campaign(session, demo, clock, year)
    schedules: dict[int, int] = {}
    found: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for values in lines:
        values = dict(values)
        person = session.get(Person, demo[values.pop("username")])
        assert person is not None
        unit = person.org_unit_id
        if unit not in schedules:
            schedules[unit] = schedule(session, plan.id, unit, ScheduleStatus.CONSOLIDATED, now)
        row = PlanLine(
            campaign_id=plan.id,
            schedule_id=schedules[unit],
            person_id=person.id,
            org_unit_id=unit,
            origin=LineOrigin.HEAD,
            status=LineStatus.PLANNED,
            created_by_id=demo["head"],
            created_at=now,
            updated_at=now,
            **values,
        )
        session.add(row)
        session.flush()
        found[row.topic] = row.id
        rows.append({**{name: getattr(row, name) for name in LINE_FIELDS}, "line_id": row.id})
    version = PlanVersion(
        campaign_id=plan.id, number=1, approved_at=now, approved_by_id=demo["rector"], totals=totals(rows)
    )
    session.add(version)
    session.flush()
    session.add_all(PlanVersionLine(version_id=version.id, **row) for row in rows)
    session.flush()
    return found
