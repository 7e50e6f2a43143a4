"""Plan execution: the approved plan of a year against what happened (000 §9.3, 001 §5.5).

Per line of the plan's latest version: whether an application was made from it, an order issued
and the certificate verified, the hours counted and the money committed; per unit and for the whole
university the same summed, beside the hours and money planned. A line whose quarter (or month, or
dates) ended with no order issued has slipped. Every figure is a query over the version's lines and
the cases linked to them: the same few statements however many lines a plan has.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.models import CaseStatus, HumanTask, Order, OrderStatus, ProcessInstance, TaskStatus
from workflows.clock import Clock
from workflows.errors import NotFound
from workflows.org.models import OrgUnit, Person
from workflows.planning.amendment_models import PlanLineCase
from workflows.planning.linking import TAKING, current_versions
from workflows.planning.models import PlanVersion, PlanVersionLine
from workflows.records.models import TrainingRecord
from workflows.records.verification import VERIFICATION_FORM
from workflows.reports.registers import in_units, scope_roots

ZERO = Decimal(0)


def planned_by(year: int, quarter: int | None, month: int | None, end_date: date | None) -> date:
    """The last day a line's training was planned for: its end date, else its month's or quarter's
    last day, else the year's."""
    if end_date is not None:
        return end_date
    last_month = month or (quarter * 3 if quarter else 12)
    return date(year, last_month, calendar.monthrange(year, last_month)[1])


@dataclass(frozen=True)
class LineProgress:
    line_id: int
    person_id: int
    person_name: str
    unit_id: int
    topic: str
    quarter: int | None
    month: int | None
    due_on: date
    hours: int
    cost: Decimal
    funding_source: str
    case_id: int | None = None
    business_key: str | None = None
    case_status: str | None = None
    order_number: str | None = None
    verified: bool = False
    hours_done: int = 0
    spent: Decimal = ZERO
    slipped: bool = False


@dataclass
class Figures:
    """Planned vs done for a set of lines."""

    lines: int = 0
    applied: int = 0
    ordered: int = 0
    verified: int = 0
    slipped: int = 0
    hours_planned: int = 0
    hours_done: int = 0
    cost_planned: Decimal = ZERO
    spent: Decimal = ZERO

    def add(self, line: LineProgress) -> None:
        self.lines += 1
        self.applied += line.case_id is not None
        self.ordered += line.order_number is not None
        self.verified += line.verified
        self.slipped += line.slipped
        self.hours_planned += line.hours
        self.hours_done += line.hours_done
        self.cost_planned += line.cost
        self.spent += line.spent

    def share(self, part: int) -> int:
        return round(100 * part / self.lines) if self.lines else 0


@dataclass(frozen=True)
class UnitFigures:
    unit_id: int
    names: dict[str, str]
    figures: Figures


@dataclass
class Execution:
    year: int
    version_number: int
    lines: list[LineProgress]
    units: list[UnitFigures]
    total: Figures = field(default_factory=Figures)


def _cases(session: Session, version_id: int) -> dict[int, tuple[Any, ...]]:
    """Line → (case id, key, status, summary) of its application (the one that counts)."""
    lines = select(PlanVersionLine.line_id).where(PlanVersionLine.version_id == version_id)
    rows = session.execute(
        select(PlanLineCase.line_id, ProcessInstance.id, ProcessInstance.business_key)
        .add_columns(ProcessInstance.status, ProcessInstance.summary)
        .join(ProcessInstance, ProcessInstance.id == PlanLineCase.instance_id)
        .where(PlanLineCase.line_id.in_(lines))
        .order_by(PlanLineCase.id)
    )
    found: dict[int, tuple[Any, ...]] = {}
    for line_id, *case in rows:
        # A running or finished application outranks one rejected or withdrawn before it.
        if line_id not in found or case[2] in TAKING:
            found[line_id] = tuple(case)
    return found


