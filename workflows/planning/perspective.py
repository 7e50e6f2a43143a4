"""The perspective plan (002 §3): the annual plans of several years viewed together, and lines
carried from one year's plan into the next.

A year's lines are those of its approved plan's latest version, or, while its campaign still
runs, the lines on its schedules. A line not done in its year can be carried into the next year's
campaign while that unit's schedule is still being drawn up; the carried line remembers where it
came from (`carried_from_line_id`), so the perspective view shows the chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.errors import Forbidden, NotAllowedNow, NotFound
from workflows.org.models import Person
from workflows.org.roles import Role
from workflows.org.seats import seats
from workflows.planning.amendments import proposer_units
from workflows.planning.linking import current_versions
from workflows.planning.models import (
    CampaignStatus,
    LineOrigin,
    LineStatus,
    PlanCampaign,
    PlanLine,
    PlanSchedule,
    PlanVersion,
    PlanVersionLine,
    ScheduleStatus,
)
from workflows.reports.registers import in_units, scope_roots

CARRIERS = frozenset({Role.HR, Role.COMPETENCE_CENTRE})
EDITABLE = (ScheduleStatus.DRAFT, ScheduleStatus.RETURNED)
MAX_YEARS = 10


@dataclass(frozen=True)
class Cell:
    line_id: int
    topic: str
    quarter: int | None
    hours: int
    carried_from_year: int | None  # the line came from that year's plan


@dataclass
class YearColumn:
    year: int
    status: str | None  # the campaign's, None when there is none
    version: int | None
    lines: int = 0
    hours: int = 0
    cost: Decimal = Decimal(0)


@dataclass
class PersonRow:
    person_id: int
    name: str
    cells: dict[int, list[Cell]] = field(default_factory=dict)


@dataclass(frozen=True)
class Perspective:
    years: list[YearColumn]
    people: list[PersonRow]


def _year_lines(
    session: Session, year: int, version_id: int | None, roots: list[int], unit_id: int | None
) -> Sequence[Row[int, int, str, int | None, int, Decimal]]:
    if version_id is not None:
        return session.execute(
            select(
                PlanVersionLine.line_id,
                PlanVersionLine.person_id,
                PlanVersionLine.topic,
                PlanVersionLine.quarter,
                PlanVersionLine.hours,
                PlanVersionLine.estimated_cost,
            ).where(
                PlanVersionLine.version_id == version_id,
                *in_units(PlanVersionLine.org_unit_id, roots, unit_id),
            )
        ).all()
    return session.execute(
        select(PlanLine.id, PlanLine.person_id, PlanLine.topic, PlanLine.quarter, PlanLine.hours)
        .add_columns(PlanLine.estimated_cost)
        .join(PlanCampaign, PlanCampaign.id == PlanLine.campaign_id)
        .where(
            PlanCampaign.year == year,
            PlanLine.status == LineStatus.PLANNED,
            *in_units(PlanLine.org_unit_id, roots, unit_id),
        )
    ).all()


def perspective(
    session: Session, person_id: int, first: int, last: int, clock: Clock, unit_id: int | None = None
) -> Perspective:
    """The plans of `first`..`last` side by side, per person, within the reader's units."""
    if last < first or last - first >= MAX_YEARS:
        raise NotAllowedNow("plan_years_range", "Choose at most ten consecutive years", years=MAX_YEARS)
    roots = scope_roots(session, person_id, local_date(clock.now()))
    years = list(range(first, last + 1))
    campaigns = {c.year: c for c in session.scalars(select(PlanCampaign).where(PlanCampaign.year.in_(years)))}
    versions = current_versions(session, years)
    numbers = _version_numbers(session, list(versions.values()))
    origin = _carried_origins(session, years)
    columns: list[YearColumn] = []
    people: dict[int, PersonRow] = {}
    for year in years:
        campaign = campaigns.get(year)
        column = YearColumn(
            year, str(campaign.status) if campaign else None, numbers.get(versions.get(year, 0))
        )
        columns.append(column)
        if campaign is None or campaign.status == CampaignStatus.CANCELLED:
            continue
        for line_id, who, topic, quarter, hours, cost in _year_lines(
            session, year, versions.get(year), roots, unit_id
        ):
            column.lines += 1
            column.hours += hours
            column.cost += Decimal(cost or 0)
            row = people.setdefault(who, PersonRow(who, ""))
            row.cells.setdefault(year, []).append(Cell(line_id, topic, quarter, hours, origin.get(line_id)))
    names = dict(
        session.execute(select(Person.id, Person.full_name).where(Person.id.in_(list(people)))).all()
    )
    for row in people.values():
        row.name = names.get(row.person_id, "")
    return Perspective(columns, sorted(people.values(), key=lambda r: r.name))


