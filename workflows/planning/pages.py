"""What the plan's pages show: the campaigns a person has a part in, and one schedule with its
lines, the people due next year not yet on it, the meeting, and what the reader may do with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.clock import today as local_today
from workflows.org.models import OrgUnit, Person
from workflows.org.roles import Role
from workflows.org.seats import has_role, seats
from workflows.planning.access import (
    EDITABLE,
    acting_in,
    heads_schedule,
    may_edit_schedule,
    may_fill_individual_plan,
    require_view,
)
from workflows.planning.campaign import may_run_campaigns
from workflows.planning.lines import schedule_lines, schedule_row
from workflows.planning.models import (
    CampaignStatus,
    DepartmentMeeting,
    LineStatus,
    PlanCampaign,
    PlanLine,
    PlanSchedule,
    ScheduleLevel,
    ScheduleStatus,
)
from workflows.planning.stages import department_schedules, meeting_of
from workflows.planning.versions import budget_totals
from workflows.records.next_year import unit_list


@dataclass(frozen=True)
class LineRow:
    line: PlanLine
    name: str
    position: str
    unit_names: dict[str, str]


@dataclass(frozen=True)
class DuePerson:
    person_id: int
    name: str
    position: str
    status: str
    due_on: date | None
    hours_counted: int
    hours_required: int


@dataclass(frozen=True)
class ChildSchedule:
    schedule: PlanSchedule
    names: dict[str, str]
    lines: int


@dataclass(frozen=True)
class ScheduleView:
    schedule: PlanSchedule
    campaign: PlanCampaign
    names: dict[str, str]
    lines: list[LineRow]
    wishes: list[LineRow]
    due: list[DuePerson]
    people: list[tuple[int, str]]  # the unit's people, for adding a line
    meeting: DepartmentMeeting | None
    children: list[ChildSchedule]
    totals: dict[str, str]
    can_edit: bool = False
    can_approve: bool = False
    can_sign: bool = False
    can_return: bool = False
    can_consolidate: bool = False
    can_finance: bool = False
    can_approve_plan: bool = False
    removed: list[LineRow] = field(default_factory=list)


def _rows(session: Session, lines: list[PlanLine]) -> list[LineRow]:
    people = {
        p.id: p for p in session.scalars(select(Person).where(Person.id.in_({pl.person_id for pl in lines})))
    }
    units = {
        u.id: u
        for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_({pl.org_unit_id for pl in lines})))
    }
    return [
        LineRow(
            pl,
            people[pl.person_id].full_name,
            people[pl.person_id].position or "",
            units[pl.org_unit_id].names,
        )
        for pl in lines
    ]


def _due(session: Session, schedule: PlanSchedule, planned: set[int], today: date) -> list[DuePerson]:
    """The unit's own people who must train by the end of next year and have no line yet."""
    found = unit_list(session, schedule.org_unit_id, today)
    return [
        DuePerson(s.person_id, s.name, s.position, s.status, s.due_on, s.hours_counted, s.hours_required)
        for s in found.items
        if s.unit_id == schedule.org_unit_id and s.person_id not in planned
    ]


def _scope_ids(session: Session, schedule: PlanSchedule) -> list[int]:
    """The department schedules a schedule is made of (itself, its departments, the whole campaign's)."""
    if schedule.level is ScheduleLevel.DEPARTMENT:
        return [schedule.id]
    if schedule.level is ScheduleLevel.INSTITUTE:
        return [s.id for s in department_schedules(session, schedule.id)]
    institutes = select(PlanSchedule.id).where(PlanSchedule.parent_id == schedule.id)
    return list(session.scalars(select(PlanSchedule.id).where(PlanSchedule.parent_id.in_(institutes))))


