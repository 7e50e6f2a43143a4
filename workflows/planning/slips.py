"""Plan lines that slipped past their quarter go into the nonconformity journal (000 §9.3), once
per line however often the sweep runs. The worker runs the sweep daily as a job of its own kind
that queues the next one, as the periodicity sweep does."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.models import Job, JobKind, JobStatus
from workflows.cases.steps import QUEUED_JOBS, queued_jobs
from workflows.clock import Clock
from workflows.planning.amendment_models import PlanLineSlip
from workflows.planning.execution import LineProgress, line_progress
from workflows.planning.linking import current_versions
from workflows.records.models import Nonconformity
from workflows.records.reminders import next_sweep_at
from workflows.wording import N_, fill

NONCONFORMITY_KIND = "plan_slipped"  # named in the journal (app/registers/journal.py)
SLIPPED_NOTE = N_("Plan line not done by %(due)s: %(topic)s (%(year)s plan, no order issued)")


def slipped_lines(session: Session, today: date) -> list[tuple[int, LineProgress]]:
    """(year, line) of every slipped line of the plans in force up to this year."""
    found: list[tuple[int, LineProgress]] = []
    for year, version_id in sorted(current_versions(session).items()):
        if year > today.year:
            continue
        found.extend((year, line) for line in line_progress(session, year, version_id, today, None, None))
    return [(year, line) for year, line in found if line.slipped]


def sweep_slips(session: Session, clock: Clock) -> int:
    """Enter each newly slipped line in the journal; the number entered."""
    now = clock.now()
    slipped = slipped_lines(session, local_date(now))
    done = set(session.scalars(select(PlanLineSlip.line_id)))
    fresh: list[tuple[int, Nonconformity]] = []
    for year, line in slipped:
        if line.line_id in done:
            continue
        done.add(line.line_id)
        note = fill(SLIPPED_NOTE, {"due": line.due_on.isoformat(), "topic": line.topic, "year": year})
        fresh.append(
            (
                line.line_id,
                Nonconformity(person_id=line.person_id, kind=NONCONFORMITY_KIND, note=note, recorded_at=now),
            )
        )
    # One flush for all the entries (their ids come back with the insert), then one for the slips.
    session.add_all(entry for _, entry in fresh)
    session.flush()
    session.add_all(
        PlanLineSlip(line_id=line_id, nonconformity_id=entry.id, recorded_at=now) for line_id, entry in fresh
    )
    entered = len(fresh)
    session.flush()
    return entered


def _queue_quietly(session: Session, job: Job) -> None:
    """Queue a sweep without waking the workers (as the periodicity sweep does): the one adding it
    runs it, or it is due tomorrow, and a wake would only cost an extra pass."""
    woken = queued_jobs(session)
    session.add(job)
    session.flush()
    if not woken:
        session.info.pop(QUEUED_JOBS, None)


def run_slip_job(session: Session, job: Job, clock: Clock) -> None:
    """The worker's handler: sweep, then queue tomorrow's sweep."""
    sweep_slips(session, clock)
    following = Job(
        kind=JobKind.PLAN_SLIP, due_at=next_sweep_at(clock.now()), status=JobStatus.PENDING, payload={}
    )
    _queue_quietly(session, following)


def schedule_slip_sweep(session: Session, clock: Clock) -> bool:
    """Queue a sweep now unless one is pending (the worker calls it when it starts)."""
    pending = session.scalar(
        select(Job.id).where(Job.kind == JobKind.PLAN_SLIP, Job.status == JobStatus.PENDING).limit(1)
    )
    if pending is not None:
        return False
    _queue_quietly(
        session, Job(kind=JobKind.PLAN_SLIP, due_at=clock.now(), status=JobStatus.PENDING, payload={})
    )
    return True
