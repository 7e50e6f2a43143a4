"""The daily periodicity sweep, run by the worker as a job of its own kind that queues the next one:
a person due within the policy's months and their head are told once per person and period; an
overdue person gets one nonconformity "periodicity not met" per period in the journal; and from
the policy's day of the year (default 1 September) each head is sent their unit's list of who must
train next year, once a year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import LOCAL_TZ, add_months, local_date
from workflows.cases.models import Job, JobKind, JobStatus
from workflows.cases.steps import QUEUED_JOBS, queued_jobs
from workflows.clock import Clock
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import notify_people
from workflows.nonconformity.opening import open_nonconformity
from workflows.org.models import RoleAssignment
from workflows.org.roles import Role
from workflows.records.next_year import must_train
from workflows.records.notices import PeriodicityNotice, PeriodicityNoticeKind
from workflows.records.settings import records_setting
from workflows.records.shortfall import sentence
from workflows.records.standing import Scope, Standing, Status, UnitInfo, standings
from workflows.wording import N_, fill

NONCONFORMITY_KIND = "periodicity_not_met"
NOT_MET_NOTE = N_("Periodicity not met: %(missing)s")
HEAD_SEATS = (Role.DEPARTMENT_HEAD, Role.INSTITUTE_DIRECTOR)
SWEEP_HOUR = time(6, 0)  # local time: before the working day


@dataclass
class SweepResult:
    reminded: int = 0
    heads_told: int = 0
    nonconformities: int = 0
    lists_sent: int = 0


def list_day(setting_value: str, year: int) -> date:
    """The day of `year` next year's list goes out ("MM-DD"; 1 September when unreadable)."""
    try:
        month, day = (int(part) for part in setting_value.split("-"))
        return date(year, month, day)
    except ValueError:
        return date(year, 9, 1)


def _heads(session: Session, day: date) -> dict[int, dict[str, list[int]]]:
    """Unit → role → the people in that head seat today."""
    found: dict[int, dict[str, list[int]]] = {}
    rows = session.execute(
        select(RoleAssignment.org_unit_id, RoleAssignment.role, RoleAssignment.person_id).where(
            RoleAssignment.role.in_(HEAD_SEATS),
            (RoleAssignment.valid_from.is_(None)) | (RoleAssignment.valid_from <= day),
            (RoleAssignment.valid_to.is_(None)) | (RoleAssignment.valid_to >= day),
        )
    )
    for unit_id, role, person_id in rows:
        found.setdefault(unit_id, {}).setdefault(role, []).append(person_id)
    return found


def head_of(units: dict[int, UnitInfo], heads: dict[int, dict[str, list[int]]], item: Standing) -> list[int]:
    """The nearest head at or above the person's unit who is not the person (a head's own head
    is the director above them)."""
    for role in HEAD_SEATS:
        current: int | None = item.unit_id
        seen: set[int] = set()
        while current is not None and current in units and current not in seen:
            seen.add(current)
            people = [p for p in heads.get(current, {}).get(role, []) if p != item.person_id]
            if people:
                return people
            current = units[current].parent_id
    return []


def _due_soon(item: Standing, until: date) -> bool:
    return item.due_on is not None and item.status is not Status.NO_DATA and item.due_on <= until


