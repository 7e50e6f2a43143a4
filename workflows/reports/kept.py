"""What the reports keep: the annual report's versions (602-06 and the centre's Ү 464-001-2025),
each department's quarterly data to HR, the exports made in the background, and the reports'
editable policy."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base, states

QUARTERLY_PROCESS = "quarterly_data"  # bpmn/quarterly_data.bpmn: a unit's quarter, asked of its head


class AnnualKind(StrEnum):
    ANNUAL = "602-06"  # the HR director's annual report (000 §11.5)
    CENTRE = "centre"  # the competence centre's report to management (001 §3.14, form Ү 464-001-2025)


class ReportStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class AnnualReport(Base):
    """One version of a year's report. A draft's narrative is edited; approving freezes the version
    with its figures as they were that day (`frozen`, the document in each language); an edit after
    that starts the next version's draft."""

    __tablename__ = "annual_report"
    __table_args__ = (UniqueConstraint("kind", "year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AnnualKind] = mapped_column(states(AnnualKind, "kind", 16))
    year: Mapped[int]
    version: Mapped[int]
    status: Mapped[ReportStatus] = mapped_column(states(ReportStatus, "status", 16))
    sections: Mapped[dict[str, Any]]  # narrative section key -> text
    frozen: Mapped[dict[str, Any]]  # locale -> the document as approved ({} while a draft)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}


class QuarterlySubmission(Base):
    """A department's quarterly data to HR (000 §8.2): opened for its head when the quarter ends,
    due some days later, submitted by the head with a note and the figures as they were. The case
    of bpmn/quarterly_data.bpmn that asks for it (`instance_id`) writes the submission; HR's board
    reads the rows."""

    __tablename__ = "quarterly_submission"
    __table_args__ = (UniqueConstraint("unit_id", "year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    year: Mapped[int]
    quarter: Mapped[int]
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    opened_at: Mapped[datetime]
    due_on: Mapped[date]
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    note: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[dict[str, Any]]  # the report's totals when submitted


class ReportsSetting(Base):
    """The reports' policy, one row, editable by HR: when a quarter's data is asked for and by when,
    and how many rows an export may have before it is made in the background."""

    __tablename__ = "reports_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarterly_opens_after_days: Mapped[int] = mapped_column(default=1, server_default="1")
    quarterly_due_days: Mapped[int] = mapped_column(default=10, server_default="10")
    export_background_rows: Mapped[int] = mapped_column(default=5000, server_default="5000")
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    note: Mapped[str | None] = mapped_column(String(300))


class ExportStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class ReportExport(Base):
    """A report's file made by the worker because it is long: who asked, for what (the report's
    address arguments), how far it is, and the file once made."""

    __tablename__ = "report_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    request: Mapped[dict[str, Any]]  # level, subject, period, format, locale, process key
    status: Mapped[ExportStatus] = mapped_column(states(ExportStatus, "status", 16))
    progress: Mapped[int] = mapped_column(default=0)  # percent
    rows: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
