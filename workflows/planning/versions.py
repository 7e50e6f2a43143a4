"""Frozen approved plans: freezing the plan as a version, and what other areas read from it
(a person's approved lines to apply from, a unit's approved lines to follow, the versions' history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.planning.models import (
    CampaignStatus,
    LineStatus,
    PlanCampaign,
    PlanLine,
    PlanSchedule,
    PlanVersion,
    PlanVersionLine,
    ScheduleStatus,
)

FROZEN_COLUMNS = (
    "person_id",
    "org_unit_id",
    "topic",
    "provider",
    "training_form",
    "mode",
    "place",
    "quarter",
    "month",
    "start_date",
    "end_date",
    "hours",
    "funding_source",
    "estimated_cost",
    "relevance",
)


@dataclass(frozen=True)
class ApprovedLine:
    """A line of an approved plan version, as applications and plan execution read it."""

    id: int  # the frozen line (plan_version_line.id)
    line_id: int  # the working line it was frozen from (stable across versions)
    version_id: int
    version_number: int
    year: int
    person_id: int
    org_unit_id: int
    topic: str
    provider: str | None
    training_form: str
    mode: str
    place: str | None
    quarter: int | None
    month: int | None
    start_date: date | None
    end_date: date | None
    hours: int
    funding_source: str
    estimated_cost: Decimal
    relevance: str | None


@dataclass(frozen=True)
class VersionInfo:
    id: int
    number: int
    approved_at: datetime
    approved_by_id: int | None
    late: bool
    note: str | None
    totals: dict[str, str]
    lines: int


def live_lines(session: Session, campaign_id: int) -> list[PlanLine]:
    """The campaign's planned lines in schedules still in it (a withdrawn unit's lines moved on)."""
    return list(
        session.scalars(
            select(PlanLine)
            .join(PlanSchedule, PlanSchedule.id == PlanLine.schedule_id)
            .where(
                PlanLine.campaign_id == campaign_id,
                PlanLine.status == LineStatus.PLANNED,
                PlanSchedule.status != ScheduleStatus.WITHDRAWN,
            )
            .order_by(PlanLine.org_unit_id, PlanLine.id)
        )
    )


def budget_totals(lines: list[PlanLine]) -> dict[str, str]:
    """The estimated cost by funding source, as decimal strings (JSON keeps no Decimal)."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.funding_source] = totals.get(line.funding_source, Decimal(0)) + Decimal(
            line.estimated_cost
        )
    return {source: f"{amount:.2f}" for source, amount in sorted(totals.items())}


def freeze(
    session: Session,
    campaign: PlanCampaign,
    actor_id: int | None,
    clock: Clock,
    late: bool,
    note: str | None = None,
) -> PlanVersion:
    """The plan as it stands becomes the next version: its lines copied, its totals kept."""
    lines = live_lines(session, campaign.id)
    number = (
        session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.campaign_id == campaign.id))
        or 0
    ) + 1
    now = clock.now()
    version = PlanVersion(
        campaign_id=campaign.id,
        number=number,
        approved_at=now,
        approved_by_id=actor_id,
        late=late,
        note=note,
        totals=budget_totals(lines),
    )
    session.add(version)
    session.flush()
    if lines:
        session.execute(
            insert(PlanVersionLine),
            [
                {
                    "version_id": version.id,
                    "line_id": line.id,
                    **{c: getattr(line, c) for c in FROZEN_COLUMNS},
                }
                for line in lines
            ],
        )
    if number == 1:
        campaign.status = CampaignStatus.APPROVED
        campaign.approved_at = now
        campaign.approved_by_id = actor_id
        campaign.approved_late = late
    return version


def _current_versions(year: int | None = None) -> Any:
    """The newest version of each campaign (of `year` only, when given), as a subquery."""
    newest = (
        select(PlanVersion.campaign_id, func.max(PlanVersion.number).label("number"))
        .group_by(PlanVersion.campaign_id)
        .subquery()
    )
    query = (
        select(PlanVersion.id, PlanVersion.number, PlanCampaign.year)
        .join(
            newest,
            (newest.c.campaign_id == PlanVersion.campaign_id) & (newest.c.number == PlanVersion.number),
        )
        .join(PlanCampaign, PlanCampaign.id == PlanVersion.campaign_id)
    )
    if year is not None:
        query = query.where(PlanCampaign.year == year)
    return query.subquery()


def _approved(session: Session, *conditions: Any, year: int | None = None) -> list[ApprovedLine]:
    current = _current_versions(year)
    rows = session.execute(
        select(PlanVersionLine, current.c.number, current.c.year)
        .join(current, current.c.id == PlanVersionLine.version_id)
        .where(*conditions)
        .order_by(
            PlanVersionLine.start_date, PlanVersionLine.quarter, PlanVersionLine.month, PlanVersionLine.id
        )
    ).all()
    return [
        ApprovedLine(
            id=line.id,
            line_id=line.line_id,
            version_id=line.version_id,
            version_number=number,
            year=year_,
            **{c: getattr(line, c) for c in FROZEN_COLUMNS},
        )
        for line, number, year_ in rows
    ]


def approved_lines_of_person(session: Session, person_id: int, year: int | None = None) -> list[ApprovedLine]:
    """The person's lines in the current approved version of each year's plan (or of `year`)."""
    return _approved(session, PlanVersionLine.person_id == person_id, year=year)


def approved_lines_of_unit(session: Session, unit_id: int, year: int) -> list[ApprovedLine]:
    """A unit's lines in the current approved version of `year`'s plan."""
    return _approved(session, PlanVersionLine.org_unit_id == unit_id, year=year)


def approved_lines(session: Session, year: int) -> list[ApprovedLine]:
    """Every line of the current approved version of `year`'s plan."""
    return _approved(session, year=year)


def approved_line(session: Session, frozen_line_id: int) -> ApprovedLine | None:
    """One frozen line by its id, in whichever version it belongs to (None when there is none)."""
    row = session.execute(
        select(PlanVersionLine, PlanVersion.number, PlanCampaign.year)
        .join(PlanVersion, PlanVersion.id == PlanVersionLine.version_id)
        .join(PlanCampaign, PlanCampaign.id == PlanVersion.campaign_id)
        .where(PlanVersionLine.id == frozen_line_id)
    ).first()
    if row is None:
        return None
    line, number, year = row
    return ApprovedLine(
        id=line.id,
        line_id=line.line_id,
        version_id=line.version_id,
        version_number=number,
        year=year,
        **{c: getattr(line, c) for c in FROZEN_COLUMNS},
    )


def plan_versions(session: Session, campaign_id: int) -> list[VersionInfo]:
    """The campaign's approved versions, oldest first, with how many lines each froze."""
    counts = (
        select(PlanVersionLine.version_id, func.count().label("n"))
        .group_by(PlanVersionLine.version_id)
        .subquery()
    )
    rows = session.execute(
        select(PlanVersion, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.version_id == PlanVersion.id)
        .where(PlanVersion.campaign_id == campaign_id)
        .order_by(PlanVersion.number)
    ).all()
    return [
        VersionInfo(v.id, v.number, v.approved_at, v.approved_by_id, v.late, v.note, dict(v.totals), int(n))
        for v, n in rows
    ]
