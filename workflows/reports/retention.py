"""How long records are kept (000's list of forms), as editable policy: each register and report
names the period of what it lists, and the purge (workflows/reports/purge.py) reads it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.clock import Clock
from workflows.errors import FieldError, NotFound, StaleForm, ValidationFailed, field_error
from workflows.org.audit import Subject, record_change
from workflows.org.authority import require_administration
from workflows.reports.models import RetentionPeriod
from workflows.reports.policy import whole_number

YEARS = (1, 75)  # a sanity bound on what HR types, not the policy itself
# What each register keeps, as a kind of 000's list.
REGISTER_KINDS = {
    "cases": "schedule",
    "orders": "schedule",
    "certificates": "consolidated_schedule",
    "journal": "journal",
}


@dataclass(frozen=True)
class Retention:
    kind: str
    form: str  # the form's code in 000's list
    years: int


def retention_periods(session: Session) -> list[Retention]:
    rows = session.scalars(select(RetentionPeriod).order_by(RetentionPeriod.id))
    return [Retention(r.kind, r.form, r.years) for r in rows]


def editable_periods(session: Session, actor_id: int, clock: Clock) -> list[Retention]:
    """The periods as the retention page shows them: to HR and administrators only."""
    require_administration(session, actor_id, local_date(clock.now()))
    return retention_periods(session)


def retention_for(session: Session, register: str) -> Retention | None:
    """The period of what `register` (or a kind of 000's list) keeps; None if it has none."""
    kind = REGISTER_KINDS.get(register, register)
    row = session.scalar(select(RetentionPeriod).where(RetentionPeriod.kind == kind))
    return Retention(row.kind, row.form, row.years) if row else None


def set_retention(session: Session, actor_id: int, kind: str, years: int, clock: Clock) -> Retention:
    """HR or an administrator changes one period; the audit log keeps the old and the new value."""
    require_administration(session, actor_id, local_date(clock.now()))
    row = session.scalar(select(RetentionPeriod).where(RetentionPeriod.kind == kind))
    if row is None:
        raise NotFound("No such kind of record", kind=kind)
    if years < YEARS[0]:
        raise ValidationFailed([field_error("years", "minimum", limit=YEARS[0])])
    if years > YEARS[1]:
        raise ValidationFailed([field_error("years", "maximum", limit=YEARS[1])])
    if years != row.years:
        data = {"kind": kind, "years": [row.years, years]}
        record_change(session, actor_id, "retention_changed", Subject.RETENTION, row.id, clock, data)
        row.years, row.updated_at, row.updated_by_id = years, clock.now(), actor_id
        session.flush()
    return Retention(row.kind, row.form, row.years)


def change_retention(
    session: Session, actor_id: int, clock: Clock, typed: dict[str, str], seen: dict[str, str]
) -> list[Retention]:
    """HR or an administrator saves the retention page: `typed` the years for each kind, `seen` the
    years the page showed. Refused wholesale when a number is wrong, and as a conflict when someone
    changed a period since the page was opened; each change is audit logged."""
    require_administration(session, actor_id, local_date(clock.now()))
    current = retention_periods(session)
    errors: list[FieldError] = []
    values = {r.kind: whole_number(r.kind, typed.get(r.kind, ""), *YEARS, errors) for r in current}
    if errors:
        raise ValidationFailed(errors)
    stale = [r.kind for r in current if seen.get(r.kind, "").strip() not in ("", str(r.years))]
    if stale:
        raise StaleForm("Someone changed the retention periods since you opened the page", kinds=stale)
    for row in current:
        years = values[row.kind]
        assert years is not None
        set_retention(session, actor_id, row.kind, years, clock)
    return retention_periods(session)
