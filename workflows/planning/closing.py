"""A unit that closes during a running campaign drops out of it: HR moves its lines to another
unit's schedule or removes them (kept, marked, with the reason), never losing one; the diagram's
open tasks for the unit are completed as withdrawn, so the institute's review does not wait for it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.models import HumanTask, TaskStatus
from workflows.clock import Clock
from workflows.clock import today as local_today
from workflows.errors import Forbidden, NotAllowedNow, ValidationFailed, field_error
from workflows.org.models import OrgUnit, Person
from workflows.org.roles import Role
from workflows.org.seats import has_role
from workflows.planning import tasks
from workflows.planning.campaign import campaign as campaign_row
from workflows.planning.models import (
    CampaignStatus,
    LineStatus,
    PlanCampaign,
    PlanLine,
    PlanSchedule,
    ScheduleLevel,
    ScheduleStatus,
)


def withdraw_unit(
    session: Session,
    campaign_id: int,
    unit_id: int,
    actor_id: int,
    clock: Clock,
    move_to_unit_id: int | None = None,
    reason: str = "",
) -> int:
    """Take a department out of the running campaign; returns how many of its lines moved or were removed."""
    today = local_today(clock)
    if not has_role(session, actor_id, Role.HR, today):
        raise Forbidden("Only HR takes a unit out of a campaign")
    campaign: PlanCampaign = campaign_row(session, campaign_id)
    if campaign.status in {CampaignStatus.APPROVED, CampaignStatus.CANCELLED}:
        raise NotAllowedNow("plan_campaign_closed", "The campaign is over; amend the approved plan instead")
    schedule = session.scalars(
        select(PlanSchedule).where(
            PlanSchedule.campaign_id == campaign.id, PlanSchedule.org_unit_id == unit_id
        )
    ).first()
    if (
        schedule is None
        or schedule.level is not ScheduleLevel.DEPARTMENT
        or schedule.status is ScheduleStatus.WITHDRAWN
    ):
        raise ValidationFailed([field_error("unit_id", "plan_unit_not_in_campaign")])
    target: PlanSchedule | None = None
    if move_to_unit_id is not None:
        target = session.scalars(
            select(PlanSchedule).where(
                PlanSchedule.campaign_id == campaign.id, PlanSchedule.org_unit_id == move_to_unit_id
            )
        ).first()
        target_unit = session.get(OrgUnit, move_to_unit_id)
        if (
            target is None
            or target.id == schedule.id
            or target.status is ScheduleStatus.WITHDRAWN
            or target_unit is None
            or not target_unit.is_open
        ):
            raise ValidationFailed([field_error("move_to_unit_id", "plan_unit_not_in_campaign")])
    note = " ".join(str(reason or "").split()) or None
    lines = list(
        session.scalars(
            select(PlanLine).where(PlanLine.schedule_id == schedule.id, PlanLine.status != LineStatus.REMOVED)
        )
    )
    now = clock.now()
    for line in lines:
        line.moved_from_schedule_id = schedule.id
        line.updated_by_id, line.updated_at = actor_id, now
        if target is not None:
            line.schedule_id, line.org_unit_id = target.id, target.org_unit_id
        else:
            line.status, line.removed_reason = LineStatus.REMOVED, note or "unit closed"
    schedule.status, schedule.return_comment, schedule.updated_at = ScheduleStatus.WITHDRAWN, note, now
    if target is not None:
        target.updated_at = now
    session.flush()
    _finish_unit_tasks(session, campaign, unit_id, actor_id, clock)
    return len(lines)


def _finish_unit_tasks(
    session: Session, campaign: PlanCampaign, unit_id: int, actor_id: int, clock: Clock
) -> None:
    """The unit's individual-plan tasks, then its schedule task, completed as withdrawn."""
    people = select(Person.id).where(Person.org_unit_id == unit_id)
    individual = list(
        session.scalars(
            select(HumanTask).where(
                HumanTask.instance_id == campaign.instance_id,
                HumanTask.element_id == "individual_plans",
                HumanTask.status == TaskStatus.OPEN,
                HumanTask.assignee_id.in_(people),
            )
        )
    )
    tasks.complete_for_unit(session, campaign, individual, actor_id, {}, clock)
    schedule_task = tasks.unit_task(session, campaign, ("draw_schedule", "rework_schedule"), unit_id)
    if schedule_task is not None:
        tasks.complete_for_unit(
            session, campaign, [schedule_task], actor_id, {"decision": "withdrawn"}, clock
        )
