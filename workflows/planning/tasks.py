"""The campaign's engine tasks as the plan's services find and complete them.

A campaign task is routed to a unit by its diagram (`unit` / `person` properties), so the task of
one department is found by the unit its seat resolved to, or, when the seat went up the tree (an
empty head's seat), by the unit the task's own data names.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from workflows.cases.input import CaseRef
from workflows.cases.locking import lock_case
from workflows.cases.models import CaseStatus, EventKind, HumanTask, ProcessInstance, TaskStatus
from workflows.cases.steps import Step
from workflows.cases.tasks import complete_task
from workflows.clock import Clock, SystemClock
from workflows.errors import NotAllowedNow
from workflows.org.models import Person
from workflows.planning.models import PlanCampaign, PlanSchedule, ScheduleLevel

# The diagram's elements the services act through, and the task data naming each one's unit.
UNIT_KEYS = {
    "draw_schedule": "department",
    "rework_schedule": "returned_department",
    "director_review": "institute",
}


def _unit_in(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, dict):
        value = value.get("id")
    return int(value) if value is not None else None


def open_tasks(session: Session, campaign: PlanCampaign, element_ids: tuple[str, ...]) -> list[HumanTask]:
    return list(
        session.scalars(
            select(HumanTask)
            .where(
                HumanTask.instance_id == campaign.instance_id,
                HumanTask.element_id.in_(element_ids),
                HumanTask.status == TaskStatus.OPEN,
            )
            .order_by(HumanTask.id)
        )
    )


def unit_task(
    session: Session, campaign: PlanCampaign, element_ids: tuple[str, ...], unit_id: int | None
) -> HumanTask | None:
    """The open task of one of `element_ids` for the unit (any, when `unit_id` is None)."""
    found = open_tasks(session, campaign, element_ids)
    if unit_id is None or not found:
        return found[0] if found else None
    direct = [t for t in found if t.org_unit_id == unit_id]
    if direct:
        return direct[0]
    # The seat went up the tree: read which unit each task is for from the engine's data.
    instance = lock_case(session, campaign.instance_id or 0, with_state=True)
    if instance is None:
        return None
    # Reading task data moves no time: any clock builds the runtime.
    step = Step.open(session, instance, SystemClock(), None)
    for task in found:
        data = step.runtime.task_data(task.engine_task_id)
        if _unit_in(data, UNIT_KEYS.get(task.element_id, "")) == unit_id:
            return task
    return None


def complete(
    session: Session, task: HumanTask | None, actor_id: int, data: dict[str, Any], clock: Clock
) -> CaseRef:
    """Complete the campaign's task as the actor, through the cases' own rules (seats, deputies,
    nobody approving their own case, a second submitter's conflict)."""
    if task is None:
        raise NotAllowedNow("plan_step_not_open", "This step of the campaign is not open now")
    return complete_task(session, task.id, actor_id, data, clock)


def complete_for_unit(
    session: Session,
    campaign: PlanCampaign,
    tasks: list[HumanTask],
    actor_id: int,
    data: dict[str, Any],
    clock: Clock,
) -> None:
    """Complete tasks the unit's people can no longer do (the unit closed): done by HR, recorded as such."""
    if not tasks:
        return
    instance = lock_case(session, campaign.instance_id or 0, with_state=True)
    if instance is None or instance.status != CaseStatus.RUNNING:
        return
    step = Step.open(session, instance, clock, actor_id)
    now = clock.now()
    for task in tasks:
        step.runtime.complete(task.engine_task_id, data)
        step.close(
            task,
            status=TaskStatus.COMPLETED,
            completed_at=now,
            completed_by_id=actor_id,
            on_behalf_of_id=None,
            outcome=data.get("decision"),
            comment=data.get("comment"),
        )
        step.log(
            EventKind.TASK_COMPLETED,
            task.element_id,
            data.get("comment"),
            None,
            task=task.name,
            decision=data.get("decision"),
        )
    step.save()


def schedule_of_task(session: Session, task_id: int) -> tuple[str, int] | None:
    """Where a campaign's task is done: ("individual", the person's department schedule) or
    ("schedule", the schedule the task is about); None for a task of any other process."""
    task = session.get(HumanTask, task_id)
    campaign = (
        session.scalars(select(PlanCampaign).where(PlanCampaign.instance_id == task.instance_id)).first()
        if task is not None
        else None
    )
    if task is None or campaign is None:
        return None
    if task.element_id == "individual_plans":
        person = session.get(Person, task.assignee_id) if task.assignee_id else None
        unit_id: int | None = person.org_unit_id if person is not None else None
        kind = "individual"
    elif task.element_id in UNIT_KEYS:
        unit_id, kind = _task_unit(session, campaign, task), "schedule"
    else:
        level = ScheduleLevel.UNIVERSITY
        found = session.scalar(
            select(PlanSchedule.id).where(
                PlanSchedule.campaign_id == campaign.id, PlanSchedule.level == level
            )
        )
        return ("schedule", found) if found else None
    schedule = session.scalar(
        select(PlanSchedule.id).where(
            PlanSchedule.campaign_id == campaign.id, PlanSchedule.org_unit_id == unit_id
        )
    )
    return (kind, schedule) if schedule else None


def _task_unit(session: Session, campaign: PlanCampaign, task: HumanTask) -> int | None:
    """The unit a schedule task is for, as the task's own data names it."""
    instance = session.get(ProcessInstance, campaign.instance_id, options=[undefer(ProcessInstance.state)])
    if instance is None or task.status != TaskStatus.OPEN:
        return task.org_unit_id
    step = Step.open(session, instance, SystemClock(), None)
    return _unit_in(step.runtime.task_data(task.engine_task_id), UNIT_KEYS[task.element_id])
