"""One requirement's standing worked out the plain way, as the definition reads: filter the
trainings, test each against the window, drop the oldest one at a time to find when it falls due,
try every earlier leaving date to find when it was last met. The reference
`workflows.records.window.requirement_standing`, which does the same in single passes and
searches, is checked against."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from workflows.calendar import add_months
from workflows.records.models import TrainingRecord
from workflows.records.requirements import Requirement
from workflows.records.window import RequirementStanding, Training, status_on


def counts(requirement: Requirement, training: Training) -> bool:
    """Whether a training can count for a requirement at all (the window aside)."""
    if training.certificate_type is not None and training.certificate_type not in requirement.counted_types:
        return False
    if training.hours < requirement.min_course_hours:
        return False
    if requirement.match_disciplines and not training.matches_disciplines:
        return False
    return not (requirement.management_only and not training.management)


def _leaves(training: Training, years: int) -> date:
    """The last day a training counts in a window of `years`."""
    return add_months(training.end_date, 12 * years)


def _inside(trainings: Sequence[Training], years: int, day: date) -> list[Training]:
    return [t for t in trainings if t.end_date <= day <= _leaves(t, years)]


def _met(requirement: Requirement, inside: Sequence[Training]) -> bool:
    if requirement.hours > 0:
        return sum(t.hours for t in inside) >= requirement.hours
    return bool(inside)


def requirement_standing(
    requirement: Requirement,
    trainings: Sequence[Training],
    day: date,
    employment_start: date | None,
) -> RequirementStanding:
    """One requirement against one person's trainings (sorted by end date, none after `day`)."""
    eligible = [t for t in trainings if t.end_date <= day and counts(requirement, t)]
    years = requirement.years
    inside = _inside(eligible, years, day)
    met = _met(requirement, inside)
    due_on: date | None = None
    if met:
        # The day enough of them are still inside: drop the oldest until it would not be met.
        remaining = list(inside)
        while remaining and _met(requirement, remaining):
            due_on = _leaves(remaining[0], years)
            remaining.pop(0)
    else:
        # When it last stopped being met, else the end of a newcomer's first window.
        for leaving in sorted({_leaves(t, years) for t in eligible if _leaves(t, years) < day}, reverse=True):
            if _met(requirement, _inside(eligible, years, leaving)):
                due_on = leaving
                break
        if due_on is None and employment_start is not None:
            due_on = add_months(employment_start, 12 * years)
    return RequirementStanding(
        code=requirement.code,
        hours_required=requirement.hours,
        hours_counted=sum(t.hours for t in inside),
        years=years,
        met=met,
        due_on=due_on,
        last_on=eligible[-1].end_date if eligible else None,
        status=status_on(due_on, day, bool(trainings)),
        record_ids=tuple(t.id for t in inside),
    )


def trainings(session: Session, day: date) -> dict[int, list[Training]]:
    """Every person's records that are not struck and ended by `day`, in end-date order."""
    rows = session.execute(
        select(
            TrainingRecord.id,
            TrainingRecord.person_id,
            TrainingRecord.end_date,
            TrainingRecord.hours,
            type_coerce(TrainingRecord.certificate_type, String),
            TrainingRecord.matches_disciplines,
            TrainingRecord.management,
        )
        .where(TrainingRecord.struck_at.is_(None), TrainingRecord.end_date <= day)
        .order_by(TrainingRecord.person_id, TrainingRecord.end_date, TrainingRecord.id)
    )
    found: dict[int, list[Training]] = {}
    for record_id, person_id, end, hours, kind, matches, management in rows:
        found.setdefault(person_id, []).append(
            Training(record_id, person_id, end, hours, kind, bool(matches), bool(management))
        )
    return found
