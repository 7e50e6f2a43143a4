"""When a case's diagram fails: the incident is recorded, process owners are told, the case's
people see that it is held up, and a process owner retries the step once the cause is fixed.

A failed step is never half-saved. The session is rolled back to before it, then the incident is
written in the same session and the ProcessError is raised marked `keeps_writes`: the one place
that commits (the request, the CLI command, the worker's job) keeps the incident and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.models import (
    CaseStatus,
    EventKind,
    HumanTask,
    Incident,
    IncidentKind,
    IncidentStatus,
    Job,
    JobKind,
    JobStatus,
    ProcessInstance,
    TaskStatus,
)
from workflows.clock import Clock, today
from workflows.errors import Forbidden, NotFound, ProcessError
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import notify_people
from workflows.org.models import Person, RoleAssignment
from workflows.org.roles import Role
from workflows.org.seats import has_role

WATCHERS = (Role.PROCESS_OWNER, Role.ADMIN)


@dataclass(frozen=True)
class Failure:
    """Where a diagram failed and what would run it again."""

    kind: IncidentKind
    process_key: str
    instance_id: int | None
    element_id: str | None
    task_id: int | None = None
    job_id: int | None = None
    actor_id: int | None = None
    submitted: dict[str, Any] | None = None


def _owners(session: Session, clock: Clock) -> list[int]:
    """The people holding a process owner's seat today (they keep the diagrams)."""
    people = session.scalars(
        select(RoleAssignment.person_id).where(RoleAssignment.role == Role.PROCESS_OWNER)
    )
    return [p for p in dict.fromkeys(people) if has_role(session, p, Role.PROCESS_OWNER, today(clock))]


def record(session: Session, failure: Failure, exc: ProcessError, clock: Clock) -> Incident:
    """Open an incident for the failure, or count one more occurrence of the same open one."""
    now, error = clock.now(), str(exc.params.get("detail") or exc)[:4000]
    found = session.scalars(
        select(Incident).where(
            Incident.status == IncidentStatus.OPEN,
            Incident.kind == failure.kind,
            Incident.instance_id == failure.instance_id,
            Incident.process_key == failure.process_key,
            Incident.element_id == failure.element_id,
        )
    ).first()
    if found is not None:
        found.occurrences += 1
        found.last_at, found.error = now, error
        found.submitted, found.actor_id = (
            failure.submitted or found.submitted,
            failure.actor_id or found.actor_id,
        )
        session.flush()
        return found
    incident = Incident(
        kind=failure.kind,
        status=IncidentStatus.OPEN,
        process_key=failure.process_key,
        instance_id=failure.instance_id,
        element_id=failure.element_id,
        task_id=failure.task_id,
        job_id=failure.job_id,
        actor_id=failure.actor_id,
        submitted=failure.submitted,
        error=error,
        first_at=now,
        last_at=now,
    )
    session.add(incident)
    session.flush()
    instance = session.get(ProcessInstance, failure.instance_id) if failure.instance_id else None
    if instance is not None:
        notify_people(
            session,
            _owners(session, clock),
            NoticeKind.INCIDENT,
            instance,
            clock,
            data={"element": failure.element_id},
        )
    return incident


def held_up(session: Session, failure: Failure, exc: ProcessError, clock: Clock) -> ProcessError:
    """Undo the failed step, record the incident, and hand back the error to raise.

    The caller raises what this returns; whoever commits keeps only the incident.
    """
    session.rollback()
    failed_at = exc.params.get("element_id") or failure.element_id  # the script or gateway that failed
    incident = record(session, replace(failure, element_id=failed_at), exc, clock)
    exc.params.update(incident_id=incident.id, case_id=failure.instance_id)
    exc.keeps_writes = True
    return exc


def hold_timer(session: Session, jobs: list[Job], exc: ProcessError, clock: Clock) -> None:
    """A case's due timers failed: the case waits, held up, until a process owner retries them."""
    first = jobs[0]
    instance = session.get(ProcessInstance, first.instance_id) if first.instance_id else None
    if instance is None:
        return
    for job in jobs:
        job.status, job.last_error = JobStatus.FAILED, str(exc)[:2000]
    instance.status = CaseStatus.ERROR
    failure = Failure(
        IncidentKind.TIMER, instance.process_key, instance.id, exc.params.get("element_id"), job_id=first.id
    )
    record(session, failure, exc, clock)


