"""The service operators of agreements: a diagram registers the agreement legal prepared
(`agreement`), and the refund diagram records how the refund ended (`settle_refund`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.agreements.models import Agreement, AgreementStatus
from workflows.calendar import add_months, local_date
from workflows.cases.models import ProcessInstance
from workflows.clock import Clock
from workflows.errors import ProcessError


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value or 0)).quantize(Decimal("0.01"))
    except ArithmeticError as exc:
        raise ProcessError(f"Not an amount: {value!r}", amount=str(value)) from exc


def register_agreement(
    session: Session, instance: ProcessInstance, data: dict[str, Any], clock: Clock
) -> dict[str, Any]:
    """The case's agreement, once: number, date, amount (the application's cost) and the obligation
    term (the agreement's years, or the process's obligation_years), running from the training's end."""
    policy = data.get("policy") or {}
    signed = _day(data.get("agreement_date"))
    if signed is None or not str(data.get("agreement_number") or "").strip():
        raise ProcessError("The agreement has no number or date", element="agreement")
    years = int(data.get("refund_years") or policy.get("obligation_years") or 0)
    if data.get("refund_clause") is False:
        years = 0
    starts = _day(data.get("end_date")) or signed
    existing = session.scalar(select(Agreement).where(Agreement.instance_id == instance.id))
    row = existing or Agreement(
        instance_id=instance.id, status=AgreementStatus.ACTIVE, created_at=clock.now()
    )
    row.person_id = instance.subject_id
    row.number = str(data["agreement_number"]).strip()
    row.signed_on = signed
    row.amount = _money(data.get("cost"))
    row.term_years = years
    row.obligation_starts_on = starts
    row.obligation_ends_on = add_months(starts, 12 * years)
    if existing is None:
        session.add(row)
    return {"number": row.number, "ends_on": row.obligation_ends_on.isoformat()}


def settle_refund(
    session: Session, instance: ProcessInstance, data: dict[str, Any], clock: Clock
) -> dict[str, Any]:
    """The refund case's outcome, on its agreement."""
    row = session.scalar(select(Agreement).where(Agreement.refund_instance_id == instance.id))
    if row is None:
        raise ProcessError("This refund case has no agreement", element="settle_refund")
    row.refund_outcome = str(data.get("refund_outcome") or "")
    row.refund_paid = _money(data.get("amount_paid")) if data.get("amount_paid") is not None else None
    row.refund_due = _money(data.get("amount_due"))
    row.settled_on = local_date(clock.now())
    return {"outcome": row.refund_outcome}
