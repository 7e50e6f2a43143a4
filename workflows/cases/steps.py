"""One step of one instance: load, advance, save state and the rows derived from it, in one transaction.

The inbox, the timers and the history never open the engine state: they read what `save_step`
derives here (human tasks, timer jobs, events, the summary).

Whatever changes a case takes its instance row first (workflows/cases/locking.py), then its tasks
and jobs, always in that order, so that two writers of one case queue instead of deadlocking. On
PostgreSQL every insert of jobs is announced by the database itself (`NOTIFY` on `JOBS_CHANNEL`,
delivered at the commit; migration 0015), so that sleeping workers wake at once. The jobs a step's
rows imply are the database's writes too (migration 0023): each notice's email job, and the timer
jobs, which follow the case's `timers`. A step costs the same few statements whatever its diagram.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, event, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, SessionTransaction, undefer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from workflows.calendar import local_date
from workflows.cases.effects import StepEffects
from workflows.cases.input import CaseRef, case_ref
from workflows.cases.locking import TASKS
from workflows.cases.models import (
    CaseStatus,
    Event,
    EventKind,
    HumanTask,
    Job,
    ProcessInstance,
    TaskStatus,
)
from workflows.clock import Clock
from workflows.definitions.versions import VERSIONS, LoadedVersion
from workflows.engine.runtime import ReadyTask, Runtime
from workflows.engine.state import SERIALIZER_VERSION
from workflows.errors import Conflict
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import QUEUED_JOBS, Notice, send_notices
from workflows.org.roles import EMPLOYEE
from workflows.org.seats import seat_holders

JOBS_CHANNEL = "biliktilik_jobs"
DUE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how a job's `due_at` is stored, naive UTC
JOBS: Table = Job.__table__  # type: ignore[assignment]
EVENTS: Table = Event.__table__  # type: ignore[assignment]
# What a task row is written with, and what closing (or reopening) it changes.
CLOSING_COLUMNS = ("status", "completed_at", "completed_by_id", "on_behalf_of_id", "outcome", "comment")
TASK_COLUMNS = tuple(c.key for c in TASKS.columns if c.key != "id")
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


class Step:
    """A loaded instance with its runtime and effect handler; `save()` writes everything back.

    Nothing is flushed before `save()`: the rows a step derives are written then, each table with
    one statement, and the human tasks and timer jobs are compared with what the loaded state had
    (the rows mirror it), not read back.
    """

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
        # Engine task ids whose rows the caller closed itself (the task a person completes).
        self.closed: set[str] = set()
        self.notices: list[Notice] = []  # sent with the step's other rows at `save()`
        self._open_rows: dict[str, int] = {}
        self._ready_after: list[ReadyTask] | None = None  # the ready tasks as `save()` wrote them
        self._closing: list[dict[str, Any]] = []
        if start_data is not None:
            self.runtime = Runtime.start(version.definition, start_data, clock, self.effects)
            self._ready_before: set[str] = set()
            self._timers_before: set[datetime] = set()
        else:
            self.runtime = Runtime.load(
                version.definition, instance.state, instance.serializer_version, clock, self.effects
            )
            self._ready_before = {t.engine_id for t in self.runtime.ready_user_tasks()}
            self._timers_before = set(self.runtime.timer_due_times())

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
        self.effects.events.append(
            {
                "instance_id": self.instance.id,
                "process_key": self.instance.process_key,
                "at": self.clock.now(),
                "kind": kind,
                "actor_id": self.actor_id,
                "on_behalf_of_id": on_behalf_of,
                "element_id": element_id,
                "comment": comment,
                "data": data,
            }
        )

    def write_log(self) -> None:
        """Write the events logged so far (the effects' and the step's, in order): one statement."""
        if self.effects.events:
            self.session.execute(insert(EVENTS), self.effects.events)
            self.effects.events = []

    def save(self) -> None:
        """Write state, summary, human tasks, timer jobs; a concurrent writer surfaces as Conflict."""
        try:
            with self.session.no_autoflush:
                self._save()
            self.session.flush()
        except StaleDataError as exc:
            raise Conflict("Someone else changed this case at the same moment; nothing was saved") from exc

    def close(self, task: HumanTask, **values: Any) -> None:
        """Close a task's row (completed, with who and what) together with the step's other task
        rows: one statement for all of them. The loaded row shows the values at once."""
        for key, value in values.items():
            set_committed_value(task, key, value)
        self.closed.add(task.engine_task_id)
        self._closing.append({key: getattr(task, key) for key in TASK_COLUMNS})

    def case_ref(self) -> CaseRef:
        """The case after `save()`, with its open tasks (read only when some stayed open)."""
        instance = self.instance
        after = self._ready_after if self._ready_after is not None else self.runtime.ready_user_tasks()
        ready = [t.engine_id for t in after]
        if all(engine_id in self._open_rows for engine_id in ready):
            open_ids = sorted(self._open_rows[engine_id] for engine_id in ready)
            return CaseRef(instance.id, instance.business_key, instance.status, open_ids)
        return case_ref(self.session, instance)

    def _save(self) -> None:
        instance, runtime, now = self.instance, self.runtime, self.clock.now()
        ready = self._ready_after = runtime.ready_user_tasks()
        data = runtime.current_data()
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
        notices = [*self.effects.notices, *self.notices]
        send_notices(self.session, instance, self.clock, notices)
        self.write_log()
        # Last: the stored state keeps only what the rest of the case can need.
        instance.state = runtime.dump()
        instance.serializer_version = SERIALIZER_VERSION
        instance.updated_at = now

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
        """Rows for the tasks that became ready, the rows of those no longer ready cancelled."""
        instance, now = self.instance, self.clock.now()
        ready_ids = {t.engine_id for t in ready}
        gone = self._ready_before - ready_ids - self.closed
        if gone:
            self.session.execute(
                update(TASKS)
                .where(
                    TASKS.c.instance_id == instance.id,
                    TASKS.c.engine_task_id.in_(sorted(gone)),
                    TASKS.c.status == TaskStatus.OPEN,
                )
                .values(status=TaskStatus.CANCELLED, completed_at=now)
            )
        elements = self.version.definition.info.elements
        rows: list[dict[str, Any]] = []
        people: dict[str, list[int]] = {}
        for task in ready:
            if task.engine_id in self._ready_before:
                continue
            element = elements[task.element_id]
            role, unit = element.role or EMPLOYEE, None
            subject: int | None = instance.subject_id
            # A task the diagram names a person for (`assignee`, a person's id) is theirs as the
            # employee's own task is the employee's: nobody else's seat holds it.
            named = self._routed(task.engine_id, element.properties.get("assignee"))
            if named is not None:
                role, people[task.engine_id] = EMPLOYEE, [named]
            elif role == EMPLOYEE:
                # A campaign's task names its person (`person`); a case's is the applicant's own.
                subject = self._routed(task.engine_id, element.properties.get("person")) or subject
                people[task.engine_id] = [subject] if subject else []
            else:
                # A campaign's task names the unit whose seat takes it (`unit`), and is nobody's
                # own case; a case's goes to the seat over the applicant's unit.
                at = self._routed(task.engine_id, element.properties.get("unit"))
                if at is None:
                    role, unit, acting = self.effects.seat(role)
                else:
                    subject = None
                    role, unit, acting = seat_holders(self.session, role, at, None, self.today)
                people[task.engine_id] = [p for p in acting if p != subject]
            due_expr = element.properties.get("due")
            due = self.runtime.evaluate(task.engine_id, due_expr) if due_expr else None
            rows.append(
                {
                    "instance_id": instance.id,
                    "engine_task_id": task.engine_id,
                    "element_id": task.element_id,
                    "name": task.name,
                    "form_key": element.properties.get("form", ""),
                    "role": role,
                    "subject_id": subject,
                    "assignee_id": next(iter(people[task.engine_id]), None) if role == EMPLOYEE else None,
                    "org_unit_id": unit,
                    "due_date": date.fromisoformat(str(due)[:10]) if due else None,
                    "status": TaskStatus.OPEN,
                    "created_at": now,
                }
            )
        if not rows and not self._closing:
            return
        for engine_id, row_id, created_at, name in self._write_tasks(rows):
            if engine_id in self.closed:
                continue
            self._open_rows[engine_id] = row_id
            if created_at != now:
                # The engine made a task ready again (a loop back into a waiting branch): its one
                # row is open again, and the people were told about it the first time.
                continue
            # Whoever just acted knows what their own step led to: no notice about it for them.
            acting = [p for p in people[engine_id] if p and p != self.actor_id]
            self.notices.append(Notice(acting, NoticeKind.TASK_ASSIGNED, row_id, {"task": name}))

    def _routed(self, engine_id: str, expression: str | None) -> int | None:
        """The person or unit id a task's `assignee`, `person` or `unit` property gives in its own data."""
        if not expression:
            return None
        found = self.runtime.evaluate(engine_id, expression)
        if isinstance(found, bool) or found is None:
            return None
        return int(found)

    def _write_tasks(self, rows: list[dict[str, Any]]) -> list[Any]:
        """Insert the new rows, and update the closed ones and the one row an engine task made
        ready again already has (reopened): one statement."""
        values = [{key: row.get(key) for key in TASK_COLUMNS} for row in [*self._closing, *rows]]
        statement = _task_upsert(self.session.get_bind().dialect.name == "postgresql")
        return list(self.session.execute(statement, values))

    def _sync_timers(self) -> None:
        """Timer jobs mirror the engine's waiting timers: the case's `timers` change only when the
        timers do, and the database cancels and adds the jobs with that write (migration 0023)."""
        wanted = sorted(self.runtime.timer_due_times())
        stored = [due.astimezone(UTC).strftime(DUE_FORMAT) for due in wanted]
        if stored != list(self.instance.timers or []):
            self.instance.timers = stored
        if set(wanted) - self._timers_before:
            self.session.info[QUEUED_JOBS] = True


@cache
def _task_upsert(postgresql: bool) -> Any:
    """The statement `_write_tasks` sends its rows with (as many as it has), built once."""
    written = (pg_insert if postgresql else sqlite_insert)(TASKS)
    return written.on_conflict_do_update(
        index_elements=[TASKS.c.instance_id, TASKS.c.engine_task_id],
        set_={key: written.excluded[key] for key in CLOSING_COLUMNS},
    ).returning(TASKS.c.engine_task_id, TASKS.c.id, TASKS.c.created_at, TASKS.c.name)


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
