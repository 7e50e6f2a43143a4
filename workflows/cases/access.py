"""Who may see a case, its tasks and its documents, and who may act on a task.

A case is visible to the applicant; to anyone who has, or had, a task on it (the assignee or
completer, the holders of the task's seat and their deputies); to the people notified about
it; to HR, the competence centre, the rector and administrators holding their role at the
case's unit or above; and to the directors and heads of the case's unit or a unit above it (a
director sees their institute's cases, a head their department's). The registers list exactly
these scoped cases (`scope_units`, `within`). Anyone else is told the case does not exist: ids
are not secrets, so guessing a URL must not reveal a colleague's case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, literal, select
from sqlalchemy.orm import QueryableAttribute, Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from workflows.cases.models import CaseStatus, Document, HumanTask, ProcessInstance, TaskStatus
from workflows.errors import NotFound
from workflows.messaging.models import Notification
from workflows.org.models import OrgUnit, Person
from workflows.org.roles import EMPLOYEE, OVERSIGHT_ROLES, Role
from workflows.org.seats import MAX_DEPTH, Seat, ancestors, seats

# Seats that see every case of their unit and the units below it.
SCOPE_ROLES = OVERSIGHT_ROLES | {Role.INSTITUTE_DIRECTOR, Role.DEPARTMENT_HEAD}


def scope_units(session: Session, person_id: int, on: date) -> list[int]:
    """The units whose cases (and those of every unit below) the person oversees today."""
    return sorted({s.org_unit_id for s in seats(session, person_id, on) if s.role in SCOPE_ROLES})


def within(
    column: QueryableAttribute[int] | ColumnElement[int], roots: list[int], name: str
) -> ColumnElement[bool]:
    """`column` names one of `roots` or a unit below one: one recursive query whatever the depth."""
    anchor = select(OrgUnit.id, literal(0).label("depth")).where(OrgUnit.id.in_(roots))
    tree = anchor.cte(name, recursive=True)
    child = aliased(OrgUnit)
    tree = tree.union_all(
        select(child.id, (tree.c.depth + 1).label("depth"))
        .join(tree, child.parent_id == tree.c.id)
        .where(tree.c.depth < MAX_DEPTH)
    )
    return column.in_(select(tree.c.id))


def _sees(session: Session, person_id: int, instance: ProcessInstance, held: list[Seat]) -> bool:
    if instance.subject_id == person_id:
        return True
    chain = set(ancestors(session, instance.subject_unit_id))
    if any(s.role in SCOPE_ROLES and s.org_unit_id in chain for s in held):
        return True
    seat_keys = {(s.role, s.org_unit_id) for s in held}
    rows = session.execute(
        select(HumanTask.role, HumanTask.org_unit_id, HumanTask.assignee_id, HumanTask.completed_by_id).where(
            HumanTask.instance_id == instance.id
        )
    ).all()
    for role, unit, assignee, completer in rows:
        if person_id in (assignee, completer):
            return True
        if role != EMPLOYEE and (role, unit) in seat_keys:
            return True
    notified = select(Notification.id).where(
        Notification.person_id == person_id, Notification.instance_id == instance.id
    )
    return bool(session.scalar(select(exists(notified))))


def can_see_case(session: Session, person_id: int, instance: ProcessInstance, on: date) -> bool:
    return _sees(session, person_id, instance, seats(session, person_id, on))


def visible_case(session: Session, person_id: int, case_id: int, on: date) -> ProcessInstance:
    """The case if the person may see it; NotFound otherwise (whether or not it exists)."""
    instance = session.get(ProcessInstance, case_id)
    if instance is None or not can_see_case(session, person_id, instance, on):
        raise NotFound("No such case", case_id=case_id)
    return instance


@dataclass(frozen=True)
class TaskAccess:
    """What the person may do with one task they can see."""

    can_act: bool  # submit the form now
    can_claim: bool
    can_release: bool
    claimed_by_other: bool
    on_behalf_of: int | None  # acting as a deputy for this person


def task_access(session: Session, task: HumanTask, person_id: int, on: date) -> TaskAccess:
    """Raises NotFound when the person may not even see the task's case."""
    held = seats(session, person_id, on)
    instance = session.get(ProcessInstance, task.instance_id)
    if instance is None or not _sees(session, person_id, instance, held):
        raise NotFound("No such task", task_id=task.id)
    is_open = task.status == TaskStatus.OPEN and instance.status == CaseStatus.RUNNING
    if task.role == EMPLOYEE:
        mine = task.assignee_id == person_id
        return TaskAccess(is_open and mine, False, False, False, None)
    matching = [s for s in held if s.role == task.role and s.org_unit_id == task.org_unit_id]
    handed = task.assignee_id == person_id  # claimed, or handed to them by reassignment
    in_seat = (bool(matching) or handed) and task.subject_id != person_id and is_open
    claimed_by_other = task.assignee_id is not None and task.assignee_id != person_id
    own = any(s.on_behalf_of is None for s in matching)
    return TaskAccess(
        can_act=in_seat and not claimed_by_other,
        can_claim=in_seat and task.assignee_id is None,
        can_release=is_open and task.assignee_id == person_id,
        claimed_by_other=claimed_by_other,
        on_behalf_of=None if own or not matching else matching[0].on_behalf_of,
    )


@dataclass(frozen=True)
class TaskView:
    """One task as its page shows it, with what the reader may do with it."""

    id: int
    instance_id: int
    version_id: int
    element_id: str
    name: str
    form_key: str
    role: str
    status: str
    due_date: date | None
    completed_at: datetime | None
    assignee_name: str | None
    completed_by_name: str | None
    on_behalf_of_name: str | None  # when the reader acts as a deputy, for whom
    access: TaskAccess


def _name(session: Session, person_id: int | None) -> str | None:
    person = session.get(Person, person_id) if person_id else None
    return person.full_name if person is not None else None


def visible_task(session: Session, person_id: int, task_id: int, on: date) -> TaskView:
    """The task if the person may see its case; NotFound otherwise (whether or not it exists)."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("No such task", task_id=task_id)
    access = task_access(session, task, person_id, on)
    instance = session.get(ProcessInstance, task.instance_id)
    assert instance is not None  # task_access found it
    return TaskView(
        id=task.id,
        instance_id=task.instance_id,
        version_id=instance.version_id,
        element_id=task.element_id,
        name=task.name,
        form_key=task.form_key,
        role=task.role,
        status=task.status,
        due_date=task.due_date,
        completed_at=task.completed_at,
        assignee_name=_name(session, task.assignee_id),
        completed_by_name=_name(session, task.completed_by_id),
        on_behalf_of_name=_name(session, access.on_behalf_of),
        access=access,
    )


def visible_document(session: Session, person_id: int, document_id: str, on: date) -> Document:
    """A document on a case the person can see, or their own upload not yet attached to a case."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound("No such document", document_id=document_id)
    if doc.instance_id is None:
        if doc.uploaded_by_id != person_id:
            raise NotFound("No such document", document_id=document_id)
        return doc
    instance = session.get(ProcessInstance, doc.instance_id)
    if instance is None or not can_see_case(session, person_id, instance, on):
        raise NotFound("No such document", document_id=document_id)
    return doc
