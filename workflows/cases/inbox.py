"""A person's task inbox, read from the derived task table alone (no engine state is opened)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from workflows.calendar import local_date
from workflows.cases.models import HumanTask, ProcessInstance, TaskStatus
from workflows.clock import Clock
from workflows.org.models import Person
from workflows.org.seats import seats


@dataclass(frozen=True)
class InboxItem:
    task_id: int
    instance_id: int
    business_key: str
    process_key: str
    element_id: str
    name: str
    form_key: str
    role: str
    subject_id: int | None  # empty for a campaign's unit task, nobody's own case
    subject_name: str
    summary: dict[str, Any]
    due_date: date | None
    overdue: bool
    created_at: datetime
    assignee_id: int | None
    assignee_name: str | None
    claimed_by_other: bool
    on_behalf_of: int | None


@dataclass(frozen=True)
class InboxFilter:
    process_key: str | None = None
    element_id: str | None = None
    due: str | None = None  # overdue, today, upcoming, none
    search: str | None = None  # employee name or course
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxItem]
    total: int
    page: int
    per_page: int
    steps: list[tuple[str, str]] = field(default_factory=list)  # (element_id, name) for the step filter


def _visibility(session: Session, person_id: int, on: date) -> tuple[Any, dict[tuple[str, int], int | None]]:
    held = {(s.role, s.org_unit_id): s.on_behalf_of for s in seats(session, person_id, on)}
    seat_clauses = [and_(HumanTask.role == role, HumanTask.org_unit_id == unit) for role, unit in held]
    not_own = or_(HumanTask.subject_id.is_(None), HumanTask.subject_id != person_id)
    through_seat = and_(or_(*seat_clauses), not_own) if seat_clauses else false()
    return or_(HumanTask.assignee_id == person_id, through_seat), held


def inbox(session: Session, person_id: int, clock: Clock, flt: InboxFilter | None = None) -> InboxPage:
    flt = flt or InboxFilter()
    today = local_date(clock.now())
    visible, held = _visibility(session, person_id, today)
    subject, assignee = aliased(Person), aliased(Person)
    conditions = [HumanTask.status == TaskStatus.OPEN, visible]
    if flt.process_key:
        conditions.append(ProcessInstance.process_key == flt.process_key)
    if flt.element_id:
        conditions.append(HumanTask.element_id == flt.element_id)
    if flt.due == "overdue":
        conditions.append(HumanTask.due_date < today)
    elif flt.due == "today":
        conditions.append(HumanTask.due_date == today)
    elif flt.due == "upcoming":
        conditions.append(HumanTask.due_date > today)
    elif flt.due == "none":
        conditions.append(HumanTask.due_date.is_(None))
    if flt.search and flt.search.strip():
        needle = flt.search.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(ProcessInstance.search_text.like(f"%{needle}%", escape="\\"))
    # The page's task ids first, from the task table alone (the case joined only when a filter is
    # on it); the case, the people and the summary are read for those 25 rows only, not for every
    # open task the seat sees.
    matching = select(HumanTask.id).where(*conditions)
    if flt.process_key or (flt.search and flt.search.strip()):
        matching = matching.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    page = max(flt.page, 1)
    order = (HumanTask.due_date.is_(None), HumanTask.due_date, HumanTask.id)
    on_page = matching.order_by(*order).limit(flt.per_page).offset((page - 1) * flt.per_page).subquery()
    case_columns = (ProcessInstance.business_key, ProcessInstance.process_key, ProcessInstance.summary)
    rows = session.execute(
        select(HumanTask, *case_columns, subject.full_name, assignee.full_name)
        .join(on_page, on_page.c.id == HumanTask.id)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .outerjoin(subject, subject.id == HumanTask.subject_id)
        .outerjoin(assignee, assignee.id == HumanTask.assignee_id)
        .order_by(*order)
    ).all()
    items = [
        InboxItem(
            task_id=t.id,
            instance_id=t.instance_id,
            business_key=business_key,
            process_key=process_key,
            element_id=t.element_id,
            name=t.name,
            form_key=t.form_key,
            role=t.role,
            subject_id=t.subject_id,
            subject_name=subject_name or "",
            summary=dict(summary),
            due_date=t.due_date,
            overdue=t.due_date is not None and t.due_date < today,
            created_at=t.created_at,
            assignee_id=t.assignee_id,
            assignee_name=assignee_name,
            claimed_by_other=t.assignee_id is not None and t.assignee_id != person_id,
            on_behalf_of=held.get((t.role, t.org_unit_id or 0)),
        )
        for t, business_key, process_key, summary, subject_name, assignee_name in rows
    ]
    return InboxPage(items, total, page, flt.per_page)


def count_open(session: Session, person_id: int, clock: Clock) -> int:
    """The header badge: open tasks I can act on now (claimed by others excluded)."""
    visible, _ = _visibility(session, person_id, local_date(clock.now()))
    return (
        session.scalar(
            select(func.count(HumanTask.id)).where(
                HumanTask.status == TaskStatus.OPEN,
                visible,
                or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id == person_id),
            )
        )
        or 0
    )
