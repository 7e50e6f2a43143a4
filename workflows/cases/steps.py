"""One step of one instance: load, advance, save state and the rows derived from it, in one transaction.

The inbox, the timers and the history never open the engine state: they read what `save_step`
derives here (human tasks, timer jobs, events, the summary).

Whatever changes a case takes its instance row first (`lock_case`), then its tasks and jobs, always
in that order, so that two writers of one case queue instead of deadlocking. A step that queues a
job says so on PostgreSQL (`NOTIFY` on `JOBS_CHANNEL`, delivered when it commits) so that sleeping
workers wake at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event, or_, select, text, update
from sqlalchemy.orm import Session, SessionTransaction, undefer
from sqlalchemy.orm.exc import StaleDataError

from workflows.calendar import local_date
from workflows.cases.effects import StepEffects
from workflows.cases.models import (
    CaseStatus,
    Event,
    EventKind,
    HumanTask,
    Job,
    JobKind,
    JobStatus,
    ProcessInstance,
    TaskStatus,
)
from workflows.clock import Clock
from workflows.definitions.versions import VERSIONS, LoadedVersion
from workflows.engine.runtime import ReadyTask, Runtime
from workflows.engine.state import SERIALIZER_VERSION
from workflows.errors import Conflict
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import notify_people
from workflows.org.roles import EMPLOYEE
from workflows.org.seats import holders, resolve_seat

JOBS_CHANNEL = "biliktilik_jobs"
# In Session.info: the session's current transaction has queued a job (set at flush, cleared when
# the next transaction begins, so it can still be read right after the commit).
QUEUED_JOBS = "biliktilik.queued_jobs"
# The registers filter on the last three (workflows/reports/registers.py).
SUMMARY_FIELDS = (
    "course",
    "provider",
    "start_date",
    "end_date",
    "hours",
    "funding_source",
    "applicant_name",
    "training_form",
    "cost",
    "in_plan",
)


@event.listens_for(Session, "before_flush")
def _note_queued_jobs(session: Session, _context: object, _instances: object) -> None:
    if any(isinstance(row, Job) for row in session.new):
        session.info[QUEUED_JOBS] = True


@event.listens_for(Session, "after_begin")
def _forget_queued_jobs(session: Session, _transaction: SessionTransaction, _connection: object) -> None:
    session.info.pop(QUEUED_JOBS, None)


def queued_jobs(session: Session) -> bool:
    """Whether the session's current (or just committed) transaction queued a job."""
    return bool(session.info.get(QUEUED_JOBS))


def lock_case(session: Session, instance_id: int, with_state: bool = False) -> ProcessInstance | None:
    """The instance row, fresh, and locked until the transaction ends: a second writer of the case
    waits here, then reads what the first committed. PostgreSQL locks the row (`FOR NO KEY UPDATE`,
    which rows referring to the case do not wait for); SQLite locks no rows, so there a write that
    changes nothing takes its one write lock instead."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(ProcessInstance)
            .where(ProcessInstance.id == instance_id)
            .values(row_version=ProcessInstance.row_version)
            .execution_options(synchronize_session=False)
        )
    return session.get(
        ProcessInstance,
        instance_id,
        options=[undefer(ProcessInstance.state)] if with_state else [],
        populate_existing=True,
        with_for_update={"key_share": True},
    )


def announce_jobs(session: Session) -> None:
    """Wake the workers listening on PostgreSQL when this transaction commits (a no-op elsewhere).
    The payload is the schema, so that installations sharing a database wake only their own."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, current_schema())"), {"channel": JOBS_CHANNEL})


