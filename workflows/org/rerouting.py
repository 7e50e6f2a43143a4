"""Open tasks whose seat has emptied (its holder left, the seat ended, the unit closed) go where a
new task of that seat would go now: up the tree, to the superior role, as `seats.resolve_seat` says.
Each move is in the case's history and the new holders are told."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.locking import lock_case
from workflows.cases.models import Event, EventKind, HumanTask, TaskStatus
from workflows.cases.tasks import _case_changes
from workflows.clock import Clock
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import notify_people
from workflows.org.models import OrgUnit
from workflows.org.roles import EMPLOYEE, Role
from workflows.org.seats import holders, resolve_seat


def task_moved(
    session: Session, task: HumanTask, actor_id: int | None, clock: Clock, comment: str | None, **data: Any
) -> None:
    """The case's row version moves on (as a claim's does) and its history says who moved the task."""
    instance = lock_case(session, task.instance_id)
    if instance is None:
        return
    _case_changes(session, instance, clock)
    session.add(
        Event(
            instance_id=task.instance_id,
            at=clock.now(),
            kind=EventKind.TASK_REASSIGNED,
            actor_id=actor_id,
            element_id=task.element_id,
            comment=comment,
            data={"task": task.name, **data},
        )
    )


def reroute_task(session: Session, task: HumanTask, actor_id: int | None, on: date, clock: Clock) -> bool:
    """Move an unclaimed role task whose seat nobody can act in any more; True when it moved."""
    if task.status != TaskStatus.OPEN or task.role == EMPLOYEE or task.assignee_id is not None:
        return False
    unit = session.get(OrgUnit, task.org_unit_id) if task.org_unit_id else None
    acting = [p for p in holders(session, task.role, task.org_unit_id or 0, on) if p != task.subject_id]
    if acting and unit is not None and unit.is_open:
        return False
    start = task.org_unit_id if unit is not None else None
    if start is None:
        return False
    role, unit_id = resolve_seat(session, task.role, start, task.subject_id, on)
    if (role, unit_id) == (task.role, task.org_unit_id):
        return False
    task_moved(
        session,
        task,
        actor_id,
        clock,
        None,
        from_seat=[task.role, task.org_unit_id],
        to_seat=[role, unit_id],
        reason="seat_empty",
    )
    task.role, task.org_unit_id = Role(role), unit_id
    session.flush()
    people = [p for p in holders(session, role, unit_id, on) if p != task.subject_id]
    notify_people(
        session,
        people,
        NoticeKind.TASK_ASSIGNED,
        task.instance,
        clock,
        task_id=task.id,
        data={"task": task.name},
    )
    return True


def _open_tasks(session: Session, *conditions: Any) -> list[HumanTask]:
    return list(
        session.scalars(
            select(HumanTask)
            .where(HumanTask.status == TaskStatus.OPEN, HumanTask.role != EMPLOYEE, *conditions)
            .order_by(HumanTask.id)
        )
    )


def reroute_seats(
    session: Session, actor_id: int | None, seats: set[tuple[str, int]], on: date, clock: Clock
) -> int:
    """Re-route the open tasks of these (role, unit) seats that nobody can act in now."""
    moved = 0
    for role, unit_id in sorted(seats):
        for task in _open_tasks(session, HumanTask.role == role, HumanTask.org_unit_id == unit_id):
            moved += reroute_task(session, task, actor_id, on, clock)
    return moved


def reroute_unit(session: Session, actor_id: int | None, unit_id: int, on: date, clock: Clock) -> int:
    """A closed unit's open tasks go up the tree (the claimed ones back to the seat first)."""
    moved = 0
    for task in _open_tasks(session, HumanTask.org_unit_id == unit_id):
        if task.assignee_id is not None:
            release_to_seat(session, task, actor_id, clock, "unit_closed")
        moved += reroute_task(session, task, actor_id, on, clock)
    return moved


def release_to_seat(
    session: Session, task: HumanTask, actor_id: int | None, clock: Clock, reason: str
) -> None:
    """A claimed task goes back to its seat's shared queue."""
    task_moved(session, task, actor_id, clock, None, from_person=task.assignee_id, reason=reason)
    task.assignee_id = None
    session.flush()
