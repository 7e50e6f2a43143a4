"""The cases register: every case in the reader's scope, filtered, searched, sorted, a page at a time.

It reads only the derived tables (the case row with its summary, the open human tasks, people,
units and seats), never an engine state, and a page costs the same few statements however many
cases there are: the filters, the search and the sort all run in SQL, and the matching cases are
counted only up to a bound just past the page ("1000+"), not all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, func, literal_column, or_, select, tuple_
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from workflows.calendar import local_date
from workflows.cases.access import scope_units, within
from workflows.cases.models import CaseStatus, HumanTask, ProcessInstance, TaskStatus
from workflows.clock import Clock
from workflows.definitions.catalog import listed_keys
from workflows.definitions.listing import IN_REGISTER
from workflows.errors import Forbidden
from workflows.org.models import OrgUnit, Person, RoleAssignment
from workflows.org.roles import EMPLOYEE
from workflows.reports.summary_fields import SummaryField

SORTS = ("started", "number", "employee", "course", "start", "cost", "status", "due")
EXPORT_CHUNK = 1000
# A page counts the matching cases only up to the next multiple of this past its own last row:
# "1000+" costs reading 1001 rows, an exact count of 100,000 cases reading them all.
COUNT_STEP = 1000


@dataclass(frozen=True)
class CaseFilter:
    unit_id: int | None = None  # this unit and every unit below it
    status: str | None = None
    step: str | None = None  # an open task at this element
    start_from: date | None = None  # the course starts on or after
    start_to: date | None = None  # the course starts on or before
    funding: str | None = None
    form: str | None = None
    in_plan: bool | None = None
    overdue: bool = False  # an open task past its due date
    search: str | None = None  # employee, course, provider, case number
    sort: str = "started"
    descending: bool = True
    page: int = 1
    per_page: int = 25
    count_step: int = COUNT_STEP


@dataclass(frozen=True)
class ScopeUnit:
    id: int
    parent_id: int | None
    names: dict[str, str]


@dataclass(frozen=True)
class CaseRow:
    id: int
    business_key: str
    process_key: str
    status: str
    started_at: datetime
    subject_name: str
    subject_name_ru: str | None
    unit_names: dict[str, str]
    course: str | None
    provider: str | None
    start_date: str | None
    end_date: str | None
    hours: Any
    funding: str | None
    form: str | None
    cost: Any
    in_plan: bool | None
    step_element: str | None
    step_name: str | None
    step_role: str | None
    assignee_name: str | None
    holders: list[str]  # who may act on the current step when nobody has claimed it
    due_date: date | None
    overdue: bool
    held_days: int | None = None  # how long the current step has been waiting, in calendar days


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int  # the matching cases, or with `more` the bound they were counted up to
    page: int
    per_page: int
    units: list[ScopeUnit] = field(default_factory=list)
    more: bool = False  # more than `total` cases match: the count stopped there


def scope_roots(session: Session, person_id: int, today: date) -> list[int]:
    """The units whose cases the person oversees; Forbidden for someone who oversees none."""
    roots = scope_units(session, person_id, today)
    if not roots:
        raise Forbidden("The registers are for HR, the centre, the rector, directors and heads")
    return roots


def _needle(text: str) -> str:
    return text.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The case's open tasks, written as the partial index ix_human_task_open_instance states them.
_OPEN = HumanTask.status == literal_column(f"'{TaskStatus.OPEN}'")


def _open_task_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(select(HumanTask.id).where(HumanTask.instance_id == ProcessInstance.id, _OPEN, *conditions))


def in_units(unit: Any, roots: list[int], chosen: int | None) -> list[ColumnElement[bool]]:
    """`unit` is in the reader's scope and, when a unit was chosen, in it or below it."""
    found = [within(unit, roots, "scope_units")]
    if chosen is not None:
        found.append(within(unit, [chosen], "chosen_units"))
    return found


@dataclass(frozen=True)
class CaseScope:
    """The units whose cases the reader oversees, and the processes whose cases other pages list."""

    roots: list[int]
    elsewhere: list[str]


def case_scope(session: Session, person_id: int, today: date) -> CaseScope:
    """Forbidden for someone who oversees no unit."""
    roots = scope_roots(session, person_id, today)
    return CaseScope(roots, listed_keys(session, IN_REGISTER)[1])


