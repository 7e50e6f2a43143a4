"""Plan against done for a report's subject and period: the approved plans' lines due in the
period, and what came of them (applied, ordered, certificate verified, slipped; hours and money)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from workflows.planning.execution import Figures, line_progress
from workflows.planning.linking import current_versions
from workflows.reports.period import Period
from workflows.reports.subject import Subject


@dataclass(frozen=True)
class PlanFigures:
    """Plan against done: the approved plans' lines of the subject due in the period, and what
    came of them (applied, ordered, certificate verified, slipped; hours and money)."""

    lines: int
    applied: int
    ordered: int
    verified: int
    slipped: int
    hours_planned: int
    hours_done: int
    cost_planned: float
    spent: float


def planned(session: Session, subject: Subject, period: Period, today: date) -> PlanFigures | None:
    """Plan against done for the subject: the lines of the approved plans of the period's years that
    fall due in it; None where no year of the period has an approved plan."""
    years = list(range(period.start.year, period.end.year + 1))
    versions = current_versions(session, years)
    if not versions:
        return None
    done = Figures()
    for year, version_id in sorted(versions.items()):
        for line in line_progress(session, year, version_id, today, None, None):
            if line.unit_id not in subject.unit_ids or not period.start <= line.due_on <= period.end:
                continue
            if subject.person_id is not None and line.person_id != subject.person_id:
                continue
            done.add(line)
    return PlanFigures(
        done.lines,
        done.applied,
        done.ordered,
        done.verified,
        done.slipped,
        done.hours_planned,
        done.hours_done,
        float(done.cost_planned),
        float(done.spent),
    )
