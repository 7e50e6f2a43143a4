"""The steps of the quarterly data diagram (bpmn/quarterly_data.bpmn, its `quarterly` service
operator) and what the head's task shows: the unit's figures for the quarter, live until sent,
then as they were kept.

The operator runs inside the case's step, with the step's session and clock: `sent` keeps the
figures and the note in the unit's submission row, `remind` tells the unit's head before the date,
`late` opens the journal's entry for the late data once per unit and quarter.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.models import EventKind, HumanTask, TaskStatus
from workflows.clock import Clock
from workflows.errors import ProcessError
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import Notice
from workflows.nonconformity.kinds import Cause
from workflows.org.roles import Role
from workflows.org.seats import seat_holders
from workflows.planning.operators import Effects
from workflows.reports.kept import QuarterlySubmission
from workflows.reports.period import Period, quarter

QUARTERLY_FORM = "quarterly_data"  # the head's task form (forms/quarterly_data.json)


def _row(session: Session, instance_id: int) -> QuarterlySubmission:
    found = session.scalars(
        select(QuarterlySubmission).where(QuarterlySubmission.instance_id == instance_id)
    ).first()
    if found is None:
        raise ProcessError("This case asks for no quarterly data", instance_id=instance_id)
    return found


def _figures(session: Session, actor_id: int, clock: Clock, row: QuarterlySubmission) -> dict[str, Any]:
    # Imported here: the reports' figures read the cases' models, whose steps import this module.
    from workflows.reports.figures import build_report

    period = quarter(row.year, row.quarter)
    return asdict(build_report(session, actor_id, clock, "department", row.unit_id, period).totals)


def _log(effects: Effects, event: EventKind, comment: str | None, /, **data: Any) -> None:
    effects.events.append(
        {
            "instance_id": effects.instance.id,
            "process_key": effects.instance.process_key,
            "at": effects.clock.now(),
            "kind": event,
            "actor_id": None,
            "on_behalf_of_id": None,
            "element_id": None,
            "comment": comment,
            "data": data,
        }
    )


def _sent(effects: Effects, row: QuarterlySubmission, task_data: dict[str, Any]) -> dict[str, Any]:
    if row.submitted_at is not None:
        return {"submitted": row.submitted_at.isoformat()}
    if effects.actor_id is None:
        raise ProcessError("The quarterly data is sent by a person", submission_id=row.id)
    row.figures = _figures(effects.session, effects.actor_id, effects.clock, row)
    row.note = str(task_data.get("note") or "").strip() or None
    row.submitted_at, row.submitted_by_id = effects.clock.now(), effects.actor_id
    return {"submitted": row.submitted_at.isoformat(), "late": local_date(row.submitted_at) > row.due_on}


def _remind(effects: Effects, row: QuarterlySubmission) -> dict[str, Any]:
    session = effects.session
    today = local_date(effects.clock.now())
    _, _, heads = seat_holders(session, Role.DEPARTMENT_HEAD, row.unit_id, None, today)
    task_id = session.scalar(
        select(HumanTask.id).where(
            HumanTask.instance_id == effects.instance.id, HumanTask.status == TaskStatus.OPEN
        )
    )
    label = f"{row.year} Q{row.quarter}"
    effects.notices.append(
        Notice(heads, NoticeKind.QUARTERLY_DUE, task_id, {"quarter": label, "due": row.due_on.isoformat()})
    )
    _log(effects, EventKind.NOTICE_SENT, None, notice=NoticeKind.QUARTERLY_DUE, recipients=len(set(heads)))
    return {"recipients": len(set(heads))}


def _late(effects: Effects, row: QuarterlySubmission) -> dict[str, Any]:
    # Imported here: opening an entry starts a step of the journal's diagram (a Step).
    from workflows.nonconformity.opening import open_nonconformity

    label = f"{row.year}Q{row.quarter}"
    note = f"Quarterly data {row.year} Q{row.quarter} not sent by {row.due_on.isoformat()}"
    opened = open_nonconformity(
        effects.session,
        cause=Cause.QUARTERLY_DATA_LATE,
        source_key=f"{Cause.QUARTERLY_DATA_LATE}:unit:{row.unit_id}:{label}",
        clock=effects.clock,
        note=note,
        unit_id=row.unit_id,
    )
    if opened.created:
        _log(effects, EventKind.NONCONFORMITY, note, kind=Cause.QUARTERLY_DATA_LATE, entry=opened.entry_id)
    return {"kind": Cause.QUARTERLY_DATA_LATE.value, "entry": opened.entry_id}


def op_quarterly(effects: Effects, stage: str) -> dict[str, Any]:
    """A step of the quarterly data diagram: `sent`, `remind` or `late`."""
    row = _row(effects.session, effects.instance.id)
    if stage == "sent":
        return _sent(effects, row, effects.task_data)
    if stage == "remind":
        return _remind(effects, row)
    if stage == "late":
        return _late(effects, row)
    raise ProcessError(f"Unknown stage '{stage}' of the quarterly data", stage=stage)


@dataclass(frozen=True)
class QuarterFigures:
    """What the head's task shows: the quarter's totals, and whether they are the kept ones."""

    unit_id: int
    period: Period
    totals: dict[str, Any]
    kept: bool


def task_figures(
    session: Session, actor_id: int, clock: Clock, instance_id: int, can_act: bool
) -> QuarterFigures | None:
    """The figures of a quarterly data case for its task's page: the kept ones once sent; until
    then, for whoever may send them, the figures as they are today (None for a reader who may not)."""
    row = session.scalars(
        select(QuarterlySubmission).where(QuarterlySubmission.instance_id == instance_id)
    ).first()
    if row is None:
        return None
    period = quarter(row.year, row.quarter)
    if row.submitted_at is not None:
        return QuarterFigures(row.unit_id, period, dict(row.figures), True)
    if not can_act:
        return None
    return QuarterFigures(row.unit_id, period, _figures(session, actor_id, clock, row), False)