def _conditions(flt: CaseFilter, scope: CaseScope, today: date) -> list[ColumnElement[bool]]:
    summary = ProcessInstance.summary
    found = in_units(ProcessInstance.subject_unit_id, scope.roots, flt.unit_id)
    # Each diagram says where its cases are listed (`listed`): the journal's cases in the journal, a
    # unit's quarterly data on HR's quarterly board, the plan's on the plan pages.
    if scope.elsewhere:
        found.append(ProcessInstance.process_key.not_in(scope.elsewhere))
    if flt.status:
        found.append(ProcessInstance.status == CaseStatus(flt.status))
    if flt.step:
        found.append(_open_task_exists(HumanTask.element_id == flt.step))
    if flt.overdue:
        found.append(_open_task_exists(HumanTask.due_date < today))
    if flt.start_from:
        found.append(summary["start_date"].as_string() >= flt.start_from.isoformat())
    if flt.start_to:
        found.append(summary["start_date"].as_string() <= flt.start_to.isoformat())
    if flt.funding:
        found.append(summary["funding_source"].as_string() == flt.funding)
    if flt.form:
        found.append(summary["training_form"].as_string() == flt.form)
    if flt.in_plan is not None:
        found.append(summary["in_plan"].as_boolean() == flt.in_plan)
    if flt.search and flt.search.strip():
        found.append(ProcessInstance.search_text.like(f"%{_needle(flt.search)}%", escape="\\"))
    return found


_task, _subject, _unit, _assignee = aliased(HumanTask), aliased(Person), aliased(OrgUnit), aliased(Person)


def _current_task_id() -> Any:
    """The case's open task due first: the step the register shows."""
    return (
        select(HumanTask.id)
        .where(HumanTask.instance_id == ProcessInstance.id, _OPEN)
        .order_by(HumanTask.due_date.asc().nulls_last(), HumanTask.id)
        .limit(1)
        .correlate(ProcessInstance)
        .scalar_subquery()
    )


def _sort_column(key: str) -> Any:
    if key == "due":  # the earliest due date among the case's open steps
        return (
            select(func.min(HumanTask.due_date))
            .where(HumanTask.instance_id == ProcessInstance.id, _OPEN)
            .correlate(ProcessInstance)
            .scalar_subquery()
        )
    return {
        "number": ProcessInstance.business_key,
        "employee": _subject.full_name,
        "course": SummaryField("course"),
        "start": SummaryField("start_date"),
        "cost": SummaryField("cost", number=True),
        "status": ProcessInstance.status,
    }.get(key, ProcessInstance.started_at)


# Sort keys that may be empty (the summary's, the due date): empty ones go last. The others are
# ordered plainly, so that an index can serve the order (NULLS LAST would defeat it).
NULLABLE_SORTS = frozenset({"course", "start", "cost", "due"})


def _ordered(flt: CaseFilter, key: Any, case_id: Any) -> list[Any]:
    first = key.desc() if flt.descending else key.asc()
    return [
        first.nulls_last() if flt.sort in NULLABLE_SORTS else first,
        case_id.desc() if flt.descending else case_id.asc(),
    ]


def _counted(conditions: list[ColumnElement[bool]], bound: int) -> Any:
    """How many cases match, counted up to one past `bound`."""
    counted = select(ProcessInstance.id).where(*conditions).limit(bound + 1).subquery("counted")
    return select(func.count()).select_from(counted).scalar_subquery()


def _query(
    flt: CaseFilter,
    scope: CaseScope,
    today: date,
    page: tuple[int, int] | None = None,
    counted_to: int | None = None,
) -> Select[Any]:
    """The register's rows in order. With `page` (limit, offset) the cases of that page are chosen
    first, on the filters and the sort key alone, and only those ~25 are joined to their current
    step: joining every matching case to its step before the limit is what made a page slow.
    With `counted_to` each row carries the bounded count of the matching cases as `total` (one
    statement for the page and its count)."""
    conditions = _conditions(flt, scope, today)
    chosen = select(ProcessInstance.id.label("case_id"), _sort_column(flt.sort).label("sort_key")).where(
        *conditions
    )
    if flt.sort == "employee":
        chosen = chosen.join(_subject, _subject.id == ProcessInstance.subject_id)
    chosen = chosen.order_by(*_ordered(flt, _sort_column(flt.sort), ProcessInstance.id))
    if page is not None:
        chosen = chosen.limit(page[0]).offset(page[1])
    cases = chosen.subquery("chosen_cases")
    query = (
        select(
            ProcessInstance.id,
            ProcessInstance.business_key,
            ProcessInstance.process_key,
            ProcessInstance.status,
            ProcessInstance.started_at,
            ProcessInstance.summary,
            _subject.full_name.label("subject_name"),
            _subject.full_name_ru.label("subject_name_ru"),
            _unit.name_kk,
            _unit.name_ru,
            _unit.name_en,
            _task.element_id,
            _task.name,
            _task.role,
            _task.org_unit_id,
            _task.due_date,
            _task.created_at.label("step_since"),
            _assignee.full_name.label("assignee_name"),
        )
        .select_from(cases)
        .join(ProcessInstance, ProcessInstance.id == cases.c.case_id)
        .join(_subject, _subject.id == ProcessInstance.subject_id)
        .join(_unit, _unit.id == ProcessInstance.subject_unit_id)
        .outerjoin(_task, _task.id == _current_task_id())
        .outerjoin(_assignee, _assignee.id == _task.assignee_id)
        .order_by(*_ordered(flt, cases.c.sort_key, cases.c.case_id))
    )
    if counted_to is not None:
        query = query.add_columns(_counted(conditions, counted_to).label("total"))
    return query


