"""What the periodicity sweep has already said, so that it says it once per person and period: a
reminder to a person due soon and to their head, a nonconformity for an overdue person, next
year's list sent to a head."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base, states


class PeriodicityNoticeKind(StrEnum):
    REMINDER = "reminder"  # the person due soon, and their head
    NOT_MET = "not_met"  # the nonconformity "periodicity not met"
    NEXT_YEAR_LIST = "next_year_list"  # a head got their unit's list (person: the head)


class PeriodicityNotice(Base):
    """One thing said about one person (or to one head) for one period: `period` is the due date
    it was about (ISO), or the list's year and unit."""

    __tablename__ = "periodicity_notice"
    __table_args__ = (UniqueConstraint("kind", "person_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PeriodicityNoticeKind] = mapped_column(states(PeriodicityNoticeKind, "kind", 32))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    period: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