@dataclass(frozen=True)
class IncidentRow:
    id: int
    kind: str
    status: str
    process_key: str
    case_id: int | None
    business_key: str | None
    element_id: str | None
    error: str
    occurrences: int
    first_at: datetime
    last_at: datetime
    actor_name: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    can_retry: bool

    @property
    def is_open(self) -> bool:
        return self.status == IncidentStatus.OPEN


def require_watcher(session: Session, actor_id: int, clock: Clock) -> None:
    on = today(clock)
    if not any(has_role(session, actor_id, role, on) for role in WATCHERS):
        raise Forbidden("Only process owners and administrators see incidents")


def incidents(session: Session, actor_id: int, clock: Clock, resolved: int = 50) -> list[IncidentRow]:
    """Open incidents, oldest first, then the latest resolved ones."""
    require_watcher(session, actor_id, clock)
    rows = list(
        session.scalars(
            select(Incident)
            .where(Incident.status == IncidentStatus.OPEN)
            .order_by(Incident.first_at, Incident.id)
        )
    ) + list(
        session.scalars(
            select(Incident)
            .where(Incident.status == IncidentStatus.RESOLVED)
            .order_by(Incident.resolved_at.desc(), Incident.id.desc())
            .limit(resolved)
        )
    )
    names = {p.id: p.full_name for p in session.scalars(select(Person).where(Person.id.in_(_people(rows))))}
    cases = {r.instance_id for r in rows if r.instance_id}
    keys = {
        case_id: key
        for case_id, key in session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key).where(ProcessInstance.id.in_(cases))
        )
    }
    return [
        IncidentRow(
            r.id,
            r.kind,
            r.status,
            r.process_key,
            r.instance_id,
            keys.get(r.instance_id) if r.instance_id else None,
            r.element_id,
            r.error,
            r.occurrences,
            r.first_at,
            r.last_at,
            names.get(r.actor_id) if r.actor_id else None,
            r.resolved_at,
            names.get(r.resolved_by_id) if r.resolved_by_id else None,
            r.status == IncidentStatus.OPEN and r.kind != IncidentKind.START,
        )
        for r in rows
    ]


def _people(rows: list[Incident]) -> set[int]:
    return {p for r in rows for p in (r.actor_id, r.resolved_by_id) if p}


def open_incident_of(session: Session, case_id: int) -> int | None:
    """The case's open incident, if its diagram is failing (the case page says it is held up)."""
    return session.scalar(
        select(Incident.id)
        .where(Incident.instance_id == case_id, Incident.status == IncidentStatus.OPEN)
        .limit(1)
    )


def _resolve(incident: Incident, actor_id: int, clock: Clock) -> None:
    incident.status, incident.resolved_at, incident.resolved_by_id = (
        IncidentStatus.RESOLVED,
        clock.now(),
        actor_id,
    )


def retry(session: Session, incident_id: int, actor_id: int, clock: Clock) -> IncidentStatus:
    """Run the failed step again: the timer is fired anew, the kept submission replayed.

    Raises the ProcessError again (the incident counted once more) when the cause is still there.
    """
    from workflows.cases.steps import Step
    from workflows.cases.tasks import complete_task

    require_watcher(session, actor_id, clock)
    incident = session.get(Incident, incident_id)
    if incident is None or incident.status != IncidentStatus.OPEN or incident.kind == IncidentKind.START:
        raise NotFound("No such open incident", incident_id=incident_id)
    instance = session.get(ProcessInstance, incident.instance_id) if incident.instance_id else None
    if instance is None:
        raise NotFound("No such case", incident_id=incident_id)
    if incident.kind == IncidentKind.TIMER:
        _resolve(incident, actor_id, clock)
        instance.status = CaseStatus.RUNNING
        held = select(Job).where(
            Job.instance_id == instance.id, Job.kind == JobKind.TIMER, Job.status == JobStatus.FAILED
        )
        for job in session.scalars(held):  # still past due: the worker fires them on its next pass
            job.status, job.attempts, job.last_error = JobStatus.PENDING, 0, None
        step = Step.open(session, instance, clock, actor_id)
        step.log(EventKind.INCIDENT_RETRIED, incident.element_id, None, None, incident=incident.id)
        step.write_log()
        session.flush()
        return incident.status
    submitted, submitter, task_id = dict(incident.submitted or {}), incident.actor_id, incident.task_id
    _resolve(incident, actor_id, clock)
    session.flush()
    task = session.get(HumanTask, task_id) if task_id is not None else None
    if task is None or submitter is None or task.status != TaskStatus.OPEN:
        return incident.status  # the step was done another way since: nothing left to replay
    complete_task(session, task.id, submitter, submitted, clock)  # a ProcessError reopens it
    return incident.status
