"""What the journal tells the reports: entries opened, closed and overdue in a period, by cause.

One grouped query however many entries there are; the reports (department, institute,
university, the annual 602-06) call `journal_figures` with the units and the period they cover.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from workflows.calendar import LOCAL_TZ
from workflows.cases.access import within
from workflows.org.models import Person
from workflows.records.models import Nonconformity


@dataclass(frozen=True)
class CauseFigures:
    opened: int = 0  # recorded in the period
    closed: int = 0  # closed in the period (whenever they were opened)
    overdue: int = 0  # open at the period's end with the action's date passed


@dataclass(frozen=True)
class JournalFigures:
    opened: int
    closed: int
    overdue: int
    by_cause: dict[str, CauseFigures] = field(default_factory=dict)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ)


def journal_figures(
    session: Session, *, date_from: date, date_to: date, unit_ids: list[int] | None = None
) -> JournalFigures:
    """The journal's figures for the days `date_from`..`date_to` (both included), for the entries
    of `unit_ids` and the units below them (None: the whole university). An entry's unit is its own,
    as `open_nonconformity` recorded it; entries from before that fall to their person's unit."""
    start, end = _moment(date_from), _moment(date_to + timedelta(days=1))
    n = Nonconformity
    opened = and_(n.recorded_at >= start, n.recorded_at < end)
    closed = and_(n.closed_at >= start, n.closed_at < end)
    still_open = and_(n.recorded_at < end, (n.closed_at.is_(None)) | (n.closed_at >= end))
    overdue = and_(still_open, n.action_due.is_not(None), n.action_due <= date_to, n.action_done_on.is_(None))
    query = select(
        n.kind,
        func.sum(case((opened, 1), else_=0)),
        func.sum(case((closed, 1), else_=0)),
        func.sum(case((overdue, 1), else_=0)),
    ).group_by(n.kind)
    if unit_ids is not None:
        unit = func.coalesce(n.unit_id, Person.org_unit_id)
        query = query.outerjoin(Person, Person.id == n.person_id).where(
            within(unit, unit_ids, "figure_units")
        )
    by_cause = {
        kind: CauseFigures(int(o or 0), int(c or 0), int(d or 0))
        for kind, o, c, d in session.execute(query)
        if o or c or d
    }
    return JournalFigures(
        sum(f.opened for f in by_cause.values()),
        sum(f.closed for f in by_cause.values()),
        sum(f.overdue for f in by_cause.values()),
        dict(sorted(by_cause.items())),
    )