def schedule_view(session: Session, schedule_id: int, actor_id: int, clock: Clock) -> ScheduleView:
    schedule, campaign = schedule_row(session, schedule_id)
    today = local_today(clock)
    require_view(session, schedule, campaign, actor_id, today)
    scope = _scope_ids(session, schedule)
    every = schedule_lines(session, scope, with_removed=True)
    live = [pl for pl in every if pl.status == LineStatus.PLANNED]
    live_schedules = {
        s.id
        for s in session.scalars(select(PlanSchedule).where(PlanSchedule.id.in_(scope)))
        if s.status != ScheduleStatus.WITHDRAWN
    }
    live = [pl for pl in live if pl.schedule_id in live_schedules]
    children: list[ChildSchedule] = []
    if schedule.level is not ScheduleLevel.DEPARTMENT:
        kids = session.scalars(
            select(PlanSchedule).where(PlanSchedule.parent_id == schedule.id).order_by(PlanSchedule.id)
        )
        counts: dict[int, int] = {}
        for pl in live:
            counts[pl.schedule_id] = counts.get(pl.schedule_id, 0) + 1
        for kid in kids:
            below = _scope_ids(session, kid)
            children.append(ChildSchedule(kid, kid.org_unit.names, sum(counts.get(i, 0) for i in below)))
    department = schedule.level is ScheduleLevel.DEPARTMENT
    head = department and heads_schedule(session, schedule, actor_id, today)
    editable = campaign.status is CampaignStatus.OPEN and schedule.status in EDITABLE
    people: list[tuple[int, str]] = []
    if department:
        people = [
            (p.id, p.full_name)
            for p in session.scalars(
                select(Person)
                .where(Person.org_unit_id == schedule.org_unit_id, Person.is_active.is_(True))
                .order_by(Person.full_name)
            )
        ]
    director_unit = schedule.org_unit_id
    directs = schedule.level is ScheduleLevel.INSTITUTE and acting_in(
        session, Role.INSTITUTE_DIRECTOR, director_unit, actor_id, today
    )
    hr = has_role(session, actor_id, Role.HR, today)
    university = schedule.level is ScheduleLevel.UNIVERSITY
    approver = any(has_role(session, actor_id, r, today) for r in (Role.APPARATUS_HEAD, Role.RECTOR))
    return ScheduleView(
        schedule=schedule,
        campaign=campaign,
        names=schedule.org_unit.names,
        lines=_rows(session, live),
        wishes=_rows(session, [pl for pl in every if pl.status == LineStatus.WISH]),
        due=_due(session, schedule, {pl.person_id for pl in every if pl.status != LineStatus.REMOVED}, today)
        if head and editable
        else [],
        people=people,
        meeting=meeting_of(session, schedule.id) if department else None,
        children=children,
        totals=budget_totals(live),
        can_edit=may_edit_schedule(session, schedule, campaign, actor_id, today),
        can_approve=head and editable,
        can_sign=directs
        and schedule.status is ScheduleStatus.DRAFT
        and campaign.status is CampaignStatus.OPEN,
        can_return=directs
        and schedule.status is ScheduleStatus.DRAFT
        and campaign.status is CampaignStatus.OPEN,
        can_consolidate=university and hr and campaign.status is CampaignStatus.CONSOLIDATION,
        can_finance=university
        and has_role(session, actor_id, Role.FINANCE, today)
        and campaign.status is CampaignStatus.FINANCE,
        can_approve_plan=university and approver and campaign.status is CampaignStatus.APPROVAL,
        removed=_rows(session, [pl for pl in every if pl.status == LineStatus.REMOVED]),
    )


LEVEL_ROLES = {
    ScheduleLevel.DEPARTMENT: Role.DEPARTMENT_HEAD,
    ScheduleLevel.INSTITUTE: Role.INSTITUTE_DIRECTOR,
    ScheduleLevel.UNIVERSITY: Role.HR,
}


@dataclass(frozen=True)
class CampaignEntry:
    campaign: PlanCampaign
    runs: bool  # HR / the centre: the progress page
    schedules: list[tuple[PlanSchedule, dict[str, str]]]  # the schedules the person heads or signs
    university_id: int | None  # the consolidated schedule, for HR, finance and the approvers
    individual: PlanSchedule | None  # the person's own department, while wishes are open


def my_campaigns(session: Session, actor_id: int, clock: Clock) -> list[CampaignEntry]:
    """Each campaign with the person's parts in it, newest year first."""
    today = local_today(clock)
    runs = may_run_campaigns(session, actor_id, today)
    sees_all = runs or any(
        has_role(session, actor_id, r, today)
        for r in (Role.HR, Role.FINANCE, Role.APPARATUS_HEAD, Role.RECTOR)
    )
    person = session.get(Person, actor_id)
    # The seats the person acts in today, read once for every campaign's units.
    held = {(seat.role, seat.org_unit_id) for seat in seats(session, actor_id, today)}
    entries: list[CampaignEntry] = []
    for campaign in session.scalars(select(PlanCampaign).order_by(PlanCampaign.year.desc())):
        rows = session.scalars(
            select(PlanSchedule).where(PlanSchedule.campaign_id == campaign.id).order_by(PlanSchedule.id)
        ).all()
        mine: list[tuple[PlanSchedule, dict[str, str]]] = []
        university_id, individual = None, None
        for s in rows:
            if s.level is ScheduleLevel.UNIVERSITY:
                university_id = s.id if sees_all else None
            elif (LEVEL_ROLES[s.level], s.org_unit_id) in held:
                mine.append((s, s.org_unit.names))
            if (
                person is not None
                and s.level is ScheduleLevel.DEPARTMENT
                and s.org_unit_id == person.org_unit_id
                and may_fill_individual_plan(session, s, campaign, actor_id, today)
            ):
                individual = s
        entries.append(CampaignEntry(campaign, runs, mine, university_id, individual))
    return entries


def total(amounts: dict[str, str]) -> Decimal:
    return sum((Decimal(v) for v in amounts.values()), Decimal(0))
