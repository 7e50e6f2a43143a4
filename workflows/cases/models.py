"""Cases: running instances, the rows derived from their engine state (tasks, jobs, events), and
what a case leaves behind on the way (documents, orders)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.db import Base, states
from workflows.definitions.models import ProcessVersion
from workflows.org.roles import Role


class CaseStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    REJECTED = "rejected"
    ERROR = "error"
    WITHDRAWN = "withdrawn"  # by the applicant, before an order
    CANCELLED = "cancelled"  # its order was cancelled by HR


# How a case can end: the `outcome` property of the end event it reaches.
OUTCOMES = (CaseStatus.COMPLETED, CaseStatus.REJECTED)


class TaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# An open task as a partial index states it; a query that is to read that index writes the same
# literal (`open_task`), not a bound value, which the planner could not match.
OPEN_TASK = f"status = '{TaskStatus.OPEN}'"


class JobKind(StrEnum):
    TIMER = "timer"
    EMAIL = "email"
    PERIODICITY = "periodicity"  # the daily periodicity sweep: reminders, nonconformities, next year's list
    IMPORT_PREVIEW = "import_preview"  # reading a large import file (workflows.org.import_runs)
    PLAN_SLIP = "plan_slip"  # the daily sweep of plan lines past their quarter (workflows.planning.slips)
    REPORT_EXPORT = "report_export"  # making a long report's file (workflows.reports.exports)


class JobStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # a timer whose wait ended another way


class EventKind(StrEnum):
    CASE_STARTED = "case_started"
    TASK_COMPLETED = "task_completed"
    TASK_CLAIMED = "task_claimed"
    TASK_RELEASED = "task_released"
    TASK_REASSIGNED = "task_reassigned"  # by HR, an administrator or the seat holder; or on leaving
    TIMER_FIRED = "timer_fired"
    ORDER_ISSUED = "order_issued"
    NONCONFORMITY = "nonconformity"
    CASE_COMPLETED = "case_completed"
    CASE_REJECTED = "case_rejected"
    CASE_ERROR = "case_error"
    CASE_WITHDRAWN = "case_withdrawn"
    CASE_CANCELLED = "case_cancelled"
    ORDER_CANCELLED = "order_cancelled"
    INCIDENT_RETRIED = "incident_retried"
    NOTICE_SENT = "notice_sent"  # a diagram told people something (a reminder, an escalation)
    DEFINITION_PUBLISHED = "definition_published"
    DEFINITION_REPUBLISHED = "definition_republished"
    DRAFT_SAVED = "draft_saved"
    DRAFT_DISCARDED = "draft_discarded"
    DEFINITION_ARCHIVED = "definition_archived"  # no new cases on the process
    DEFINITION_UNARCHIVED = "definition_unarchived"


class ProcessInstance(Base):
    """One case: pinned to a version, one engine-state document and a row version for optimistic locking."""

    __tablename__ = "process_instance"
    # The registers' default order, newest first, the id breaking ties: read from the index.
    __table_args__ = (Index("ix_process_instance_started_at_id", "started_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(100))
    business_key: Mapped[str] = mapped_column(String(64), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # Indexed for the registers: a unit's cases are counted from the index, newest first read in order.
    subject_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(states(CaseStatus, "status", 16), index=True)
    # What lists show without opening the state: course, dates, hours, current step. Binary on
    # PostgreSQL: the registers read its fields in every row they filter, sort and count.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    # Case-folded applicant, course, provider and key: SQLite's lower() knows only ASCII,
    # and Kazakh names must be searchable on every backend alike.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Deferred: lists and the inbox never load the engine state, only a step does.
    state: Mapped[str] = mapped_column(Text, deferred=True)
    serializer_version: Mapped[str] = mapped_column(String(16))
    # The moments the engine waits for (UTC, as a job's `due_at` is stored): the database keeps the
    # case's pending timer jobs in step with them (a trigger, migration 0023).
    timers: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    row_version: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    version: Mapped[ProcessVersion] = relationship()

    __mapper_args__ = {"version_id_col": row_version}


class HumanTask(Base):
    """A user task as the inbox sees it, derived from the engine state at each save."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_open_role", "status", "role", "org_unit_id"),
        Index("ix_human_task_open_assignee", "status", "assignee_id"),
        # The inbox's two kinds of branch (workflows/cases/inbox.py), over open tasks only and in the
        # page's order: a seat's tasks, and a person's own; PostgreSQL answers both from the index.
        Index(
            "ix_human_task_ready_seat",
            "role",
            "org_unit_id",
            "due_date",
            "id",
            postgresql_where=text(OPEN_TASK),
            sqlite_where=text(OPEN_TASK),
            postgresql_include=["subject_id", "assignee_id"],
        ),
        Index(
            "ix_human_task_ready_assignee",
            "assignee_id",
            "due_date",
            "id",
            postgresql_where=text(OPEN_TASK),
            sqlite_where=text(OPEN_TASK),
        ),
        # A case's open steps, the one due first first: the registers' current step and overdue
        # filter read a case's few open rows, not its whole history.
        Index(
            "ix_human_task_open_instance",
            "instance_id",
            "due_date",
            "id",
            sqlite_where=text(OPEN_TASK),
            postgresql_where=text(OPEN_TASK),
        ),
        # One row per engine task: a task the engine makes ready again is reopened, not duplicated.
        UniqueConstraint("instance_id", "engine_task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    engine_task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    form_key: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(states(Role, "role", 64))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    # Set for the applicant's own tasks and when someone claims a role task.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # The applicant: never a candidate for approving their own case. Empty for a campaign's unit
    # task (an annual plan's schedule, workflows/planning), which is nobody's own case.
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    due_date: Mapped[date | None]
    status: Mapped[TaskStatus] = mapped_column(states(TaskStatus, "status", 16))
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    outcome: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)

    instance: Mapped[ProcessInstance] = relationship()


