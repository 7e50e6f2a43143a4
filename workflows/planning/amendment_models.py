"""What happens to an approved plan during its year (001 §5.5): amendments proposed by heads with
the lines they add, move or remove; the applications made from plan lines; and the lines that
slipped past their quarter, each entered once in the nonconformity journal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base, states


class AmendmentStatus(StrEnum):
    PROPOSED = "proposed"  # its case runs the diagram's approval
    APPROVED = "approved"  # applied: a new plan version
    REJECTED = "rejected"


class ChangeKind(StrEnum):
    ADD = "add"
    MOVE = "move"  # to another quarter (or month, or dates)
    REMOVE = "remove"


class PlanAmendment(Base):
    """A head's proposal to change the approved plan of a year, approved through its own case."""

    __tablename__ = "plan_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("plan_campaign.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    # The version the head proposed against, and the one approving it made.
    base_version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    status: Mapped[AmendmentStatus] = mapped_column(states(AmendmentStatus, "status", 16))
    reason: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")  # the changes, one line each, as proposed
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    proposed_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class AmendmentChange(Base):
    """One line an amendment adds, moves or removes. An added line names everything a line has;
    a moved one its new quarter, month or dates; a removed one only which line."""

    __tablename__ = "plan_amendment_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("plan_amendment.id"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(states(ChangeKind, "kind", 16))
    # The line moved or removed; for an added line, set when the amendment is applied.
    line_id: Mapped[int | None] = mapped_column(ForeignKey("plan_line.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    topic: Mapped[str | None] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(300))
    training_form: Mapped[str | None] = mapped_column(String(32))
    mode: Mapped[str | None] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(300))
    quarter: Mapped[int | None]
    month: Mapped[int | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    hours: Mapped[int | None]
    funding_source: Mapped[str | None] = mapped_column(String(32))
    estimated_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    relevance: Mapped[str | None] = mapped_column(Text)


class PlanLineCase(Base):
    """An application made from a plan line: "planned vs done" follows the line to its case."""

    __tablename__ = "plan_line_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("plan_line.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    linked_at: Mapped[datetime]


class PlanLineSlip(Base):
    """A line not done by the end of its quarter, entered once in the nonconformity journal."""

    __tablename__ = "plan_line_slip"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("plan_line.id"), unique=True)
    nonconformity_id: Mapped[int] = mapped_column(ForeignKey("nonconformity.id"))
    recorded_at: Mapped[datetime]