class Step:
    """A loaded instance with its runtime and effect handler; `save()` writes everything back."""

    def __init__(
        self,
        session: Session,
        instance: ProcessInstance,
        version: LoadedVersion,
        clock: Clock,
        actor_id: int | None,
        start_data: dict[str, Any] | None = None,
    ) -> None:
        self.session = session
        self.instance = instance
        self.version = version
        self.clock = clock
        self.actor_id = actor_id
        self.effects = StepEffects(session, instance, clock, actor_id)
        if start_data is not None:
            self.runtime = Runtime.start(version.definition, start_data, clock, self.effects)
        else:
            self.runtime = Runtime.load(
                version.definition, instance.state, instance.serializer_version, clock, self.effects
            )

    @classmethod
    def open(cls, session: Session, instance: ProcessInstance, clock: Clock, actor_id: int | None) -> Step:
        return cls(session, instance, VERSIONS.get(session, instance.version_id), clock, actor_id)

    @property
    def today(self) -> date:
        return local_date(self.clock.now())

    def log(
        self,
        kind: EventKind,
        element_id: str | None = None,
        comment: str | None = None,
        on_behalf_of: int | None = None,
        /,
        **data: Any,
    ) -> None:
        self.session.add(
            Event(
                instance_id=self.instance.id,
                process_key=self.instance.process_key,
                at=self.clock.now(),
                kind=kind,
                actor_id=self.actor_id,
                on_behalf_of_id=on_behalf_of,
                element_id=element_id,
                comment=comment,
                data=data,
            )
        )

    def save(self) -> None:
        """Write state, summary, human tasks, timer jobs; a concurrent writer surfaces as Conflict."""
        try:
            self._save()
            self.session.flush()
        except StaleDataError as exc:
            raise Conflict("Someone else changed this case at the same moment; nothing was saved") from exc
        if queued_jobs(self.session):
            announce_jobs(self.session)

    def _save(self) -> None:
        instance, runtime, now = self.instance, self.runtime, self.clock.now()
        ready = runtime.ready_user_tasks()
        data = runtime.current_data()
        # Everything on the instance row is set before anything flushes, so a step writes it once.
        instance.state = runtime.dump()
        instance.serializer_version = SERIALIZER_VERSION
        instance.updated_at = now
        summary = {key: data.get(key) for key in SUMMARY_FIELDS}
        summary["order_number"] = self.effects.data.get("order_number") or instance.summary.get(
            "order_number"
        )
        summary["steps"] = [t.name for t in ready]
        instance.summary = summary
        words = (data.get("applicant_name"), data.get("course"), data.get("provider"), instance.business_key)
        instance.search_text = " ".join(str(w) for w in words if w).casefold()
        if runtime.is_completed and instance.status == CaseStatus.RUNNING:
            instance.status = self._outcome()
            instance.ended_at = now
            self.log(EventKind(f"case_{instance.status}"))
        self._sync_tasks(ready)
        self._sync_timers()

    def _outcome(self) -> CaseStatus:
        elements = self.version.definition.info.elements
        ends = [
            e for e in self.runtime.completed_elements() if elements.get(e) and elements[e].kind == "endEvent"
        ]
        for element_id in reversed(ends):
            outcome = elements[element_id].properties.get("outcome")
            if outcome:
                return CaseStatus(outcome)  # publishing checked it is one of OUTCOMES
        return CaseStatus.COMPLETED

    def _sync_tasks(self, ready: list[ReadyTask]) -> None:
        instance, now = self.instance, self.clock.now()
        ready_ids = {t.engine_id for t in ready}
        rows = self.session.scalars(
            select(HumanTask).where(
                HumanTask.instance_id == instance.id,
                or_(HumanTask.status == TaskStatus.OPEN, HumanTask.engine_task_id.in_(ready_ids)),
            )
        ).all()
        known = {row.engine_task_id for row in rows}
        for row in rows:
            if row.status == TaskStatus.OPEN and row.engine_task_id not in ready_ids:
                row.status, row.completed_at = TaskStatus.CANCELLED, now
            elif row.status == TaskStatus.CANCELLED and row.engine_task_id in ready_ids:
                # The engine made a task ready again (a loop back into a waiting branch): the same
                # engine task keeps its one row.
                row.status, row.completed_at = TaskStatus.OPEN, None
        elements = self.version.definition.info.elements
        created: list[HumanTask] = []
        for task in ready:
            if task.engine_id in known:
                continue
            element = elements[task.element_id]
            role, unit = element.role or EMPLOYEE, None
            if role != EMPLOYEE:
                role, unit = resolve_seat(
                    self.session, role, instance.subject_unit_id, instance.subject_id, self.today
                )
            due_expr = element.properties.get("due")
            due = self.runtime.evaluate(task.engine_id, due_expr) if due_expr else None
            row = HumanTask(
                instance_id=instance.id,
                engine_task_id=task.engine_id,
                element_id=task.element_id,
                name=task.name,
                form_key=element.properties.get("form", ""),
                role=role,
                subject_id=instance.subject_id,
                assignee_id=instance.subject_id if role == EMPLOYEE else None,
                org_unit_id=unit,
                due_date=date.fromisoformat(str(due)[:10]) if due else None,
                status=TaskStatus.OPEN,
                created_at=now,
            )
            self.session.add(row)
            created.append(row)
        if created:
            self.session.flush()
            for row in created:
                people = (
                    [row.assignee_id]
                    if row.assignee_id
                    else [
                        p
                        for p in holders(self.session, row.role, row.org_unit_id or 0, self.today)
                        if p != row.subject_id
                    ]
                )
                # Whoever just acted knows what their own step led to: no notice about it for them.
                notify_people(
                    self.session,
                    [p for p in people if p and p != self.actor_id],
                    NoticeKind.TASK_ASSIGNED,
                    instance,
                    self.clock,
                    task_id=row.id,
                    data={"task": row.name},
                )

    def _sync_timers(self) -> None:
        wanted = set(self.runtime.timer_due_times())
        pending = self.session.scalars(
            select(Job).where(
                Job.instance_id == self.instance.id,
                Job.kind == JobKind.TIMER,
                Job.status == JobStatus.PENDING,
            )
        ).all()
        have = {job.due_at for job in pending}
        for job in pending:
            if job.due_at not in wanted:
                job.status = JobStatus.CANCELLED
        for due in sorted(wanted - have):
            self.session.add(
                Job(
                    kind=JobKind.TIMER,
                    instance_id=self.instance.id,
                    due_at=due,
                    status=JobStatus.PENDING,
                    payload={},
                )
            )


def fire_timer(session: Session, job: Job, clock: Clock) -> None:
    """The worker's handler for a due timer job: let the case's due timers fire, then run on."""
    instance = session.get(ProcessInstance, job.instance_id, options=[undefer(ProcessInstance.state)])
    if instance is None or instance.status != CaseStatus.RUNNING:
        return
    step = Step.open(session, instance, clock, None)
    elements = step.version.definition.info.elements
    for element_id in step.runtime.fire_timers():
        name = elements[element_id].name if element_id in elements else element_id
        step.log(EventKind.TIMER_FIRED, element_id, None, None, due_at=job.due_at.isoformat(), timer=name)
    step.save()