class Event(Base):
    """Append-only history of every case: who did what, when, in which capacity, with what comment."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    # The process the event belongs to: a definition's events (no instance) are found by it.
    process_key: Mapped[str | None] = mapped_column(String(100), index=True)
    at: Mapped[datetime]
    kind: Mapped[EventKind] = mapped_column(states(EventKind, "kind", 64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    element_id: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]]


class Job(Base):
    """Work for the worker: timers mirrored from the engine, emails and other side effects."""

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_pending_due", "status", "due_at"),
        # A case's pending jobs without its finished ones (the timers' trigger, the worker).
        Index("ix_job_instance_status_kind", "instance_id", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(states(JobKind, "kind", 32))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    due_at: Mapped[datetime]
    status: Mapped[JobStatus] = mapped_column(states(JobStatus, "status", 16), default=JobStatus.PENDING)
    payload: Mapped[dict[str, Any]]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(100))


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


class OrderStatus(StrEnum):
    ISSUED = "issued"
    CANCELLED = "cancelled"


class Order(Base):
    """A rector's order (бұйрық) sending an employee to training; cancelled ones stay, marked."""

    __tablename__ = "training_order"
    __table_args__ = (UniqueConstraint("number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32))
    year: Mapped[int]
    order_date: Mapped[date]
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    issued_at: Mapped[datetime]
    status: Mapped[OrderStatus] = mapped_column(states(OrderStatus, "status", 16), default=OrderStatus.ISSUED)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class IncidentKind(StrEnum):
    START = "start"  # applying failed: there is no case to retry, the applicant applies again
    STEP = "step"  # a person's submission failed: it is kept, to be replayed
    TIMER = "timer"  # a due timer failed: the case is held up until it is retried


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Incident(Base):
    """A case's diagram failed at an element (a script, an expression, a service operator).

    The failed step itself was not saved; what it would have needed to run again is kept here,
    so that a process owner can retry it once the cause is fixed.
    """

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_open", "status", "instance_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(states(IncidentKind, "kind", 16))
    status: Mapped[IncidentStatus] = mapped_column(states(IncidentStatus, "status", 16))
    process_key: Mapped[str] = mapped_column(String(100))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    element_id: Mapped[str | None] = mapped_column(String(200))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # whose submission failed
    submitted: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text)
    occurrences: Mapped[int] = mapped_column(default=1)
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
