"""What the registers keep: the filters people save to come back to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base


class SavedFilter(Base):
    """A register's filters under a name of the person's choosing ("my overdue"); `query` is the
    register's address query (its filter arguments only), so opening it is following a link."""

    __tablename__ = "saved_filter"
    __table_args__ = (UniqueConstraint("person_id", "register", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    register: Mapped[str] = mapped_column(String(16))  # cases, orders, journal, certificates
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class RetentionPeriod(Base):
    """How long one kind of record is kept (000's list of forms: the schedule and the consolidated
    schedule 5 years, the staff lists 3 years, the annual report 5 years), editable by HR; the
    migration writes the list's periods, and `biliktilik purge` removes only what is past them."""

    __tablename__ = "retention_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), unique=True)
    form: Mapped[str] = mapped_column(String(32))  # the form's code in 000's list, e.g. 602-01
    years: Mapped[int]
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