def _case_facts(session: Session, case_ids: list[int]) -> tuple[dict[int, str], set[int], dict[int, int]]:
    """Issued orders, accepted certificates and counted hours of the cases."""
    if not case_ids:
        return {}, set(), {}
    orders = dict(
        session.execute(
            select(Order.instance_id, Order.number).where(
                Order.instance_id.in_(case_ids), Order.status == OrderStatus.ISSUED
            )
        ).all()
    )
    verified = set(
        session.scalars(
            select(HumanTask.instance_id).where(
                HumanTask.instance_id.in_(case_ids),
                HumanTask.form_key == VERIFICATION_FORM,
                HumanTask.status == TaskStatus.COMPLETED,
                HumanTask.outcome == "approve",
            )
        )
    )
    hours = dict(
        session.execute(
            select(TrainingRecord.instance_id, TrainingRecord.hours).where(
                TrainingRecord.instance_id.in_(case_ids), TrainingRecord.struck_at.is_(None)
            )
        ).all()
    )
    return orders, verified, {k: v for k, v in hours.items() if k is not None}


def _cost(summary: dict[str, Any]) -> Decimal:
    try:
        return Decimal(str(summary.get("cost") or 0))
    except ArithmeticError:
        return ZERO


LINE_COLUMNS = (
    "line_id",
    "person_id",
    "org_unit_id",
    "topic",
    "quarter",
    "month",
    "end_date",
    "hours",
    "estimated_cost",
    "funding_source",
)


class _Line(NamedTuple):
    line_id: int
    person_id: int
    org_unit_id: int
    topic: str
    quarter: int | None
    month: int | None
    end_date: date | None
    hours: int
    estimated_cost: Decimal | None
    funding_source: str


def line_progress(
    session: Session, year: int, version_id: int, today: date, roots: list[int] | None, unit_id: int | None
) -> list[LineProgress]:
    # Plain columns, not entities: a plan's thousands of lines are read, never changed, here.
    query = (
        select(*(getattr(PlanVersionLine, name) for name in LINE_COLUMNS), Person.full_name)
        .join(Person, Person.id == PlanVersionLine.person_id)
        .where(PlanVersionLine.version_id == version_id)
        .order_by(PlanVersionLine.org_unit_id, Person.full_name, PlanVersionLine.id)
    )
    if roots is not None:
        query = query.where(*in_units(PlanVersionLine.org_unit_id, roots, unit_id))
    rows = session.execute(query).all()
    cases = _cases(session, version_id)
    orders, verified, hours = _case_facts(session, [c[0] for c in cases.values()])
    found: list[LineProgress] = []
    for *values, name in rows:
        line = _Line(*values)
        due = planned_by(year, line.quarter, line.month, line.end_date)
        case = cases.get(line.line_id)
        base: dict[str, Any] = {
            "line_id": line.line_id,
            "person_id": line.person_id,
            "person_name": name,
            "unit_id": line.org_unit_id,
            "topic": line.topic,
            "quarter": line.quarter,
            "month": line.month,
            "due_on": due,
            "hours": line.hours,
            "cost": Decimal(line.estimated_cost or 0),
            "funding_source": line.funding_source,
        }
        order = None
        if case is not None:
            case_id, key, status, summary = case
            order = orders.get(case_id) if status != CaseStatus.CANCELLED else None
            base.update(case_id=case_id, business_key=key, case_status=str(status), order_number=order)
            base.update(verified=case_id in verified, hours_done=hours.get(case_id, 0))
            base["spent"] = _cost(summary or {}) if order else ZERO
        base["slipped"] = order is None and due < today
        found.append(LineProgress(**base))
    return found


def execution(
    session: Session, person_id: int, year: int, clock: Clock, unit_id: int | None = None
) -> Execution:
    """The year's plan in force against what happened, within the reader's units (and `unit_id`)."""
    today = local_date(clock.now())
    roots = scope_roots(session, person_id, today)
    versions = current_versions(session, [year])
    if year not in versions:
        raise NotFound("No approved plan for this year", year=year)
    version = session.get(PlanVersion, versions[year])
    assert version is not None
    lines = line_progress(session, year, version.id, today, roots, unit_id)
    return summarise(session, year, version.number, lines)


def summarise(session: Session, year: int, number: int, lines: list[LineProgress]) -> Execution:
    by_unit: dict[int, Figures] = {}
    total = Figures()
    for line in lines:
        by_unit.setdefault(line.unit_id, Figures()).add(line)
        total.add(line)
    names = {u.id: u.names for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_(list(by_unit))))}
    units = [UnitFigures(uid, names.get(uid, {}), figures) for uid, figures in by_unit.items()]
    units.sort(key=lambda u: u.names.get("en") or "")
    return Execution(year, number, lines, units, total)
