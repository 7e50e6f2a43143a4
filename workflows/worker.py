"""The worker: fires due timers and sends queued emails, each piece of work in its own transaction
(a batch of emails in one).

On PostgreSQL any number of worker processes share the table, and each job runs once. A case's due
timers are taken together, its instance row (with its state) first (`FOR NO KEY UPDATE SKIP
LOCKED`) and then its jobs, claimed and marked done by one write that the step's rollback undoes:
the order every step takes them in, so two workers never deadlock on one case, and a case someone
else is changing is left for a moment. Due emails are taken in batches, claimed by one write and
sent in the batch's one transaction (composing one only reads, so one that fails is put off alone);
other jobs one at a time; both with `FOR UPDATE SKIP LOCKED`. SQLite has one writer at a time;
there conditional updates claim the jobs, and the embedded default runs one worker thread inside
the app process.

Between passes the worker sleeps until the next job falls due, never longer than `max_sleep`, and
wakes as soon as a new job is committed: through `LISTEN` on PostgreSQL (`JobListener`; steps
`NOTIFY` when they queue jobs), through an event the web app's commits set in its own process
(app/worker.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker, undefer

from workflows.cases.incidents import hold_timer
from workflows.cases.models import Job, JobKind, JobStatus, ProcessInstance
from workflows.cases.steps import JOBS_CHANNEL, fire_timer
from workflows.clock import Clock
from workflows.errors import Conflict, ProcessError
from workflows.messaging.email import load_email_context, one_session_a_server, send_email_job
from workflows.org.import_runs import preview_job
from workflows.planning.slips import run_slip_job, schedule_slip_sweep
from workflows.records.reminders import schedule_sweep
from workflows.reports.exports import export_job
from workflows.reports.quarterly import daily_sweep_job

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# Seconds to wait before looking again when all that is due belongs to cases others are changing
# (their steps take milliseconds; looking again at once would only spin).
BUSY_PAUSE = 0.5
# Emails sent in one transaction (each in a savepoint): a step's notices go out with one commit.
EMAIL_BATCH = 50

JobHandler = Callable[[Session, Job, Clock], None]
# Sleeps up to the given number of seconds; returns early when woken (a job was committed, or stop).
Wait = Callable[[float], object]


HANDLERS: dict[str, JobHandler] = {
    JobKind.TIMER: fire_timer,
    JobKind.EMAIL: send_email_job,
    JobKind.PERIODICITY: daily_sweep_job,  # periodicity's sweep, then the quarter's data to HR
    JobKind.IMPORT_PREVIEW: preview_job,
    JobKind.PLAN_SLIP: run_slip_job,
    JobKind.REPORT_EXPORT: export_job,
}


def register_handler(kind: str, handler: JobHandler) -> None:
    HANDLERS[kind] = handler


@dataclass
class FireResult:
    done: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def idle(self) -> bool:
        return self.done + self.retried + self.failed == 0


class Taken(NamedTuple):
    """The jobs a taker took; the rows read with them for their handlers (the session keeps loaded
    rows only while something refers to them, so whoever runs the jobs holds these meanwhile); and
    whether more of the kind may be due (False: asking again in this pass would find none)."""

    jobs: list[Job]
    read: tuple[Any, ...] = ()
    more: bool = True


def _due(clock: Clock) -> tuple[ColumnElement[bool], ...]:
    return (Job.status == JobStatus.PENDING, Job.due_at <= clock.now())


def _timers_due(clock: Clock) -> tuple[ColumnElement[bool], ...]:
    # The engine fires a timer once its moment has passed, not at the moment itself: a job taken
    # at its exact due time would be marked done with the timer still waiting.
    return (Job.kind == JobKind.TIMER, Job.status == JobStatus.PENDING, Job.due_at < clock.now())


def _case_timers(session: Session, clock: Clock, worker: str) -> Taken:
    """The due timers of one case that nobody else is changing, the case's row (with its state,
    for the step that fires them) locked first; the jobs come back claimed and marked done, which
    the step's rollback undoes if it fails."""
    cases_due = select(Job.instance_id).where(*_timers_due(clock))
    another = select(Job.id).where(*_timers_due(clock), Job.instance_id != ProcessInstance.id).exists()
    found = session.execute(
        select(ProcessInstance, another)
        .where(ProcessInstance.id.in_(cases_due))
        .order_by(ProcessInstance.id)
        .limit(1)
        .options(undefer(ProcessInstance.state))
        .with_for_update(key_share=True, skip_locked=True)
    ).first()
    if found is None:
        return Taken([], more=False)
    instance, more = found
    # Claimed by a conditional update, as `_claimed` does, and done in the same write.
    jobs = session.scalars(
        update(Job)
        .where(Job.instance_id == instance.id, *_timers_due(clock))
        .values(attempts=Job.attempts + 1, status=JobStatus.DONE, done_at=clock.now(), done_by=worker)
        .returning(Job)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).all()
    return Taken(sorted(jobs, key=lambda job: (job.due_at, job.id)), (instance,), bool(more))


