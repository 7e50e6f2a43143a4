"""One requirement's rolling window over one person's trainings on a day: the trainings counted
inside it, the hours against what is required, the date it falls due and a status.

A training counts for a requirement when its certificate type is one the requirement counts (a
record without a type, from before types were kept, counts), it lasted at least the
requirement's shortest course, and it is marked as matching the disciplines or as management
training when the requirement asks for that. It counts from its end date for the requirement's
window of years; the requirement falls due on the last day enough counted trainings remain
inside the window.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from workflows.calendar import add_months
from workflows.records.requirements import Requirement


class Status(StrEnum):
    MET = "met"
    DUE_THIS_YEAR = "due_this_year"
    DUE_NEXT_YEAR = "due_next_year"
    OVERDUE = "overdue"
    NO_DATA = "no_data"


# Worst first: a person's status is the worst of their requirements'.
SEVERITY = {
    Status.OVERDUE: 4,
    Status.DUE_THIS_YEAR: 3,
    Status.DUE_NEXT_YEAR: 2,
    Status.MET: 1,
    Status.NO_DATA: 0,
}


@dataclass(frozen=True, slots=True)
class Training:
    """A training record as the standing reads it."""

    id: int
    person_id: int
    end_date: date
    hours: int
    certificate_type: str | None
    matches_disciplines: bool
    management: bool


@dataclass(frozen=True)
class RequirementStanding:
    code: str  # hours | management | any
    hours_required: int  # 0: one counted training suffices
    hours_counted: int
    years: int
    met: bool
    due_on: date | None  # the last day it stays met (met), or since when it is not (overdue)
    last_on: date | None  # the end of the latest training that counts for it, in or out of the window
    status: Status
    record_ids: tuple[int, ...]


@lru_cache(maxsize=65536)
def _years_after(day: date, years: int) -> date:
    # Ten thousand people's records share a few thousand end dates: each is shifted once.
    return add_months(day, 12 * years)


def _enough(requirement: Requirement, hours: int, count: int) -> bool:
    return hours >= requirement.hours if requirement.hours > 0 else count > 0


def status_on(due_on: date | None, day: date, known: bool) -> Status:
    if due_on is None:
        return Status.OVERDUE if known else Status.NO_DATA
    if due_on < day:
        return Status.OVERDUE
    if due_on.year == day.year:
        return Status.DUE_THIS_YEAR
    if due_on.year == day.year + 1:
        return Status.DUE_NEXT_YEAR
    return Status.MET


def _reckon(
    requirement: Requirement, trainings: Sequence[Training], day: date, employment_start: date | None
) -> tuple[list[Training], int, int, bool, date | None]:
    """The trainings that can count, the first inside the window, the hours inside, whether it is
    met and the day it falls due (see `requirement_standing`)."""
    years, types, least = requirement.years, requirement.counted_types, requirement.min_course_hours
    matching, managing = requirement.match_disciplines, requirement.management_only
    # Those that can count at all (the window aside); ten thousand people's records pass here.
    eligible = [
        t
        for t in trainings
        if t.hours >= least
        and (t.certificate_type is None or t.certificate_type in types)
        and (t.matches_disciplines or not matching)
        and (t.management or not managing)
    ]
    leaves = [_years_after(t.end_date, years) for t in eligible]
    first = bisect_left(leaves, day)
    hours = sum(t.hours for t in eligible[first:])
    met = _enough(requirement, hours, len(eligible) - first)
    due_on: date | None = None
    if met:
        # The day enough of them are still inside: the newest that still add up to what is
        # required, the oldest of them leaving last.
        running = 0
        for i in range(len(eligible) - 1, first - 1, -1):
            running += eligible[i].hours
            if _enough(requirement, running, len(eligible) - i):
                due_on = leaves[i]
                break
    else:
        # When it last stopped being met, else the end of a newcomer's first window.
        ends = [t.end_date for t in eligible]
        for leaving in sorted(set(leaves[:first]), reverse=True):
            then = eligible[bisect_left(leaves, leaving) : bisect_right(ends, leaving)]
            if _enough(requirement, sum(t.hours for t in then), len(then)):
                due_on = leaving
                break
        if due_on is None and employment_start is not None:
            due_on = add_months(employment_start, 12 * years)
    return eligible, first, hours, met, due_on


def requirement_standing(
    requirement: Requirement,
    trainings: Sequence[Training],
    day: date,
    employment_start: date | None,
) -> RequirementStanding:
    """One requirement against one person's trainings (sorted by end date, none after `day`).

    The trainings that count are in end-date order, so their leaving dates are too (shifting by
    whole years never reorders two days): the ones inside the window on a day are those from the
    first that leaves on or after it, and each step below is a search or a single pass."""
    eligible, first, hours, met, due_on = _reckon(requirement, trainings, day, employment_start)
    return RequirementStanding(
        code=requirement.code,
        hours_required=requirement.hours,
        hours_counted=hours,
        years=requirement.years,
        met=met,
        due_on=due_on,
        last_on=eligible[-1].end_date if eligible else None,
        status=status_on(due_on, day, bool(trainings)),
        record_ids=tuple(t.id for t in eligible[first:]),
    )


def requirement_status(
    requirement: Requirement, trainings: Sequence[Training], day: date, employment_start: date | None
) -> Status:
    """The status alone of `requirement_standing`."""
    due_on = _reckon(requirement, trainings, day, employment_start)[4]
    return status_on(due_on, day, bool(trainings))
