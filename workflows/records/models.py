"""What the institution keeps about its people's training: training records and the nonconformity
journal (000 §9.3)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base


class TrainingRecord(Base):
    """Completed training counted in the employee's record (periodicity, attestation)."""

    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    course: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[date]
    end_date: Mapped[date]
    hours: Mapped[int]
    certificate_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    recorded_at: Mapped[datetime]


class Nonconformity(Base):
    """The nonconformity journal (000 §9.3)."""

    __tablename__ = "nonconformity"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    corrective_action: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    # Worked in the journal (workflows/reports/journal.py): the cause and its analysis at the unit's
    # meeting, the corrective action with its owner and date, the re-check, who closed it.
    analysis: Mapped[str | None] = mapped_column(Text)
    minutes_ref: Mapped[str | None] = mapped_column(String(100))
    analysed_on: Mapped[date | None]
    action_owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action_due: Mapped[date | None]
    recheck_note: Mapped[str | None] = mapped_column(Text)
    rechecked_on: Mapped[date | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
