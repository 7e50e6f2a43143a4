"""The data printed on an issued order (бұйрық) sending an employee to training."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.access import visible_case
from workflows.cases.history import case_data
from workflows.cases.models import Order
from workflows.clock import Clock, today
from workflows.errors import NotFound
from workflows.org.models import OrgUnit, Person


@dataclass(frozen=True)
class OrderSheet:
    number: str
    version_id: int  # of the case's process, whose forms label the fields
    order_date: date
    issued_at: datetime
    issued_by: str | None
    business_key: str
    employee: str
    position: str | None
    unit: dict[str, str]
    university: dict[str, str]
    course: str
    provider: str
    training_form: str | None
    mode: str | None
    place: str | None
    start_date: date | None
    end_date: date | None
    hours: int | None
    funding_source: str | None
    cost: float | None
    # A collective internship's other participants: one order sends them all (001 §7.7).
    participants: list[str] = field(default_factory=list)


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def order_sheet(session: Session, person_id: int, case_id: int, clock: Clock) -> OrderSheet:
    """The latest order of a case the person may see; NotFound while none has been issued."""
    instance = visible_case(session, person_id, case_id, today(clock))
    order = session.scalars(
        select(Order).where(Order.instance_id == instance.id).order_by(Order.id.desc()).limit(1)
    ).first()
    if order is None:
        raise NotFound("No order has been issued for this case", case_id=instance.id)
    subject = session.get(Person, instance.subject_id)
    unit = session.get(OrgUnit, instance.subject_unit_id)
    root = unit
    while root is not None and root.parent_id is not None:
        root = session.get(OrgUnit, root.parent_id)
    issuer = session.get(Person, order.issued_by_id) if order.issued_by_id else None
    data = case_data(session, instance.id, clock)
    hours = data.get("hours")
    cost = data.get("cost")
    return OrderSheet(
        number=order.number,
        version_id=instance.version_id,
        order_date=order.order_date,
        issued_at=order.issued_at,
        issued_by=issuer.full_name if issuer else None,
        business_key=instance.business_key,
        employee=subject.full_name if subject else "",
        position=subject.position if subject else None,
        unit=unit.names if unit is not None else {},
        university=root.names if root is not None else {},
        course=str(data.get("course") or ""),
        provider=str(data.get("provider") or ""),
        training_form=data.get("training_form"),
        mode=data.get("mode"),
        place=data.get("place"),
        start_date=_date(data.get("start_date")),
        end_date=_date(data.get("end_date")),
        hours=int(hours) if isinstance(hours, int | float) else None,
        funding_source=data.get("funding_source"),
        cost=float(cost) if isinstance(cost, int | float) else None,
        participants=[str(name) for name in data.get("participant_names") or []],
    )
