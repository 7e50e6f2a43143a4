"""The service operators the annual-plan diagram calls: who is in a department, a unit past its
deadline (reminder and escalation), freezing the approved plan. They run inside the campaign's
step, with the step's session and clock, and tell people through the step's notices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflows.cases.models import EventKind, ProcessInstance
from workflows.clock import Clock
from workflows.errors import ProcessError
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import Notice
from workflows.org.models import OrgUnit, Person
from workflows.org.roles import Role
from workflows.planning.models import PlanCampaign, PlanSchedule, ScheduleLevel, ScheduleStatus


class Effects(Protocol):
    """What an operator needs of the step it runs in (workflows.cases.effects.StepEffects)."""

    session: Session
    instance: ProcessInstance
    clock: Clock
    actor_id: int | None
    notices: list[Notice]
    events: list[dict[str, Any]]
    task_data: dict[str, Any]  # the data of the step's service task

    def people_in(self, roles: str, unit: int | None = None) -> list[int]: ...


def campaign_of(session: Session, instance_id: int) -> PlanCampaign:
    found = session.scalars(select(PlanCampaign).where(PlanCampaign.instance_id == instance_id)).first()
    if found is None:
        raise ProcessError("This instance is not an annual plan campaign", instance_id=instance_id)
    return found


def _log(effects: Effects, comment: str | None, **data: Any) -> None:
    effects.events.append(
        {
            "instance_id": effects.instance.id,
            "process_key": effects.instance.process_key,
            "at": effects.clock.now(),
            "kind": EventKind.NOTICE_SENT,
            "actor_id": None,
            "on_behalf_of_id": None,
            "element_id": None,
            "comment": comment,
            "data": data,
        }
    )


def op_plan_people(effects: Effects, unit: Any) -> list[int]:
    """Who fills in an individual plan: the department's active people."""
    return list(
        effects.session.scalars(
            select(Person.id)
            .where(Person.org_unit_id == int(unit), Person.is_active.is_(True))
            .order_by(Person.id)
        )
    )


def op_plan_overdue(effects: Effects, unit: Any) -> dict[str, Any]:
    """A unit missed its deadline: its schedule is marked late, its head reminded, the level above told."""
    session, unit_id = effects.session, int(unit)
    campaign = campaign_of(session, effects.instance.id)
    schedule = session.scalars(
        select(PlanSchedule).where(
            PlanSchedule.campaign_id == campaign.id, PlanSchedule.org_unit_id == unit_id
        )
    ).first()
    if schedule is None or schedule.status in {ScheduleStatus.WITHDRAWN, ScheduleStatus.CONSOLIDATED}:
        return {"unit": unit_id, "late": False}
    now = effects.clock.now()
    session.execute(
        update(PlanSchedule)
        .where(PlanSchedule.id == schedule.id)
        .values(late=True, reminded_at=now)
        .execution_options(synchronize_session="fetch")
    )
    department = schedule.level is ScheduleLevel.DEPARTMENT
    head, above = (
        (Role.DEPARTMENT_HEAD, Role.INSTITUTE_DIRECTOR) if department else (Role.INSTITUTE_DIRECTOR, Role.HR)
    )
    reminded = effects.people_in(head, unit_id)
    unit_row = session.get(OrgUnit, unit_id)
    parent = unit_row.parent_id if unit_row is not None and unit_row.parent_id else unit_id
    escalated = effects.people_in(above, parent)
    data = {"unit": unit_row.name_kk if unit_row else str(unit_id), "unit_id": unit_id, "year": campaign.year}
    effects.notices.append(Notice(reminded, NoticeKind.PLAN_REMINDER, None, data))
    effects.notices.append(Notice(escalated, NoticeKind.PLAN_ESCALATION, None, data))
    _log(
        effects,
        None,
        notice="plan_overdue",
        unit_id=unit_id,
        reminded=len(reminded),
        escalated=len(escalated),
    )
    return {"unit": unit_id, "late": True}


def op_plan_freeze(effects: Effects, late: Any = False) -> dict[str, Any]:
    """The approver approved: the plan is frozen as a version and every head is told."""
    from workflows.planning.versions import freeze  # the versions module reads these models too

    session = effects.session
    campaign = campaign_of(session, effects.instance.id)
    version = freeze(session, campaign, effects.actor_id, effects.clock, bool(late))
    heads: list[int] = []
    unit_ids = session.scalars(
        select(PlanSchedule.org_unit_id).where(
            PlanSchedule.campaign_id == campaign.id,
            PlanSchedule.level == ScheduleLevel.DEPARTMENT,
            PlanSchedule.status != ScheduleStatus.WITHDRAWN,
        )
    ).all()
    for unit_id in unit_ids:
        heads.extend(effects.people_in(Role.DEPARTMENT_HEAD, unit_id))
    effects.notices.append(
        Notice(
            sorted(set(heads)),
            NoticeKind.PLAN_APPROVED,
            None,
            {"year": campaign.year, "version": version.number},
        )
    )
    _log(effects, None, notice="plan_approved", version=version.number, recipients=len(set(heads)))
    return {"number": version.number, "late": version.late}


PLAN_OPERATORS: dict[str, Callable[..., Any]] = {
    "plan_people": op_plan_people,
    "plan_overdue": op_plan_overdue,
    "plan_freeze": op_plan_freeze,
}
