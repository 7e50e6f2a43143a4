"""What cases leave behind: documents, orders, training records, nonconformities, notifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.models.base import Base


class Document(Base):
    """An uploaded file; the bytes live in content-addressed storage, never in the engine state."""

    __tablename__ = "document"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    uploaded_at: Mapped[datetime]
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)


class OrderCounter(Base):
    """The last order number used per prefix and year; rows are locked while a number is taken."""

    __tablename__ = "order_counter"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Order(Base):
    """A rector's order (бұйрық) sending an employee to training."""

    __tablename__ = "training_order"
    __table_args__ = (UniqueConstraint("number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32))
    year: Mapped[int]
    order_date: Mapped[date]
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    issued_at: Mapped[datetime]


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


class Notification(Base):
    """An in-app notice for one person; an email job is queued beside it."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    data: Mapped[dict[str, Any]]
