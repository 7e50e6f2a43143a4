"""The worker: fires due timers and sends queued emails, each piece of work in its own transaction.

On PostgreSQL any number of worker processes share the table, and each job runs once. A case's due
timers are taken together, its instance row first (`FOR NO KEY UPDATE SKIP LOCKED`) and then its
jobs: the order every step takes them in, so two workers never deadlock on one case, and a case
someone else is changing is left for a moment. Other jobs (emails) are taken one at a time with
`FOR UPDATE SKIP LOCKED`. SQLite has one writer at a time; there a conditional update claims each
job, and the embedded default runs one worker thread inside the app process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from workflows.cases.models import Job, JobKind, JobStatus, ProcessInstance
from workflows.cases.steps import fire_timer
from workflows.clock import Clock
from workflows.errors import Conflict
from workflows.messaging.email import send_email_job

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5

JobHandler = Callable[[Session, Job, Clock], None]


HANDLERS: dict[str, JobHandler] = {JobKind.TIMER: fire_timer, JobKind.EMAIL: send_email_job}


def register_handler(kind: str, handler: JobHandler) -> None:
    HANDLERS[kind] = handler


@dataclass
class FireResult:
    done: int = 0
    retried: int = 0
    failed: int = 0


def _due(clock: Clock) -> tuple[Any, ...]:
    return (Job.status == JobStatus.PENDING, Job.due_at <= clock.now())


def _case_timers(session: Session, clock: Clock) -> list[Job]:
    """The due timers of one case that nobody else is changing, the case's row locked first."""
    cases_due = select(Job.instance_id).where(Job.kind == JobKind.TIMER, *_due(clock))
    instance_id = session.scalar(
        select(ProcessInstance.id)
        .where(ProcessInstance.id.in_(cases_due))
        .order_by(ProcessInstance.id)
        .limit(1)
        .with_for_update(key_share=True, skip_locked=True)
    )
    if instance_id is None:
        return []
    return list(
        session.scalars(
            select(Job)
            .where(Job.instance_id == instance_id, Job.kind == JobKind.TIMER, *_due(clock))
            .order_by(Job.due_at, Job.id)
            .with_for_update()
        )
    )


def _other_job(session: Session, clock: Clock) -> list[Job]:
    """The next due job that is not a timer (emails), locked."""
    job = session.scalars(
        select(Job)
        .where(Job.kind != JobKind.TIMER, *_due(clock))
        .order_by(Job.due_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    return [job] if job is not None else []


Taker = Callable[[Session, Clock], list[Job]]


def _claimed(session: Session, jobs: list[Job]) -> bool:
    """Claim the jobs with a conditional update before any side effect: where row locks are not
    available (SQLite) two workers may read the same rows, and only one may win."""
    for job in jobs:
        claimed = session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == JobStatus.PENDING, Job.attempts == job.attempts)
            .values(attempts=Job.attempts + 1)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
    return True


def _run(factory: sessionmaker[Session], clock: Clock, worker: str, take: Taker, result: FireResult) -> bool:
    """Take one piece of work and run it; False when there was none."""
    with factory() as session:
        jobs = take(session, clock)
        if not jobs:
            return False
        ids = [job.id for job in jobs]
        if not _claimed(session, jobs):
            session.rollback()
            return True
        first = jobs[0]
        handler = HANDLERS.get(first.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {first.kind!r}")
            handler(session, first, clock)  # a timer step fires every due timer of its case
            for job in jobs:
                job.status, job.done_at, job.done_by = JobStatus.DONE, clock.now(), worker
            session.commit()
            result.done += len(jobs)
            return True
        except Exception as exc:  # a failing job must not stop the worker; it is retried, then parked
            session.rollback()
            error = f"{exc.__class__.__name__}: {exc}"
            if not isinstance(exc, Conflict):
                log.warning("job %s failed: %s", ids, error)
    with factory() as session:
        for job_id in ids:
            again = session.get(Job, job_id)
            if again is None or again.status != JobStatus.PENDING:
                continue
            again.attempts += 1
            again.last_error = error[:2000]
            if again.attempts >= MAX_ATTEMPTS:
                again.status = JobStatus.FAILED
                result.failed += 1
            else:
                again.due_at = clock.now() + timedelta(seconds=30 * 2**again.attempts)
                result.retried += 1
        session.commit()
    return True


def fire_due_jobs(
    factory: sessionmaker[Session], clock: Clock, worker: str = "worker", limit: int = 500
) -> FireResult:
    """Run the jobs due by the clock's now (up to `limit` cases' timers and `limit` other jobs)."""
    result = FireResult()
    for _ in range(limit):
        # Both kinds in turns, until neither finds anything: the emails a timer step queued are
        # sent in the same pass.
        ran = [_run(factory, clock, worker, take, result) for take in (_case_timers, _other_job)]
        if not any(ran):
            break
    return result


def run_worker(
    factory: sessionmaker[Session],
    clock: Clock,
    stop: threading.Event,
    worker: str = "worker",
    poll_seconds: float = 5.0,
    on_pass: Callable[[FireResult], None] | None = None,
) -> None:
    """Fire due jobs until `stop` is set; sleeps between empty polls. `on_pass` hears of each pass."""
    while not stop.is_set():
        try:
            result = fire_due_jobs(factory, clock, worker)
        except Exception:  # keep the loop alive through a database restart
            log.exception("worker poll failed")
            result = FireResult()
        if on_pass is not None:
            on_pass(result)
        if result.done == 0:
            stop.wait(poll_seconds)