def _version_numbers(session: Session, version_ids: list[int]) -> dict[int, int]:
    return dict(
        session.execute(
            select(PlanVersion.id, PlanVersion.number).where(PlanVersion.id.in_(version_ids))
        ).all()
    )


def _carried_origins(session: Session, years: list[int]) -> dict[int, int]:
    """Line → the year of the line it was carried from, for lines of these years."""
    source = PlanLine.__table__.alias("source")
    source_campaign = PlanCampaign.__table__.alias("source_campaign")
    rows = session.execute(
        select(PlanLine.id, source_campaign.c.year)
        .join(PlanCampaign, PlanCampaign.id == PlanLine.campaign_id)
        .join(source, source.c.id == PlanLine.carried_from_line_id)
        .join(source_campaign, source_campaign.c.id == source.c.campaign_id)
        .where(PlanCampaign.year.in_(years))
    )
    return {line_id: year for line_id, year in rows}


def _may_carry(session: Session, actor_id: int, unit_id: int, today: date) -> bool:
    if any(s.role in CARRIERS for s in seats(session, actor_id, today)):
        return True
    return unit_id in proposer_units(session, actor_id, today)


def carry_forward(session: Session, actor_id: int, line_id: int, clock: Clock) -> PlanLine:
    """The line of a year's plan, carried into the next year's campaign as a line of its unit's
    schedule (while that schedule is still being drawn up); once per line."""
    now = clock.now()
    today = local_date(now)
    line = session.get(PlanLine, line_id)
    if line is None:
        raise NotFound("No such plan line", line_id=line_id)
    if not _may_carry(session, actor_id, line.org_unit_id, today):
        raise Forbidden("Only HR, the centre or the unit's head carry plan lines forward")
    campaign = session.get(PlanCampaign, line.campaign_id)
    assert campaign is not None
    following = session.scalar(select(PlanCampaign).where(PlanCampaign.year == campaign.year + 1))
    if following is None or following.status != CampaignStatus.OPEN:
        raise NotAllowedNow(
            "next_campaign_not_open", "Next year's campaign is not open", year=campaign.year + 1
        )
    existing = session.scalar(
        select(PlanLine.id).where(
            PlanLine.carried_from_line_id == line.id, PlanLine.campaign_id == following.id
        )
    )
    if existing is not None:
        raise NotAllowedNow(
            "line_already_carried", "This line was already carried forward", year=following.year
        )
    schedule = session.scalar(
        select(PlanSchedule).where(
            PlanSchedule.campaign_id == following.id, PlanSchedule.org_unit_id == line.org_unit_id
        )
    )
    if schedule is None or schedule.status not in EDITABLE:
        raise NotAllowedNow(
            "next_schedule_closed",
            "The unit's schedule for next year is no longer being drawn up",
            year=following.year,
        )
    carried = PlanLine(
        campaign_id=following.id,
        schedule_id=schedule.id,
        person_id=line.person_id,
        org_unit_id=line.org_unit_id,
        origin=LineOrigin.CARRIED,
        status=LineStatus.PLANNED,
        topic=line.topic,
        provider=line.provider,
        training_form=line.training_form,
        mode=line.mode,
        place=line.place,
        quarter=line.quarter,
        month=line.month,
        hours=line.hours,
        length_class=line.length_class,
        hours_flag=line.hours_flag,
        funding_source=line.funding_source,
        estimated_cost=line.estimated_cost,
        relevance=line.relevance,
        carried_from_line_id=line.id,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    session.add(carried)
    schedule.updated_at = now  # the schedule changed: a head's open edit of it is now stale
    session.flush()
    return carried
