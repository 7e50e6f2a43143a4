"""The worker: fires due timers and sends queued emails, each job in its own transaction.

On PostgreSQL any number of worker processes share the table: a job is taken with
`SELECT ... FOR UPDATE SKIP LOCKED`, so each runs exactly once. SQLite has one writer at a
time anyway; the embedded default runs one worker thread inside the app process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from workflows.cases.incidents import hold_timer
from workflows.cases.models import Job, JobKind, JobStatus
from workflows.cases.steps import fire_timer
from workflows.clock import Clock
from workflows.errors import Conflict, ProcessError
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


def _take_one(session: Session, clock: Clock) -> Job | None:
    return session.scalars(
        select(Job)
        .where(Job.status == JobStatus.PENDING, Job.due_at <= clock.now())
        .order_by(Job.due_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def fire_due_jobs(
    factory: sessionmaker[Session], clock: Clock, worker: str = "worker", limit: int = 500
) -> FireResult:
    """Run every job due by the clock's now, up to `limit`; returns what happened."""
    result = FireResult()
    for _ in range(limit):
        with factory() as session:
            job = _take_one(session, clock)
            if job is None:
                break
            job_id = job.id
            # Claim it with a conditional update before any side effect: where SKIP LOCKED is
            # not available (SQLite) two workers may read the same row, and only one may win.
            claimed = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.PENDING, Job.attempts == job.attempts)
                .values(attempts=Job.attempts + 1)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                continue
            handler = HANDLERS.get(job.kind)
            try:
                if handler is None:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
                handler(session, job, clock)
                job.status, job.done_at, job.done_by = JobStatus.DONE, clock.now(), worker
                session.commit()
                result.done += 1
                continue
            except Exception as exc:  # a failing job must not stop the worker; it is retried, then parked
                session.rollback()
                error = f"{exc.__class__.__name__}: {exc}"
                failure = exc if isinstance(exc, ProcessError) else None
                if not isinstance(exc, Conflict):
                    log.warning("job %s failed: %s", job_id, error)
        with factory() as session:
            job = session.get(Job, job_id)
            if job is None or job.status != JobStatus.PENDING:
                continue
            if failure is not None and job.kind == JobKind.TIMER:
                # The diagram itself failed: retrying will not help until the cause is fixed.
                hold_timer(session, job, failure, clock)
                session.commit()
                result.failed += 1
                continue
            job.attempts += 1
            job.last_error = error[:2000]
            if job.attempts >= MAX_ATTEMPTS:
                job.status = JobStatus.FAILED
                result.failed += 1
            else:
                job.due_at = clock.now() + timedelta(seconds=30 * 2**job.attempts)
                result.retried += 1
            session.commit()
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
