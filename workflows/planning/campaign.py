"""Opening a planning campaign for a year: the unit schedules it tracks, and its engine instance.

HR or the competence centre opens the campaign; the diagram's properties give its dates and policy.
The units are the org tree as it stands: the institutes below the university that have departments,
and their open departments. The engine instance runs a sub-process per institute and, inside it,
one per department, so every unit's progress, deadline and escalation comes from the diagram.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.models import EventKind
from workflows.cases.new_case import new_instance
from workflows.cases.steps import Step
from workflows.clock import Clock
from workflows.clock import today as local_today
from workflows.definitions.publishing import latest_version
from workflows.definitions.versions import VERSIONS
from workflows.errors import Forbidden, NotAllowedNow, NotFound, ValidationFailed, field_error
from workflows.org.models import OrgUnit, Person
from workflows.org.roles import Role
from workflows.org.seats import has_role
from workflows.planning.models import (
    CampaignStatus,
    PlanCampaign,
    PlanSchedule,
    ScheduleLevel,
    ScheduleStatus,
)
from workflows.planning.policy import PROCESS_KEY, campaign_dates

OPENERS = (Role.HR, Role.COMPETENCE_CENTRE)
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class CampaignRef:
    id: int
    year: int
    instance_id: int
    business_key: str
    institutes: int
    departments: int


@dataclass(frozen=True)
class UnitTree:
    university_id: int
    institutes: list[tuple[OrgUnit, list[OrgUnit]]]


def may_run_campaigns(session: Session, person_id: int, on: date) -> bool:
    """HR and the competence centre open campaigns, follow their progress and remind late units."""
    return any(has_role(session, person_id, role, on) for role in OPENERS)


def _require_runner(session: Session, actor_id: int, on: date) -> None:
    if not may_run_campaigns(session, actor_id, on):
        raise Forbidden("Only HR or the competence centre runs planning campaigns")


def planned_units(session: Session, root_id: int) -> UnitTree:
    """The open institutes below the university that have open departments, with those departments."""
    units = list(session.scalars(select(OrgUnit).where(OrgUnit.closed_on.is_(None)).order_by(OrgUnit.id)))
    children: dict[int, list[OrgUnit]] = {}
    for unit in units:
        if unit.parent_id is not None:
            children.setdefault(unit.parent_id, []).append(unit)
    institutes = [(inst, children[inst.id]) for inst in children.get(root_id, []) if children.get(inst.id)]
    return UnitTree(root_id, institutes)


def _root_of(session: Session, unit_id: int) -> int:
    unit = session.get(OrgUnit, unit_id)
    while unit is not None and unit.parent_id is not None:
        unit = session.get(OrgUnit, unit.parent_id)
    if unit is None:
        raise NotFound("No such unit", unit_id=unit_id)
    return unit.id


def _schedule(
    campaign: PlanCampaign, unit: int, level: ScheduleLevel, due: date, parent: int | None, now: Any
) -> PlanSchedule:
    return PlanSchedule(
        campaign_id=campaign.id,
        org_unit_id=unit,
        level=level,
        parent_id=parent,
        status=ScheduleStatus.DRAFT,
        due_on=due,
        updated_at=now,
    )


def open_campaign(session: Session, year: Any, actor_id: int, clock: Clock) -> CampaignRef:
    """Open the campaign for the plan of `year`: its schedules, then its instance of the diagram."""
    today = local_today(clock)
    _require_runner(session, actor_id, today)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed([field_error("year", "type_integer")]) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed([field_error("year", "minimum", "", limit=MIN_YEAR)])
    if session.scalar(select(PlanCampaign.id).where(PlanCampaign.year == year)) is not None:
        raise NotAllowedNow("campaign_exists", f"The campaign for {year} is already open", year=year)
    actor = session.get(Person, actor_id)
    if actor is None or not actor.is_active:
        raise Forbidden("Unknown or inactive person")
    version = VERSIONS.put(latest_version(session, PROCESS_KEY))
    info = version.definition.info
    policy = info.policy()
    dates = campaign_dates(policy, year)
    tree = planned_units(session, _root_of(session, actor.org_unit_id))
    if not tree.institutes:
        raise NotAllowedNow("campaign_no_units", "There are no institutes with departments to plan for")
    now = clock.now()
    campaign = PlanCampaign(
        year=year,
        status=CampaignStatus.OPEN,
        policy=policy,
        opened_by_id=actor_id,
        opened_at=now,
        **{key: getattr(dates, key) for key in dates.as_data()},
    )
    session.add(campaign)
    session.flush()
    university = _schedule(
        campaign, tree.university_id, ScheduleLevel.UNIVERSITY, dates.approval_by, None, now
    )
    session.add(university)
    session.flush()
    departments = 0
    for institute, units in tree.institutes:
        inst = _schedule(
            campaign, institute.id, ScheduleLevel.INSTITUTE, dates.institutes_by, university.id, now
        )
        session.add(inst)
        session.flush()
        for unit in units:
            session.add(
                _schedule(campaign, unit.id, ScheduleLevel.DEPARTMENT, dates.departments_by, inst.id, now)
            )
            departments += 1
    instance = new_instance(
        session,
        version.id,
        PROCESS_KEY,
        f"PLAN-{year}-{secrets.token_hex(3).upper()}",
        actor_id,
        tree.university_id,
        now,
    )
    campaign.instance_id = instance.id
    data = {
        "year": year,
        **dates.as_data(),
        "policy": policy,
        "campaign_id": campaign.id,
        "university_id": tree.university_id,
        "institutes": [{"id": i.id, "departments": [d.id for d in units]} for i, units in tree.institutes],
        "applicant_name": actor.full_name,
        "course": info.title("kk"),
    }
    step = Step(session, instance, version, clock, actor_id, start_data=data)
    step.log(EventKind.CASE_STARTED, info.start_event.id, version=version.version, submitted={"year": year})
    step.save()
    return CampaignRef(
        campaign.id, year, instance.id, instance.business_key, len(tree.institutes), departments
    )


def campaign(session: Session, campaign_id: int) -> PlanCampaign:
    found = session.get(PlanCampaign, campaign_id)
    if found is None:
        raise NotFound("No such campaign", campaign_id=campaign_id)
    return found


def campaign_for_year(session: Session, year: int) -> PlanCampaign | None:
    return session.scalars(select(PlanCampaign).where(PlanCampaign.year == year)).first()


def campaigns(session: Session) -> list[PlanCampaign]:
    return list(session.scalars(select(PlanCampaign).order_by(PlanCampaign.year.desc())))
