"""Handing an open task to another person, with a comment: by HR or an administrator, or by
someone acting in the task's seat. The new assignee is someone who holds the task's role (in any
unit); they see the task in their inbox and act on it as if it were their seat's. The case history
records who handed it to whom, the new assignee is told, and the audit log keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.access import visible_task
from workflows.cases.models import HumanTask, TaskStatus
from workflows.cases.tasks import _already_done, _locked_task
from workflows.clock import Clock, today
from workflows.errors import FieldError, Forbidden, ValidationFailed, field_error
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import notify_people
from workflows.org.audit import Subject, record_change
from workflows.org.authority import administers
from workflows.org.models import OrgUnit, Person, RoleAssignment
from workflows.org.rerouting import task_moved
from workflows.org.roles import EMPLOYEE
from workflows.org.seats import _active, seats

COMMENT_LIMIT = 2000


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    unit_names: dict[str, str]


@dataclass(frozen=True)
class ReassignOptions:
    task_id: int
    candidates: list[Candidate]


def _may_reassign(session: Session, actor_id: int, task: HumanTask, on: date) -> bool:
    if task.status != TaskStatus.OPEN or task.role == EMPLOYEE:
        return False
    if administers(session, actor_id, on):
        return True
    if task.subject_id == actor_id:
        return False
    return any(
        s.role == task.role and s.org_unit_id == task.org_unit_id for s in seats(session, actor_id, on)
    )


def _candidates(session: Session, task: HumanTask, on: date) -> list[Candidate]:
    """Active people who hold the task's role today (own seats), but not the applicant or the assignee."""
    rows = session.execute(
        select(Person.id, Person.full_name, OrgUnit)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .join(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
        .where(
            RoleAssignment.role == task.role,
            _active(RoleAssignment, on),
            Person.is_active.is_(True),
            Person.id != (task.subject_id or 0),
        )
        .order_by(Person.full_name, Person.id)
    ).all()
    seen: dict[int, Candidate] = {}
    for person_id, name, unit in rows:
        if person_id != task.assignee_id and person_id not in seen:
            seen[person_id] = Candidate(person_id, name, unit.names)
    return list(seen.values())


def reassign_options(session: Session, actor_id: int, task_id: int, on: date) -> ReassignOptions | None:
    """Whom the actor may hand the task to, or None when they may not reassign it."""
    task = session.get(HumanTask, task_id)
    if task is None or not _may_reassign(session, actor_id, task, on):
        return None
    return ReassignOptions(task.id, _candidates(session, task, on))


def reassign_task(
    session: Session, actor_id: int, task_id: int, to_person_id: int | None, comment: str, clock: Clock
) -> str:
    """Hand the open task to `to_person_id`; returns the new assignee's name."""
    now = today(clock)
    visible_task(session, actor_id, task_id, now)  # NotFound for a case the actor may not see
    task, _instance, _holds, _deputy_for = _locked_task(session, task_id)
    if task.status != TaskStatus.OPEN:
        raise _already_done(session, task)
    if not _may_reassign(session, actor_id, task, now):
        raise Forbidden("Only HR, an administrator or the task's seat hand a task on", task_id=task_id)
    errors: list[FieldError] = []
    eligible = {c.id: c for c in _candidates(session, task, now)}
    text = comment.strip()
    if to_person_id is None:
        errors.append(field_error("person_id", "required"))
    elif to_person_id == task.assignee_id:
        errors.append(field_error("person_id", "same_assignee"))
    elif to_person_id == task.subject_id:
        errors.append(field_error("person_id", "own_case"))
    elif to_person_id not in eligible:
        errors.append(field_error("person_id", "not_eligible"))
    if not text:
        errors.append(field_error("comment", "required"))
    elif len(text) > COMMENT_LIMIT:
        errors.append(field_error("comment", "maxLength", limit=COMMENT_LIMIT))
    if errors:
        raise ValidationFailed(errors)
    assert to_person_id is not None
    chosen = eligible[to_person_id]
    task_moved(
        session,
        task,
        actor_id,
        clock,
        text,
        from_person=task.assignee_id,
        to_person=chosen.id,
        to_name=chosen.name,
        reason="reassigned",
    )
    before = task.assignee_id
    task.assignee_id = chosen.id
    session.flush()
    notify_people(
        session,
        [chosen.id],
        NoticeKind.TASK_ASSIGNED,
        task.instance,
        clock,
        task_id=task.id,
        data={"task": task.name, "comment": text},
    )
    record_change(
        session,
        actor_id,
        "task_reassigned",
        Subject.TASK,
        task.id,
        clock,
        {"assignee_id": [before, chosen.id], "instance_id": task.instance_id},
        text,
    )
    return chosen.name
