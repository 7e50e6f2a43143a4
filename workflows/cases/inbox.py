"""A person's task inbox, read from the derived task table alone (no engine state is opened)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import Date, Integer, String, bindparam, case, func, literal_column, or_, select, union_all
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
    # The header badge's number (what `count_open` says), read with the page when no filter is on.
    open_count: int | None = None


# Inline, not a parameter: the partial indexes on open tasks (WHERE status = 'open') then serve the
# statement under any plan, a prepared statement's generic one included.
OPEN: Any = literal_column(f"'{TaskStatus.OPEN.value}'")


class SeatLike(Protocol):
    """A seat the person holds today (`Seat`, `HeldSeat`)."""

    @property
    def role(self) -> str: ...
    @property
    def org_unit_id(self) -> int: ...
    @property
    def on_behalf_of(self) -> int | None: ...


def _held(
    session: Session, person_id: int, on: date, given: Iterable[SeatLike] | None
) -> dict[tuple[str, int], int | None]:
    found = seats(session, person_id, on) if given is None else given
    held: dict[tuple[str, int], int | None] = {}
    for seat in found:  # own seats come first: a seat held both ways counts as the deputy's
        held[(seat.role, seat.org_unit_id)] = seat.on_behalf_of
    return held


def _visible(seat_count: int, columns: tuple[Any, ...], conditions: tuple[Any, ...], joined: bool) -> Any:
    """What the person sees, as a UNION ALL of branches each an index range of the open tasks:
    the tasks assigned to them, and per seat they hold the seat's tasks neither theirs by case nor
    assigned to them (so no task comes twice). Seats are parameters role_<n>, unit_<n>."""
    me = bindparam("person_id", type_=Integer)
    not_own = or_(HumanTask.subject_id.is_(None), HumanTask.subject_id != me)
    not_mine = or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id != me)
    branches = [(HumanTask.assignee_id == me,)] + [
        (
            HumanTask.role == bindparam(f"role_{n}", type_=String),
            HumanTask.org_unit_id == bindparam(f"unit_{n}", type_=Integer),
            not_own,
            not_mine,
        )
        for n in range(seat_count)
    ]
    selects = []
    for where in branches:
        branch = select(*columns).where(HumanTask.status == OPEN, *where, *conditions)
        if joined:
            branch = branch.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        selects.append(branch)
    return union_all(*selects).subquery("visible")


def _seat_params(person_id: int, held: dict[tuple[str, int], int | None]) -> dict[str, Any]:
    params: dict[str, Any] = {"person_id": person_id}
    for n, (role, unit) in enumerate(held):
        params[f"role_{n}"], params[f"unit_{n}"] = role, unit
    return params


def _filter_conditions(due: str | None, process: bool, step: bool, search: bool) -> tuple[Any, ...]:
    today = bindparam("today", type_=Date)
    conditions: list[Any] = []
    if process:
        conditions.append(ProcessInstance.process_key == bindparam("process_key", type_=String))
    if step:
        conditions.append(HumanTask.element_id == bindparam("element_id", type_=String))
    if due == "overdue":
        conditions.append(HumanTask.due_date < today)
    elif due == "today":
        conditions.append(HumanTask.due_date == today)
    elif due == "upcoming":
        conditions.append(HumanTask.due_date > today)
    elif due == "none":
        conditions.append(HumanTask.due_date.is_(None))
    if search:
        conditions.append(ProcessInstance.search_text.like(bindparam("needle", type_=String), escape="\\"))
    return tuple(conditions)


ORDER = (HumanTask.due_date.is_(None), HumanTask.due_date, HumanTask.id)
PAGE_COLUMNS = (
    HumanTask.id,
    HumanTask.instance_id,
    HumanTask.element_id,
    HumanTask.name,
    HumanTask.form_key,
    HumanTask.role,
    HumanTask.org_unit_id,
    HumanTask.subject_id,
    HumanTask.due_date,
    HumanTask.created_at,
    HumanTask.assignee_id,
    ProcessInstance.business_key,
    ProcessInstance.process_key,
    ProcessInstance.summary,
)


def _actionable(visible: Any) -> Any:
    """Of the visible tasks, those nobody else has taken: the header badge's number."""
    me = bindparam("person_id", type_=Integer)
    return func.sum(case((or_(visible.c.assignee_id.is_(None), visible.c.assignee_id == me), 1), else_=0))


