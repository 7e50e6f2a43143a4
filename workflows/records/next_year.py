"""Who must train next calendar year (001 §5.4, §8.1): everyone whose periodicity requirement falls
due by the end of next year or is already overdue, per unit, and the same as a spreadsheet or a
CSV table (one row per person, a header row) for heads and for other systems."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from workflows.language import pick, translations
from workflows.records.monitoring import visible_standings
from workflows.records.shortfall import sentence, status_label
from workflows.records.standing import Scope, Standing, StandingSet, Status, UnitInfo, standings, subtree
from workflows.spreadsheets import xlsx
from workflows.wording import N_

MUST_TRAIN = frozenset({Status.OVERDUE, Status.DUE_THIS_YEAR, Status.DUE_NEXT_YEAR})
# Spreadsheet programs read a cell starting with one of these as a formula.
HEADER = (
    N_("Full name"),
    N_("Position"),
    N_("Staff category"),
    N_("Institute"),
    N_("Academic department"),
    N_("Unit"),
    N_("Status"),
    N_("Due by"),
    N_("Hours counted"),
    N_("Hours required"),
    N_("What is missing"),
    N_("Policy"),
)
CATEGORIES = {
    "teaching": N_("Teaching staff"),
    "research": N_("Research staff"),
    "administrative": N_("Administrative staff"),
    "support": N_("Support staff"),
    "college_teaching": N_("College teachers"),
}


@dataclass(frozen=True)
class NextYearList:
    year: int
    day: date
    policy_label: str
    items: list[Standing]
    units: dict[int, UnitInfo]


def must_train(found: StandingSet, status: str | None = None) -> list[Standing]:
    """Those who must train by the end of next year, most urgent first."""
    chosen = [s for s in found.items if s.status in MUST_TRAIN and (not status or s.status == status)]
    return sorted(chosen, key=lambda s: (s.due_on or date.min, s.name.casefold(), s.person_id))


def next_year_list(session: Session, actor_id: int, day: date, unit_id: int | None = None) -> NextYearList:
    """The list the actor may see (everyone for HR, a head's units), optionally for one unit."""
    found, _everyone = visible_standings(session, actor_id, day)
    items = must_train(found)
    if unit_id is not None:
        inside = subtree(found.units, {unit_id})
        items = [s for s in items if s.unit_id in inside]
    return NextYearList(day.year + 1, day, found.policy_label, items, found.units)


def unit_list(session: Session, unit_id: int, day: date) -> NextYearList:
    """A unit's list, as its head is sent it (no actor: the sweep sends it)."""
    found = standings(session, Scope.units({unit_id}), day)
    return NextYearList(day.year + 1, day, found.policy_label, must_train(found), found.units)


def rows(items: Iterable[Standing], units: dict[int, UnitInfo], locale: str) -> list[list[str | int]]:
    """The table: a header row, then one row per person (texts in `locale`)."""
    say = translations(locale).gettext
    table: list[list[str | int]] = [[say(h) for h in HEADER]]
    for s in items:
        table.append(
            [
                s.name_ru if locale == "ru" and s.name_ru else s.name,
                s.position,
                say(CATEGORIES[s.staff_category]) if s.staff_category in CATEGORIES else s.staff_category,
                _unit_name(units, s.institute_id, locale),
                _unit_name(units, s.department_id, locale),
                _unit_name(units, s.unit_id, locale),
                status_label(s.status, locale),
                s.due_on.isoformat() if s.due_on else "",
                s.hours_counted,
                s.hours_required,
                sentence(s, locale),
                s.policy_label,
            ]
        )
    return table


def _unit_name(units: dict[int, UnitInfo], unit_id: int | None, locale: str) -> str:
    return pick(units[unit_id].names, locale) if unit_id is not None and unit_id in units else ""


def as_csv(table: list[list[str | int]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue()


def as_xlsx(table: list[list[str | int]], title: str) -> bytes:
    """One sheet, the first row its header; a text that would read as a formula stays text."""
    return xlsx(title, [str(h) for h in table[0]], table[1:])
