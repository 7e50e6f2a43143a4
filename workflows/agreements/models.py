"""A training agreement: employer-paid training binds the employee to work a term afterwards
(001 §3.8); leaving within it raises a refund case (bpmn/refund.bpmn)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base, states


class AgreementStatus(StrEnum):
    ACTIVE = "active"  # the term runs (or ran out: the register shows that as fulfilled)
    BREACHED = "breached"  # the person left within the term: a refund case was raised


class Agreement(Base):
    __tablename__ = "training_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    signed_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    term_years: Mapped[int]
    obligation_starts_on: Mapped[date]
    obligation_ends_on: Mapped[date]
    status: Mapped[AgreementStatus] = mapped_column(states(AgreementStatus, "status", 16))
    created_at: Mapped[datetime]
    left_on: Mapped[date | None]
    refund_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    refund_due: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    refund_outcome: Mapped[str | None] = mapped_column(String(32))
    refund_paid: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    settled_on: Mapped[date | None]
