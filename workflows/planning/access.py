"""Who may do what with a campaign's schedules: the unit's head draws up its schedule, its people
fill in their wishes, the director reviews, HR consolidates, finance agrees, the approver approves."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from workflows.errors import NotFound
from workflows.org.models import Person
from workflows.org.roles import Role
from workflows.org.seats import has_role, seat_holders
from workflows.planning.models import (
    CampaignStatus,
    PlanCampaign,
    PlanSchedule,
    ScheduleLevel,
    ScheduleStatus,
)

EDITABLE = frozenset({ScheduleStatus.DRAFT, ScheduleStatus.RETURNED})


def acting_in(session: Session, role: str, unit_id: int, person_id: int, on: date) -> bool:
    """Whether the person acts today in the seat `role` resolves to at the unit (up the tree when
    it is empty, a deputy for its holder)."""
    _role, _unit, acting = seat_holders(session, role, unit_id, None, on)
    return person_id in acting


def heads_schedule(session: Session, schedule: PlanSchedule, person_id: int, on: date) -> bool:
    return schedule.level is ScheduleLevel.DEPARTMENT and acting_in(
        session, Role.DEPARTMENT_HEAD, schedule.org_unit_id, person_id, on
    )


def may_edit_schedule(
    session: Session, schedule: PlanSchedule, campaign: PlanCampaign, person_id: int, on: date
) -> bool:
    """The head while the schedule is being drawn up (or was returned); HR while consolidating."""
    if campaign.status is CampaignStatus.OPEN and schedule.status in EDITABLE:
        return heads_schedule(session, schedule, person_id, on)
    if campaign.status is CampaignStatus.CONSOLIDATION and schedule.status is not ScheduleStatus.WITHDRAWN:
        return has_role(session, person_id, Role.HR, on)
    return False


def may_fill_individual_plan(
    session: Session, schedule: PlanSchedule, campaign: PlanCampaign, person_id: int, on: date
) -> bool:
    """A member of the department, while its schedule is being drawn up."""
    if campaign.status is not CampaignStatus.OPEN or schedule.status not in EDITABLE:
        return False
    person = session.get(Person, person_id)
    return person is not None and person.is_active and person.org_unit_id == schedule.org_unit_id


def may_view_schedule(
    session: Session, schedule: PlanSchedule, campaign: PlanCampaign, person_id: int, on: date
) -> bool:
    """The unit's head and the levels above it, HR and the centre, finance and the approvers."""
    if any(
        has_role(session, person_id, role, on)
        for role in (
            Role.HR,
            Role.COMPETENCE_CENTRE,
            Role.FINANCE,
            Role.APPARATUS_HEAD,
            Role.RECTOR,
            Role.ADMIN,
        )
    ):
        return True
    if heads_schedule(session, schedule, person_id, on):
        return True
    unit = schedule.org_unit_id
    if schedule.level is ScheduleLevel.DEPARTMENT and schedule.org_unit.parent_id is not None:
        unit = schedule.org_unit.parent_id
    return acting_in(session, Role.INSTITUTE_DIRECTOR, unit, person_id, on)


def require_view(
    session: Session, schedule: PlanSchedule, campaign: PlanCampaign, person_id: int, on: date
) -> None:
    if not may_view_schedule(session, schedule, campaign, person_id, on):
        raise NotFound("No such schedule", schedule_id=schedule.id)
