"""The quarterly data to HR (000 §8.2): when a quarter ends, each department with a head gets its
quarter's report to check and send; HR sees which units sent theirs, and which are late.

The daily sweep opens them (`open_quarter`), once per unit and quarter, some days after the
quarter's end, due some days later: both numbers are the reports' editable policy. A quarter
whose date has passed before any sweep ran (a new installation) is not asked for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.models import Job
from workflows.clock import Clock
from workflows.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import notify_people
from workflows.org.models import RoleAssignment
from workflows.org.roles import OVERSIGHT_ROLES, Role
from workflows.org.seats import seats
from workflows.records.reminders import run_sweep_job
from workflows.records.standing import load_units
from workflows.reports.figures import build_report
from workflows.reports.kept import QuarterlySubmission, ReportsSetting
from workflows.reports.period import Period, quarter, quarter_of

NOTE_LIMIT = 4000


def reports_policy(session: Session) -> ReportsSetting:
    found = session.get(ReportsSetting, 1)
    if found is None:
        found = ReportsSetting(id=1)
        session.add(found)
        session.flush()
    return found


def previous_quarter(day: date) -> Period:
    return quarter_of(quarter_of(day).start - timedelta(days=1))


def _heads(session: Session, day: date) -> dict[int, list[int]]:
    """Each unit with a department head seat today, and who holds it."""
    rows = session.execute(
        select(RoleAssignment.org_unit_id, RoleAssignment.person_id).where(
            RoleAssignment.role == Role.DEPARTMENT_HEAD,
            (RoleAssignment.valid_from.is_(None)) | (RoleAssignment.valid_from <= day),
            (RoleAssignment.valid_to.is_(None)) | (RoleAssignment.valid_to >= day),
        )
    ).all()
    found: dict[int, list[int]] = {}
    for unit, person in rows:
        found.setdefault(unit, []).append(person)
    return found


def open_quarter(session: Session, clock: Clock) -> int:
    """Open the last quarter's data for every headed unit that has none yet, once the policy's days
    after the quarter's end have passed; tell the heads. Returns how many were opened."""
    policy = reports_policy(session)
    today = local_date(clock.now())
    ended = previous_quarter(today)
    due = ended.end + timedelta(days=policy.quarterly_opens_after_days + policy.quarterly_due_days)
    if today < ended.end + timedelta(days=policy.quarterly_opens_after_days) or today > due:
        return 0  # not yet; or its whole window passed (a new installation asks for no old quarter)
    number = (ended.start.month - 1) // 3 + 1
    heads = _heads(session, today)
    have = set(
        session.scalars(
            select(QuarterlySubmission.unit_id).where(
                QuarterlySubmission.year == ended.start.year, QuarterlySubmission.quarter == number
            )
        )
    )
    opened = 0
    for unit_id in sorted(set(heads) - have):
        session.add(
            QuarterlySubmission(
                unit_id=unit_id,
                year=ended.start.year,
                quarter=number,
                opened_at=clock.now(),
                due_on=due,
                figures={},
            )
        )
        opened += 1
    session.flush()
    people = sorted({p for unit in set(heads) - have for p in heads[unit]})
    if people:
        notify_people(
            session,
            people,
            NoticeKind.QUARTERLY_DUE,
            None,
            clock,
            data={"quarter": f"{ended.start.year} Q{number}"},
        )
    return opened


@dataclass(frozen=True)
class QuarterLine:
    id: int
    unit_id: int
    names: dict[str, str]
    due_on: date
    submitted_at: object | None
    late: bool  # sent after its date, or not sent and past it
    mine: bool  # the reader heads this unit and may send it
    note: str | None


@dataclass(frozen=True)
class QuarterBoard:
    period: Period
    lines: list[QuarterLine]
    everyone: bool  # the reader sees every unit's (HR and the other overseers)

    @property
    def sent(self) -> int:
        return sum(1 for line in self.lines if line.submitted_at is not None)


def quarter_board(session: Session, actor_id: int, clock: Clock, period: Period) -> QuarterBoard:
    """The quarter's submissions: every unit's for the overseers, their own units' for heads."""
    today = local_date(clock.now())
    held = seats(session, actor_id, today)
    everyone = any(s.role in OVERSIGHT_ROLES for s in held)
    headed = {s.org_unit_id for s in held if s.role == Role.DEPARTMENT_HEAD}
    if not everyone and not headed:
        raise Forbidden("The quarterly data is for HR and the heads who send it")
    number = (period.start.month - 1) // 3 + 1
    query = select(QuarterlySubmission).where(
        QuarterlySubmission.year == period.start.year, QuarterlySubmission.quarter == number
    )
    if not everyone:
        query = query.where(QuarterlySubmission.unit_id.in_(headed))
    units = load_units(session)
    lines = []
    for row in session.scalars(query):
        sent = local_date(row.submitted_at) if row.submitted_at else None
        lines.append(
            QuarterLine(
                id=row.id,
                unit_id=row.unit_id,
                names=units[row.unit_id].names if row.unit_id in units else {},
                due_on=row.due_on,
                submitted_at=row.submitted_at,
                late=(sent or today) > row.due_on,
                mine=row.unit_id in headed and row.submitted_at is None,
                note=row.note,
            )
        )
    lines.sort(key=lambda line: (line.submitted_at is not None, line.names.get("kk", "")))
    return QuarterBoard(period, lines, everyone)


def submit_quarter(
    session: Session, actor_id: int, clock: Clock, submission_id: int, note: str
) -> QuarterlySubmission:
    """The unit's head (or their deputy) sends the quarter's data: the figures are kept as they are."""
    row = session.get(QuarterlySubmission, submission_id)
    if row is None:
        raise NotFound("No such quarterly report", submission_id=submission_id)
    today = local_date(clock.now())
    if not any(
        s.role == Role.DEPARTMENT_HEAD and s.org_unit_id == row.unit_id
        for s in seats(session, actor_id, today)
    ):
        raise Forbidden("Only the unit's head sends its quarterly data", submission_id=submission_id)
    if row.submitted_at is not None:
        raise Conflict("This quarter's data was sent already", submission_id=submission_id)
    text = note.strip()
    if len(text) > NOTE_LIMIT:
        raise ValidationFailed([field_error("note", "maxLength", limit=NOTE_LIMIT)])
    report = build_report(session, actor_id, clock, "department", row.unit_id, quarter(row.year, row.quarter))
    row.figures = asdict(report.totals)
    row.note = text or None
    row.submitted_at, row.submitted_by_id = clock.now(), actor_id
    session.flush()
    return row


def daily_sweep_job(session: Session, job: Job, clock: Clock) -> None:
    """The worker's daily sweep: periodicity's, then opening the quarter's data when it is time."""
    run_sweep_job(session, job, clock)
    open_quarter(session, clock)
