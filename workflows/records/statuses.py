"""People's statuses alone, for the reports that count them: the same status as their `Standing`
(`standings`) in the same few statements, without the rest of it (the hours, the due dates and
the records counted per requirement), so that a university's ten thousand people cost their
training records' reading and a pass over them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from workflows.records.standing import Scope, read_people, read_trainings, worst
from workflows.records.window import Status, Training, requirement_status


def statuses(session: Session, scope: Scope, day: date) -> dict[int, Status]:
    """Each person's status in the scope on `day`, as `standings` says it."""
    found = read_people(session, scope, day)
    placing, held = found.placing, found.seats
    trainings = read_trainings(session, found.where, day)
    none: list[Training] = []
    result: dict[int, Status] = {}
    for row in found.people:
        mine = trainings.get(row.id, none)
        start: date | None = row.employment_start
        requirements = placing.requirements(placing.facts(row, held.get(row.id, ())))
        result[row.id] = worst(
            [requirement_status(r, mine, day, start) for r in requirements], bool(mine), start
        )
    return result