def _holders(session: Session, seats: set[tuple[str, int]], today: date) -> dict[tuple[str, int], list[str]]:
    """The people in each seat: one query for a page's (or an export chunk's) distinct seats."""
    if not seats:
        return {}
    rows = session.execute(
        select(RoleAssignment.role, RoleAssignment.org_unit_id, Person.full_name)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(tuple_(RoleAssignment.role, RoleAssignment.org_unit_id).in_(sorted(seats)))
        .where(
            or_(RoleAssignment.valid_from.is_(None), RoleAssignment.valid_from <= today),
            or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to >= today),
        )
        .order_by(Person.full_name)
    ).all()
    found: dict[tuple[str, int], list[str]] = {}
    for role, unit, name in rows:
        found.setdefault((role, unit), []).append(name)
    return found


def _rows(session: Session, raw: list[Any], today: date) -> list[CaseRow]:
    seats = {
        (r.role, r.org_unit_id)
        for r in raw
        if r.role and r.role != EMPLOYEE and r.org_unit_id is not None and r.assignee_name is None
    }
    holders = _holders(session, seats, today)
    rows = []
    for r in raw:
        s = r.summary or {}
        assignee = r.assignee_name
        rows.append(
            CaseRow(
                id=r.id,
                business_key=r.business_key,
                process_key=r.process_key,
                status=r.status,
                started_at=r.started_at,
                subject_name=r.subject_name,
                subject_name_ru=r.subject_name_ru,
                unit_names={"kk": r.name_kk, "ru": r.name_ru, "en": r.name_en},
                course=s.get("course"),
                provider=s.get("provider"),
                start_date=s.get("start_date"),
                end_date=s.get("end_date"),
                hours=s.get("hours"),
                funding=s.get("funding_source"),
                form=s.get("training_form"),
                cost=s.get("cost"),
                in_plan=s.get("in_plan"),
                step_element=r.element_id,
                step_name=r.name,
                step_role=r.role,
                assignee_name=assignee,
                holders=[] if assignee else holders.get((r.role, r.org_unit_id), []),
                due_date=r.due_date,
                overdue=r.due_date is not None and r.due_date < today,
                held_days=(today - local_date(r.step_since)).days if r.step_since else None,
            )
        )
    return rows


def scope_tree(session: Session, roots: list[int]) -> list[ScopeUnit]:
    units = session.scalars(
        select(OrgUnit).where(within(OrgUnit.id, roots, "scope_units")).order_by(OrgUnit.id)
    )
    return [ScopeUnit(u.id, u.parent_id, u.names) for u in units]


def case_register(session: Session, person_id: int, clock: Clock, flt: CaseFilter | None = None) -> CasePage:
    """One page of the cases the person oversees; Forbidden for someone who oversees none."""
    flt = flt or CaseFilter()
    today = local_date(clock.now())
    scope = case_scope(session, person_id, today)
    page = max(flt.page, 1)
    bound = count_bound(page, flt.per_page, flt.count_step)
    limits = (flt.per_page, (page - 1) * flt.per_page)
    raw = session.execute(_query(flt, scope, today, limits, bound)).all()
    if raw:
        total = raw[0].total
    else:  # past the last page, or nothing matches: no row to carry the count
        total = session.scalar(select(_counted(_conditions(flt, scope, today), bound))) or 0
    rows = _rows(session, list(raw), today)
    units = scope_tree(session, scope.roots)
    return CasePage(rows, min(total, bound), page, flt.per_page, units, total > bound)


def count_bound(page: int, per_page: int, step: int) -> int:
    """How far a page counts: the multiple of `step` at or past its last row, so that a page always
    knows whether another follows it."""
    return -(-page * per_page // step) * step


def case_register_rows(session: Session, person_id: int, clock: Clock, flt: CaseFilter) -> Iterator[CaseRow]:
    """Every row the filter selects, in its order, read in chunks (for the exports). The scope is
    checked at once: a refusal comes before the first byte of an export."""
    today = local_date(clock.now())
    scope = case_scope(session, person_id, today)

    def chunks() -> Iterator[CaseRow]:
        result = session.execute(_query(flt, scope, today).execution_options(yield_per=EXPORT_CHUNK))
        for chunk in result.partitions():
            yield from _rows(session, list(chunk), today)

    return chunks()