def sweep(session: Session, clock: Clock) -> SweepResult:
    now = clock.now()
    day = local_date(now)
    setting = records_setting(session)
    found = standings(session, Scope(), day)
    heads = _heads(session, day)
    said: set[tuple[str, int, str]] = {
        (kind, person, period)
        for kind, person, period in session.execute(
            select(PeriodicityNotice.kind, PeriodicityNotice.person_id, PeriodicityNotice.period)
        )
    }
    result = SweepResult()
    remind_until = add_months(day, setting.remind_months)

    def first_time(kind: PeriodicityNoticeKind, person_id: int, period: str) -> bool:
        if (kind, person_id, period) in said:
            return False
        said.add((kind, person_id, period))
        session.add(PeriodicityNotice(kind=kind, person_id=person_id, period=period, created_at=now))
        return True

    for item in found.items:
        if item.status is Status.OVERDUE:
            period = item.due_on.isoformat() if item.due_on else "never"
            if first_time(PeriodicityNoticeKind.NOT_MET, item.person_id, period):
                open_nonconformity(
                    session,
                    cause=NONCONFORMITY_KIND,
                    source_key=f"{NONCONFORMITY_KIND}:person:{item.person_id}:{period}",
                    clock=clock,
                    note=fill(NOT_MET_NOTE, {"missing": sentence(item, "en")}),
                    person_id=item.person_id,
                )
                result.nonconformities += 1
        elif _due_soon(item, remind_until) and first_time(
            PeriodicityNoticeKind.REMINDER, item.person_id, str(item.due_on)
        ):
            data = {"due": str(item.due_on), "person_id": item.person_id, "name": item.name}
            notify_people(session, [item.person_id], NoticeKind.PERIODICITY_DUE, None, clock, data=data)
            told = head_of(found.units, heads, item)
            notify_people(session, told, NoticeKind.PERIODICITY_DUE_STAFF, None, clock, data=data)
            result.reminded += 1
            result.heads_told += len(told)
    if day >= list_day(setting.next_year_list_on, day.year):
        result.lists_sent = _send_lists(
            session, clock, must_train(found), found.units, heads, first_time, day.year + 1
        )
    session.flush()
    return result


def _send_lists(
    session: Session,
    clock: Clock,
    due: list[Standing],
    units: dict[int, UnitInfo],
    heads: dict[int, dict[str, list[int]]],
    first_time: Callable[[PeriodicityNoticeKind, int, str], bool],
    year: int,
) -> int:
    """Each unit with a head seat: its head is told of the unit's list (the page and the XLSX hold it)."""
    sent = 0
    for unit_id, held in heads.items():
        if unit_id not in units:
            continue
        count = sum(1 for s in due if _under(units, s.unit_id, unit_id))
        for head in dict.fromkeys(p for role in HEAD_SEATS for p in held.get(role, [])):
            if first_time(PeriodicityNoticeKind.NEXT_YEAR_LIST, head, f"{year}:{unit_id}"):
                data = {"year": year, "unit_id": unit_id, "count": count}
                notify_people(session, [head], NoticeKind.NEXT_YEAR_LIST, None, clock, data=data)
                sent += 1
    return sent


def _under(units: dict[int, UnitInfo], unit_id: int, root: int) -> bool:
    current: int | None = unit_id
    seen: set[int] = set()
    while current is not None and current in units and current not in seen:
        if current == root:
            return True
        seen.add(current)
        current = units[current].parent_id
    return False


def next_sweep_at(now: datetime) -> datetime:
    """Tomorrow's sweep: early in the morning, Almaty time."""
    tomorrow = local_date(now) + timedelta(days=1)
    return datetime.combine(tomorrow, SWEEP_HOUR, tzinfo=LOCAL_TZ)


def _queue_quietly(session: Session, job: Job) -> None:
    """Queue a sweep without waking the workers: the one adding it runs it (or it is due tomorrow),
    and a wake would only cost an extra pass. Emails the sweep queued still wake them."""
    woken = queued_jobs(session)
    session.add(job)
    session.flush()
    if not woken:
        session.info.pop(QUEUED_JOBS, None)


def run_sweep_job(session: Session, job: Job, clock: Clock) -> None:
    """The worker's handler: sweep, then queue tomorrow's sweep."""
    sweep(session, clock)
    following = Job(
        kind=JobKind.PERIODICITY, due_at=next_sweep_at(clock.now()), status=JobStatus.PENDING, payload={}
    )
    _queue_quietly(session, following)


def schedule_sweep(session: Session, clock: Clock) -> bool:
    """Queue a sweep now unless one is pending (the worker calls it when it starts)."""
    pending = session.scalar(
        select(Job.id).where(Job.kind == JobKind.PERIODICITY, Job.status == JobStatus.PENDING).limit(1)
    )
    if pending is not None:
        return False
    _queue_quietly(
        session, Job(kind=JobKind.PERIODICITY, due_at=clock.now(), status=JobStatus.PENDING, payload={})
    )
    return True
