"""The quarterly data to HR (000 §8.2): when a quarter ends, each department with a head gets its
quarter's report to check and send; HR sees which units sent theirs, and which are late.

Each unit's quarter is a case of bpmn/quarterly_data.bpmn: the daily sweep opens them
(`open_quarter`), once per unit and quarter, some days after the quarter's end, due some days
later (both numbers are the reports' editable policy). The case's task puts the quarter in the
head's inbox; sending it keeps the figures in the unit's `QuarterlySubmission` row (the
diagram's `quarterly` steps, workflows/reports/quarterly_steps.py), which HR's board reads. The
diagram reminds the head before the date, and past it records the nonconformity and tells the
institute's director and HR. A quarter whose window has passed before any sweep ran (a new
installation) is not asked for.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.models import EventKind, HumanTask, Job, TaskStatus
from workflows.cases.new_case import new_instance
from workflows.cases.steps import Step
from workflows.clock import Clock
from workflows.definitions.publishing import latest_version
from workflows.definitions.versions import VERSIONS, LoadedVersion
from workflows.errors import Forbidden, NotFound
from workflows.org.models import RoleAssignment
from workflows.org.roles import OVERSIGHT_ROLES, Role
from workflows.org.seats import seats
from workflows.records.reminders import run_sweep_job
from workflows.records.standing import UnitInfo, load_units
from workflows.reports.kept import QUARTERLY_PROCESS, QuarterlySubmission
from workflows.reports.period import Period, quarter_of
from workflows.reports.policy import reports_policy

PROCESS_KEY = QUARTERLY_PROCESS
TASK_ELEMENT = "check_and_send"  # the head's task in it


def previous_quarter(day: date) -> Period:
    return quarter_of(quarter_of(day).start - timedelta(days=1))


def quarter_number(period: Period) -> int:
    return (period.start.month - 1) // 3 + 1


def _heads(session: Session, day: date) -> dict[int, list[int]]:
    """Each unit with a department head seat today, and who holds it."""
    rows = session.execute(
        select(RoleAssignment.org_unit_id, RoleAssignment.person_id)
        .where(
            RoleAssignment.role == Role.DEPARTMENT_HEAD,
            (RoleAssignment.valid_from.is_(None)) | (RoleAssignment.valid_from <= day),
            (RoleAssignment.valid_to.is_(None)) | (RoleAssignment.valid_to >= day),
        )
        .order_by(RoleAssignment.id)
    ).all()
    found: dict[int, list[int]] = {}
    for unit, person in rows:
        found.setdefault(unit, []).append(person)
    return found


def open_quarter(session: Session, clock: Clock) -> int:
    """Start the last quarter's case for every headed unit that has none yet, once the policy's
    days after the quarter's end have passed. A row left waiting from before the cases (without
    one) gets its case too. Returns how many cases were started."""
    policy = reports_policy(session)
    today = local_date(clock.now())
    ended = previous_quarter(today)
    opens = ended.end + timedelta(days=policy.quarterly_opens_after_days)
    due = opens + timedelta(days=policy.quarterly_due_days)
    if today < opens or today > due:
        return 0  # not yet; or its whole window passed (a new installation asks for no old quarter)
    try:
        version = VERSIONS.put(latest_version(session, PROCESS_KEY))
    except NotFound:
        return 0  # the diagram is not published here: nobody can be asked
    number = quarter_number(ended)
    kept = {
        row.unit_id: row
        for row in session.scalars(
            select(QuarterlySubmission).where(
                QuarterlySubmission.year == ended.start.year, QuarterlySubmission.quarter == number
            )
        )
    }
    units = load_units(session)
    opened = 0
    for unit_id, heads in sorted(_heads(session, today).items()):
        row = kept.get(unit_id)
        if row is not None and (row.instance_id is not None or row.submitted_at is not None):
            continue
        if row is None:
            row = QuarterlySubmission(
                unit_id=unit_id,
                year=ended.start.year,
                quarter=number,
                opened_at=clock.now(),
                due_on=due,
                figures={},
            )
            session.add(row)
            session.flush()
        _start(session, version, row, heads[0], units.get(unit_id), clock)
        opened += 1
    return opened


def _start(
    session: Session,
    version: LoadedVersion,
    row: QuarterlySubmission,
    head_id: int,
    unit: UnitInfo | None,
    clock: Clock,
) -> None:
    """The unit's case: about the unit's head, its task for whoever holds the unit's head seat."""
    info = version.definition.info
    now = clock.now()
    label = f"{row.year} Q{row.quarter}"
    instance = new_instance(
        session,
        version.id,
        PROCESS_KEY,
        f"QD-{row.year}Q{row.quarter}-{secrets.token_hex(3).upper()}",
        head_id,
        row.unit_id,
        now,
    )
    row.instance_id = instance.id
    names = unit.names if unit is not None else {}
    data = {
        "policy": info.policy(),
        "submission_id": row.id,
        "unit_id": row.unit_id,
        "unit_name": names.get("kk", ""),
        "year": row.year,
        "quarter": row.quarter,
        "quarter_label": label,
        "due_on": row.due_on.isoformat(),
        "applicant_id": head_id,
        "applicant_name": names.get("kk", ""),
        "course": label,
        "case_key": instance.business_key,
    }
    step = Step(session, instance, version, clock, None, start_data=data)
    step.log(EventKind.CASE_STARTED, info.start_event.id, version=version.version, submission=row.id)
    step.save()


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
    case_id: int | None  # the unit's case of the quarterly data diagram
    task_id: int | None  # its head's task while it is open


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
    open_task = (
        select(HumanTask.id)
        .where(
            HumanTask.instance_id == QuarterlySubmission.instance_id,
            HumanTask.element_id == TASK_ELEMENT,
            HumanTask.status == TaskStatus.OPEN,
        )
        .order_by(HumanTask.id)
        .limit(1)
        .scalar_subquery()
    )
    query = select(QuarterlySubmission, open_task).where(
        QuarterlySubmission.year == period.start.year,
        QuarterlySubmission.quarter == quarter_number(period),
    )
    if not everyone:
        query = query.where(QuarterlySubmission.unit_id.in_(headed))
    units = load_units(session)
    lines = []
    for row, task_id in session.execute(query.order_by(QuarterlySubmission.id)):
        sent = local_date(row.submitted_at) if row.submitted_at else None
        lines.append(
            QuarterLine(
                id=row.id,
                unit_id=row.unit_id,
                names=units[row.unit_id].names if row.unit_id in units else {},
                due_on=row.due_on,
                submitted_at=row.submitted_at,
                late=(sent or today) > row.due_on,
                mine=row.unit_id in headed and row.submitted_at is None and task_id is not None,
                note=row.note,
                case_id=row.instance_id,
                task_id=task_id,
            )
        )
    lines.sort(key=lambda line: (line.submitted_at is not None, line.names.get("kk", "")))
    return QuarterBoard(period, lines, everyone)


def daily_sweep_job(session: Session, job: Job, clock: Clock) -> None:
    """The worker's daily sweep: periodicity's, then opening the quarter's data when it is time."""
    run_sweep_job(session, job, clock)
    open_quarter(session, clock)
