"""The annual qualification-improvement plan (000 §7.1–7.5, 001 §5.4–5.5): a campaign per year, a
schedule per unit (department 602-01, institute, the university's consolidated 602-05), the plan
lines in them, the department meeting that discussed a schedule, and the frozen approved versions.

The campaign's engine instance orchestrates (who acts when, deadlines, escalations); these tables
hold the data. Plan lines are ordinary rows, never inside the engine state.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.db import Base, states
from workflows.org.models import OrgUnit, Person


class CampaignStatus(StrEnum):
    OPEN = "open"  # units draw up their schedules
    CONSOLIDATION = "consolidation"  # HR merges the institutes' schedules into 602-05
    FINANCE = "finance"  # finance agrees the university-funded part
    APPROVAL = "approval"  # with the approver
    APPROVED = "approved"  # frozen as a version; amendments may follow
    CANCELLED = "cancelled"


class ScheduleLevel(StrEnum):
    DEPARTMENT = "department"  # 602-01, drawn up by the head
    INSTITUTE = "institute"  # the departments' schedules, signed by the director
    UNIVERSITY = "university"  # 602-05, consolidated by HR


class ScheduleStatus(StrEnum):
    DRAFT = "draft"  # being drawn up
    SUBMITTED = "submitted"  # approved by the head, passed up
    RETURNED = "returned"  # sent back with a comment (by the director, or by finance on lines)
    SIGNED = "signed"  # the director signed the institute's schedule
    CONSOLIDATED = "consolidated"  # HR merged it into 602-05
    WITHDRAWN = "withdrawn"  # the unit closed during the campaign: its lines went elsewhere


class LineOrigin(StrEnum):
    INDIVIDUAL = "individual"  # the employee's own individual-plan wish
    HEAD = "head"  # added by the head on the schedule
    HR = "hr"  # added or moved by HR at consolidation
    CARRIED = "carried"  # carried over from an earlier year's plan


class LineStatus(StrEnum):
    WISH = "wish"  # an individual-plan line the head has not taken into the schedule yet
    PLANNED = "planned"  # on the unit's schedule
    REMOVED = "removed"  # taken off (kept, with who and why: never lost)


class LengthClass(StrEnum):
    """The course-length class a line's hours fall in (002 §3, 004 §22), by the campaign's policy."""

    MASTER_CLASS = "master_class"  # under the short minimum: master class, training
    SHORT = "short"
    LONG = "long"


class PlanCampaign(Base):
    """The planning campaign for year `year`: one engine instance, its deadlines and policy copied
    from the diagram when it was opened."""

    __tablename__ = "plan_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)  # the year planned for
    status: Mapped[CampaignStatus] = mapped_column(states(CampaignStatus, "status", 16))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    opens_on: Mapped[date]
    individual_by: Mapped[date]
    departments_by: Mapped[date]
    institutes_by: Mapped[date]
    approval_by: Mapped[date]
    # The diagram's numbers as they were when the campaign opened (course-length classes, ...).
    policy: Mapped[dict[str, Any]]
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    opened_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    approved_late: Mapped[bool] = mapped_column(default=False, server_default="0")
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}


class PlanSchedule(Base):
    """One unit's schedule in a campaign. `version` is the optimistic-concurrency counter: every
    edit of the schedule or its lines names the version it read, and a stale one is a conflict."""

    __tablename__ = "plan_schedule"
    __table_args__ = (UniqueConstraint("campaign_id", "org_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("plan_campaign.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    level: Mapped[ScheduleLevel] = mapped_column(states(ScheduleLevel, "level", 16))
    # A department's schedule belongs to its institute's; an institute's to the university's.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_schedule.id"), index=True)
    status: Mapped[ScheduleStatus] = mapped_column(states(ScheduleStatus, "status", 16))
    due_on: Mapped[date]
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    late: Mapped[bool] = mapped_column(default=False, server_default="0")
    return_comment: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    reminded_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]

    org_unit: Mapped[OrgUnit] = relationship()

    __mapper_args__ = {"version_id_col": version}


class DepartmentMeeting(Base):
    """The department meeting that discussed a schedule (000 §7.3): minutes number, date, file."""

    __tablename__ = "plan_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("plan_schedule.id"), unique=True)
    minutes_number: Mapped[str] = mapped_column(String(50))
    meeting_date: Mapped[date]
    document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime]


class PlanLine(Base):
    """One planned training of one person: what, with whom, how, when, how long, who pays."""

    __tablename__ = "plan_line"
    __table_args__ = (
        Index("ix_plan_line_campaign_person", "campaign_id", "person_id"),
        Index("ix_plan_line_schedule_status", "schedule_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("plan_campaign.id"))
    schedule_id: Mapped[int] = mapped_column(ForeignKey("plan_schedule.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    origin: Mapped[LineOrigin] = mapped_column(states(LineOrigin, "origin", 16))
    status: Mapped[LineStatus] = mapped_column(states(LineStatus, "status", 16))
    topic: Mapped[str] = mapped_column(String(300))  # the topic or course
    provider: Mapped[str | None] = mapped_column(String(300))
    # The application form's vocabularies (forms/application.json), so a line pre-fills an application.
    training_form: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(300))
    quarter: Mapped[int | None]  # 1–4
    month: Mapped[int | None]  # 1–12
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    hours: Mapped[int]
    length_class: Mapped[LengthClass | None] = mapped_column(states(LengthClass, "length_class", 16))
    # Set when the hours fall outside the policy's classes (flagged, not refused).
    hours_flag: Mapped[str | None] = mapped_column(String(64))
    funding_source: Mapped[str] = mapped_column(String(32))
    estimated_cost: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    relevance: Mapped[str | None] = mapped_column(Text)  # relevance to the disciplines taught
    # A line of the unit's own head is approved above them (nobody approves their own line).
    approve_above: Mapped[bool] = mapped_column(default=False, server_default="0")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    finance_comment: Mapped[str | None] = mapped_column(Text)  # finance returned this line
    removed_reason: Mapped[str | None] = mapped_column(Text)
    # Where a line of a closed unit came from (its schedule then), and lines carried from a year.
    moved_from_schedule_id: Mapped[int | None] = mapped_column(ForeignKey("plan_schedule.id"))
    carried_from_line_id: Mapped[int | None] = mapped_column(ForeignKey("plan_line.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime]

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class PlanVersion(Base):
    """An approved plan, frozen: number 1 is the approval, later numbers the amendments."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("plan_campaign.id"), index=True)
    number: Mapped[int]
    approved_at: Mapped[datetime]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    late: Mapped[bool] = mapped_column(default=False, server_default="0")
    note: Mapped[str | None] = mapped_column(Text)
    # Budget totals by funding source, as approved ({"university": "1200.00", ...}).
    totals: Mapped[dict[str, Any]]


class PlanVersionLine(Base):
    """A plan line as it stood in an approved version: what applications link to, and what
    "planned vs done" compares against. Never changed after the version is frozen."""

    __tablename__ = "plan_version_line"
    __table_args__ = (Index("ix_plan_version_line_version_unit", "version_id", "org_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("plan_line.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    topic: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(300))
    training_form: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(300))
    quarter: Mapped[int | None]
    month: Mapped[int | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    hours: Mapped[int]
    funding_source: Mapped[str] = mapped_column(String(32))
    estimated_cost: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    relevance: Mapped[str | None] = mapped_column(Text)
