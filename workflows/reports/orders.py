"""The orders register: every order of the reader's scope, issued or cancelled, filtered and paged
in SQL; and, for HR, the order sheets of a selection (one ZIP of PDFs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from workflows.calendar import local_date
from workflows.cases.models import Order, OrderStatus, ProcessInstance
from workflows.cases.orders import OrderSheet, order_sheet
from workflows.clock import Clock
from workflows.errors import Forbidden, NotFound, ValidationFailed, field_error
from workflows.org.models import OrgUnit, Person
from workflows.org.roles import Role
from workflows.org.seats import has_role
from workflows.reports.registers import EXPORT_CHUNK, ScopeUnit, in_units, scope_roots, scope_tree

ORDER_SORTS = ("date", "number", "employee")
MAX_BUNDLE = 200


@dataclass(frozen=True)
class OrderFilter:
    unit_id: int | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    search: str | None = None  # number, employee, course, provider
    sort: str = "date"
    descending: bool = True
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    order_date: date
    status: str
    case_id: int
    business_key: str
    employee: str
    employee_ru: str | None
    unit_names: dict[str, str]
    course: str | None
    provider: str | None
    cancel_reason: str | None


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderRow]
    total: int
    page: int
    per_page: int
    units: list[ScopeUnit] = field(default_factory=list)


_subject, _unit = aliased(Person), aliased(OrgUnit)


def _conditions(flt: OrderFilter, roots: list[int]) -> list[ColumnElement[bool]]:
    found = in_units(ProcessInstance.subject_unit_id, roots, flt.unit_id)
    if flt.status:
        found.append(Order.status == OrderStatus(flt.status))
    if flt.date_from:
        found.append(Order.order_date >= flt.date_from)
    if flt.date_to:
        found.append(Order.order_date <= flt.date_to)
    if flt.search and flt.search.strip():
        needle = flt.search.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # The order number is in the case's search text once issued; match it there too.
        found.append(
            (ProcessInstance.search_text.like(f"%{needle}%", escape="\\"))
            | (func.lower(Order.number).like(f"%{needle}%", escape="\\"))
        )
    return found


def _query(flt: OrderFilter, roots: list[int]) -> Select[Any]:
    column = {"number": Order.number, "employee": _subject.full_name}.get(flt.sort, Order.order_date)
    return (
        select(
            Order,
            ProcessInstance.business_key,
            ProcessInstance.summary,
            _subject.full_name,
            _subject.full_name_ru,
            _unit.name_kk,
            _unit.name_ru,
            _unit.name_en,
        )
        .join(ProcessInstance, ProcessInstance.id == Order.instance_id)
        .join(_subject, _subject.id == ProcessInstance.subject_id)
        .join(_unit, _unit.id == ProcessInstance.subject_unit_id)
        .where(*_conditions(flt, roots))
        .order_by(
            column.desc() if flt.descending else column.asc(), Order.id.desc() if flt.descending else Order.id
        )
    )


def _row(raw: Any) -> OrderRow:
    order, key, summary, name, name_ru, kk, ru, en = raw
    s = summary or {}
    return OrderRow(
        order.id,
        order.number,
        order.order_date,
        order.status,
        order.instance_id,
        key,
        name,
        name_ru,
        {"kk": kk, "ru": ru, "en": en},
        s.get("course"),
        s.get("provider"),
        order.cancel_reason,
    )


def order_register(
    session: Session, person_id: int, clock: Clock, flt: OrderFilter | None = None
) -> OrderPage:
    flt = flt or OrderFilter()
    roots = scope_roots(session, person_id, local_date(clock.now()))
    joined = select(func.count(Order.id)).join(ProcessInstance, ProcessInstance.id == Order.instance_id)
    total = session.scalar(joined.where(*_conditions(flt, roots))) or 0
    page = max(flt.page, 1)
    raw = session.execute(_query(flt, roots).limit(flt.per_page).offset((page - 1) * flt.per_page)).all()
    return OrderPage([_row(r) for r in raw], total, page, flt.per_page, scope_tree(session, roots))


def order_register_rows(
    session: Session, person_id: int, clock: Clock, flt: OrderFilter
) -> Iterator[OrderRow]:
    roots = scope_roots(session, person_id, local_date(clock.now()))

    def rows() -> Iterator[OrderRow]:
        for chunk in session.execute(
            _query(flt, roots).execution_options(yield_per=EXPORT_CHUNK)
        ).partitions():
            yield from (_row(r) for r in chunk)

    return rows()


def order_bundle(session: Session, person_id: int, order_ids: list[int], clock: Clock) -> list[OrderSheet]:
    """HR's selection of orders, as the sheets their PDFs are made from (in the selection's order)."""
    if not has_role(session, person_id, Role.HR, local_date(clock.now())):
        raise Forbidden("Only the HR service downloads orders in bulk")
    if not order_ids:
        raise ValidationFailed([field_error("order", "nothing_selected")])
    if len(order_ids) > MAX_BUNDLE:
        raise ValidationFailed([field_error("order", "too_many_selected", limit=MAX_BUNDLE)])
    cases = session.execute(select(Order.id, Order.instance_id).where(Order.id.in_(order_ids))).all()
    by_order: dict[int, int] = {order_id: case_id for order_id, case_id in cases}
    missing = [i for i in order_ids if i not in by_order]
    if missing:
        raise NotFound("No such order", order_id=missing[0])
    return [order_sheet(session, person_id, by_order[i], clock) for i in dict.fromkeys(order_ids)]