@cache
def _page_statement(seat_count: int, due: str | None, process: bool, step: bool, search: bool) -> Any:
    """The page in one statement, built once per shape (the values are parameters): the page's
    task ids with the number of visible tasks beside each (a window over the visible ones), then
    the case and the people for those rows only."""
    conditions = _filter_conditions(due, process, step, search)
    columns = (HumanTask.id, HumanTask.due_date, HumanTask.assignee_id)
    visible = _visible(seat_count, columns, conditions, process or search)
    order = (visible.c.due_date.is_(None), visible.c.due_date, visible.c.id)
    on_page = (
        select(
            visible.c.id, func.count().over().label("total"), _actionable(visible).over().label("actionable")
        )
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("on_page")
    )
    subject, assignee = aliased(Person), aliased(Person)
    return (
        select(
            on_page.c.total,
            on_page.c.actionable,
            *PAGE_COLUMNS,
            subject.full_name.label("subject_name"),
            assignee.full_name.label("assignee_name"),
        )
        .join(HumanTask, HumanTask.id == on_page.c.id)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .outerjoin(subject, subject.id == HumanTask.subject_id)
        .outerjoin(assignee, assignee.id == HumanTask.assignee_id)
        .order_by(*ORDER)
    )


@cache
def _count_statement(seat_count: int, due: str | None, process: bool, step: bool, search: bool) -> Any:
    """The visible tasks and the actionable ones among them, counted from the indexes alone."""
    conditions = _filter_conditions(due, process, step, search)
    visible = _visible(seat_count, (HumanTask.assignee_id,), conditions, process or search)
    return select(func.count(), func.coalesce(_actionable(visible), 0)).select_from(visible)


def inbox(
    session: Session,
    person_id: int,
    clock: Clock,
    flt: InboxFilter | None = None,
    held_seats: Iterable[SeatLike] | None = None,
) -> InboxPage:
    """A page of the person's open tasks. `held_seats` are their seats today when the caller has
    read them already (the page's header does), else they are read here."""
    flt = flt or InboxFilter()
    today = local_date(clock.now())
    held = _held(session, person_id, today, held_seats)
    search = (flt.search or "").strip()
    shape = (len(held), flt.due, bool(flt.process_key), bool(flt.element_id), bool(search))
    params = _seat_params(person_id, held)
    params.update(today=today, process_key=flt.process_key, element_id=flt.element_id)
    if search:
        needle = search.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["needle"] = f"%{needle}%"
    page = max(flt.page, 1)
    params.update(limit=flt.per_page, offset=(page - 1) * flt.per_page)
    rows = session.execute(_page_statement(*shape), params).all()
    if rows:
        total, actionable = rows[0].total, rows[0].actionable
    else:  # past the last page (or nothing at all): the numbers alone
        total, actionable = session.execute(_count_statement(*shape), params).one()
    items = [
        InboxItem(
            task_id=row.id,
            instance_id=row.instance_id,
            business_key=row.business_key,
            process_key=row.process_key,
            element_id=row.element_id,
            name=row.name,
            form_key=row.form_key,
            role=row.role,
            subject_id=row.subject_id,
            subject_name=row.subject_name or "",
            summary=dict(row.summary),
            due_date=row.due_date,
            overdue=row.due_date is not None and row.due_date < today,
            created_at=row.created_at,
            assignee_id=row.assignee_id,
            assignee_name=row.assignee_name,
            claimed_by_other=row.assignee_id is not None and row.assignee_id != person_id,
            on_behalf_of=held.get((row.role, row.org_unit_id or 0)),
        )
        for row in rows
    ]
    unfiltered = not (flt.process_key or flt.element_id or flt.due or search)
    return InboxPage(
        items, total, page, flt.per_page, open_count=int(actionable or 0) if unfiltered else None
    )


def count_open(
    session: Session, person_id: int, clock: Clock, held_seats: Iterable[SeatLike] | None = None
) -> int:
    """The header badge: open tasks I can act on now (claimed by others excluded)."""
    held = _held(session, person_id, local_date(clock.now()), held_seats)
    _, actionable = session.execute(
        _count_statement(len(held), None, False, False, False), _seat_params(person_id, held)
    ).one()
    return int(actionable or 0)