def _emails(session: Session, clock: Clock) -> Taken:
    """The next due emails, up to `EMAIL_BATCH` of them, locked and claimed in one statement (the
    conditional update `_claimed` makes, for the whole batch), with the people, cases and tasks
    their messages speak of read beside them in one more."""
    batch = (
        select(Job.id)
        .where(Job.kind == JobKind.EMAIL, *_due(clock))
        .order_by(Job.due_at, Job.id)
        .limit(EMAIL_BATCH)
        .with_for_update(skip_locked=True)
    )
    jobs = session.scalars(
        update(Job)
        .where(Job.id.in_(batch), Job.status == JobStatus.PENDING)
        .values(attempts=Job.attempts + 1)
        .returning(Job)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).all()
    context = load_email_context(session, [job.id for job in jobs]) if jobs else []
    ordered = sorted(jobs, key=lambda job: (job.due_at, job.id))
    return Taken(ordered, tuple(context), len(jobs) == EMAIL_BATCH)


def _other_job(session: Session, clock: Clock, _worker: str) -> Taken:
    """The next due job that is neither a timer nor an email (a sweep, an import preview), locked."""
    job = session.scalars(
        select(Job)
        .where(Job.kind.not_in([JobKind.TIMER, JobKind.EMAIL]), *_due(clock))
        .order_by(Job.due_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    return Taken([job]) if job is not None else Taken([], more=False)


Taker = Callable[[Session, Clock, str], Taken]  # the session, the clock, the worker's name


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


def ended_reading(session: Session) -> None:
    """End a transaction by committing it, also when it only read: PostgreSQL's driver forgets the
    statements it has prepared on the connection at every rollback, and the worker looks for due
    jobs many times a minute; the next step's statements would be parsed and planned again."""
    session.commit()


def _run(
    factory: sessionmaker[Session], clock: Clock, worker: str, take: Taker, result: FireResult
) -> tuple[bool, bool]:
    """Take one piece of work and run it: whether there was any, and whether more may be due."""
    with factory() as session:
        taken = take(session, clock, worker)  # what it read is held while the handler runs
        jobs = taken.jobs
        if not jobs:
            ended_reading(session)
            return False, False
        ids = [job.id for job in jobs]
        if jobs[0].kind != JobKind.TIMER and not _claimed(session, jobs):
            session.rollback()
            return True, True
        first = jobs[0]
        handler = HANDLERS.get(first.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {first.kind!r}")
            handler(session, first, clock)  # a timer step fires every due timer of its case
            for job in jobs:
                if job.status != JobStatus.DONE:  # timers were marked as they were claimed
                    job.status, job.done_at, job.done_by = JobStatus.DONE, clock.now(), worker
            session.commit()
            result.done += len(jobs)
            return True, taken.more
        except Exception as exc:  # a failing job must not stop the worker; it is retried, then parked
            session.rollback()
            error = f"{exc.__class__.__name__}: {exc}"
            failure = exc if isinstance(exc, ProcessError) and first.kind == JobKind.TIMER else None
            if not isinstance(exc, Conflict):
                log.warning("job %s failed: %s", ids, error)
    with factory() as session:
        if failure is not None:
            # The diagram itself failed: retrying will not help until the cause is fixed.
            held = [
                job for job in (session.get(Job, i) for i in ids) if job and job.status == JobStatus.PENDING
            ]
            if held:
                hold_timer(session, held, failure, clock)
                result.failed += len(held)
            session.commit()
            return True, True
        for job_id in ids:
            again = session.get(Job, job_id)
            if again is None or again.status != JobStatus.PENDING:
                continue
            again.attempts += 1
            _put_off(again, error, clock, result)
        session.commit()
    return True, True


def _run_emails(factory: sessionmaker[Session], clock: Clock, worker: str, result: FireResult) -> bool:
    """Send a batch of due emails in one transaction: one that fails is put off (or parked) alone,
    as if it had run by itself, and the others are marked sent. Composing an email only reads, so
    a failing one leaves nothing behind to undo. Returns whether more may be due (a full batch)."""
    with factory() as session:
        taken = _emails(session, clock)  # what it read stays in the session while held
        jobs = taken.jobs
        with one_session_a_server():
            _send_emails(session, jobs, clock, worker, result)
        ended_reading(session)  # the emails sent, or none was due
    return taken.more


def _send_emails(session: Session, jobs: list[Job], clock: Clock, worker: str, result: FireResult) -> None:
    for job in jobs:  # claimed: `attempts` is what the claim left in the row
        try:
            HANDLERS[JobKind.EMAIL](session, job, clock)
            job.status, job.done_at, job.done_by = JobStatus.DONE, clock.now(), worker
            result.done += 1
        except Exception as exc:  # this email waits; the batch goes on
            error = f"{exc.__class__.__name__}: {exc}"
            log.warning("job %s failed: %s", job.id, error)
            _put_off(job, error, clock, result)


def _put_off(job: Job, error: str, clock: Clock, result: FireResult) -> None:
    """A job that failed waits: retried later the more attempts it had, parked after the last."""
    job.last_error = error[:2000]
    if job.attempts >= MAX_ATTEMPTS:
        job.status = JobStatus.FAILED
        result.failed += 1
    else:
        job.due_at = clock.now() + timedelta(seconds=30 * 2**job.attempts)
        result.retried += 1


def fire_due_jobs(
    factory: sessionmaker[Session], clock: Clock, worker: str = "worker", limit: int = 500
) -> FireResult:
    """Run the jobs due by the clock's now (up to `limit` cases' timers and `limit` other jobs)."""
    result = FireResult()
    timers = others = emails = True  # whether each kind may have more due
    for _ in range(limit):
        # The kinds in turns, until none has anything left: the emails a timer step (or another
        # job) queued are sent in the same pass. A kind found exhausted (none left, no other case
        # with due timers, a batch short of full) is not asked again in this pass (what falls due
        # meanwhile waits for the next), unless a job that ran since may have queued more of it:
        # emails.
        ran_timer = ran_other = False
        if timers:
            ran_timer, timers = _run(factory, clock, worker, _case_timers, result)
        if others:
            ran_other, others = _run(factory, clock, worker, _other_job, result)
        if emails or ran_timer or ran_other:
            emails = _run_emails(factory, clock, worker, result)
        if not (timers or others or emails):
            break
    return result


def next_sleep(session: Session, clock: Clock, last: FireResult, max_sleep: float) -> float:
    """Seconds to sleep after a pass: until the next pending job is due, at most `max_sleep`."""
    due = session.scalar(select(func.min(Job.due_at)).where(Job.status == JobStatus.PENDING))
    if due is None:
        return max_sleep
    seconds = (due - clock.now()).total_seconds()
    if seconds > 0:
        return min(seconds, max_sleep)
    # Still due after a pass: more than one pass's worth (go on at once), or only cases that other
    # transactions hold (the pass did nothing; look again shortly).
    return min(BUSY_PAUSE, max_sleep) if last.idle else 0.0


def start_sweeps(factory: sessionmaker[Session], clock: Clock) -> None:
    """The daily periodicity sweep queues its next run itself; a worker starts the chain when none
    is pending (a database it cannot reach now will be swept by the next worker to start)."""
    try:
        with factory() as session:
            schedule_sweep(session, clock)
            schedule_slip_sweep(session, clock)
            session.commit()
    except Exception:  # keep the worker up; the sweep waits for the next start
        log.exception("cannot queue the periodicity sweep")


def run_worker(
    factory: sessionmaker[Session],
    clock: Clock,
    stop: threading.Event,
    worker: str = "worker",
    max_sleep: float = 5.0,
    on_pass: Callable[[FireResult], None] | None = None,
    wait: Wait | None = None,
) -> None:
    """Fire due jobs until `stop` is set, sleeping between passes until the next job is due (at
    most `max_sleep` seconds) through `wait`, which returns early when a job is committed (by
    default it waits on `stop` only). `on_pass` hears of each pass."""
    sleep = wait or stop.wait
    start_sweeps(factory, clock)
    while not stop.is_set():
        try:
            result = fire_due_jobs(factory, clock, worker)
            with factory() as session:
                seconds = next_sleep(session, clock, result, max_sleep)
                ended_reading(session)
        except Exception:  # keep the loop alive through a database restart
            log.exception("worker pass failed")
            result, seconds = FireResult(), max_sleep
        if on_pass is not None:
            on_pass(result)
        if seconds > 0 and not stop.is_set():
            sleep(seconds)


class JobListener:
    """Wakes a worker process as soon as a job is committed anywhere: `LISTEN` on a PostgreSQL
    connection of its own, opened at once so that nothing committed after the first pass is missed.
    Notices for other schemas of the same database are ignored; while the connection is lost the
    worker sleeps its whole time, and the listener connects again before the next sleep."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._schema = ""
        self._raw: Any = None  # the engine's connection, taken out of its pool
        self._connect()

    @staticmethod
    def wanted(engine: Engine) -> bool:
        """Whether the database can wake workers (PostgreSQL); elsewhere they sleep until due."""
        return engine.dialect.name == "postgresql"

    def _connect(self) -> Any:
        raw = None
        try:
            raw = self._engine.raw_connection()
            raw.detach()  # it listens for the life of the worker, never back in the pool
            connection: Any = raw.dbapi_connection  # psycopg.Connection: notifies(), autocommit
            connection.rollback()
            connection.autocommit = True
            self._schema = connection.execute("SELECT current_schema()").fetchone()[0]
            connection.execute(f"LISTEN {JOBS_CHANNEL}")
        except Exception:  # the database is away: sleep, and try again before the next wait
            log.warning("cannot listen for new jobs; sleeping until they are due", exc_info=True)
            if raw is not None:
                raw.close()
            return None
        self._raw = raw
        return connection

    def wait(self, timeout: float) -> bool:
        """Sleep up to `timeout` seconds; True as soon as a job of this schema was committed."""
        deadline = time.monotonic() + timeout
        connection = self._raw.dbapi_connection if self._raw is not None else self._connect()
        if connection is None:
            time.sleep(timeout)
            return False
        try:
            woken = False
            while not woken and (left := deadline - time.monotonic()) > 0:
                for notice in connection.notifies(timeout=left, stop_after=1):
                    woken = woken or notice.payload == self._schema
            for notice in connection.notifies(timeout=0):  # one pass serves every notice so far
                woken = woken or notice.payload == self._schema
            return woken
        except Exception:
            log.warning("lost the connection that listens for new jobs", exc_info=True)
            self.close()
            time.sleep(max(0.0, deadline - time.monotonic()))
            return False

    def close(self) -> None:
        raw, self._raw = self._raw, None
        if raw is not None:
            try:
                raw.close()
            except Exception:  # already gone
                log.debug("closing the listening connection failed", exc_info=True)
